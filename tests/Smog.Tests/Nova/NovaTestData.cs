using System.Collections.Immutable;
using Smog.Nova;

namespace Smog.Tests.Nova;

/// <summary>Short builders for flavors and images in Nova tests.</summary>
internal static class NovaTestData
{
    public static Flavor Flavor(int vcpus, long memoryMiB, params (string Key, string Value)[] specs) =>
        new(vcpus, memoryMiB, specs.ToImmutableSortedDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));

    public static ImageProperties Image(params (string Key, string Value)[] props) =>
        new(props.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
}
