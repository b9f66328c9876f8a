using System.Collections.Immutable;

namespace Smog.Nova;

/// <summary>Nova's field values for the policy enums, both ways (as the oracle and Nova's objects print them).</summary>
public static class NovaNames
{
    public static readonly ImmutableSortedDictionary<string, CpuPolicy> CpuPolicy = new Dictionary<string, CpuPolicy>
    {
        ["dedicated"] = Nova.CpuPolicy.Dedicated,
        ["mixed"] = Nova.CpuPolicy.Mixed,
        ["shared"] = Nova.CpuPolicy.Shared,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static readonly ImmutableSortedDictionary<string, CpuThreadPolicy> ThreadPolicy = new Dictionary<string, CpuThreadPolicy>
    {
        ["isolate"] = CpuThreadPolicy.Isolate,
        ["prefer"] = CpuThreadPolicy.Prefer,
        ["require"] = CpuThreadPolicy.Require,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static readonly ImmutableSortedDictionary<string, EmulatorThreadsPolicy> EmulatorPolicy = new Dictionary<string, EmulatorThreadsPolicy>
    {
        ["isolate"] = EmulatorThreadsPolicy.Isolate,
        ["share"] = EmulatorThreadsPolicy.Share,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static string Of(CpuPolicy p) => p switch { Nova.CpuPolicy.Dedicated => "dedicated", Nova.CpuPolicy.Mixed => "mixed", _ => "shared" };
    public static string Of(CpuThreadPolicy p) => p switch { CpuThreadPolicy.Isolate => "isolate", CpuThreadPolicy.Require => "require", _ => "prefer" };
    public static string Of(EmulatorThreadsPolicy p) => p == EmulatorThreadsPolicy.Isolate ? "isolate" : "share";
}
