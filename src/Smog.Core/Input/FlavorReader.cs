using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Topology;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>A flavor file's content: the flavor, plus the image and nova.conf when it is a whole case file.</summary>
public sealed record FlavorInput(Flavor Flavor, ImageProperties? Image, NovaConf? Conf);

/// <summary>
/// Reads <c>--flavor</c> files: the case schema's flavor object (<c>vcpus</c>, <c>memory_mb</c>,
/// <c>extra_specs</c>, optional <c>name</c>), or a whole case file (then its
/// <c>image_properties</c> and <c>config</c> come along); and <c>--image</c> files (an object of
/// Glance properties, or one holding <c>image_properties</c>).
/// </summary>
public static class FlavorReader
{
    public static Parsed<FlavorInput> Read(string text, string source) =>
        JsonText.Parse(text, source, null).Bind(root => Guard(source, null, () =>
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw new JsonFieldException($"expected a flavor object (vcpus, memory_mb, extra_specs) or a case file, found {Describe(root)}");
            if (Opt(root, "flavor") is not { } flavor) return Parsed<FlavorInput>.Ok(new FlavorInput(ReadFlavor(root, null), null, null));
            var image = Opt(root, "image_properties") is { } props ? new ImageProperties(ScalarMaps.Read(props, "image_properties")) : null;
            var conf = Opt(root, "config") is { } c ? NovaConfReader.FromJson(c, source) : null;
            if (conf is { Success: false }) return Parsed<FlavorInput>.Fail(conf.Errors);
            return Parsed<FlavorInput>.Ok(new FlavorInput(ReadFlavor(flavor, "flavor"), image, conf?.Value));
        }));

    public static Parsed<ImageProperties> ReadImage(string text, string source) =>
        JsonText.Parse(text, source, null).Bind(root => Guard(source, null, () =>
        {
            var (props, path) = Opt(root, "image_properties") is { } inner ? (inner, "image_properties") : (root, "the image properties");
            return Parsed<ImageProperties>.Ok(new ImageProperties(ScalarMaps.Read(props, path)));
        }));

    /// <summary>
    /// The flavor object. Nova's flavor API refuses vcpus or memory_mb below 1, so a flavor file
    /// with those is an error (<paramref name="asCreated"/>); oracle cases may hold them, to probe
    /// Nova's own refusals. Throws <see cref="JsonFieldException"/>.
    /// </summary>
    internal static Flavor ReadFlavor(JsonElement e, string? path, bool asCreated = true)
    {
        var prefix = path is null ? "" : path + ".";
        if (e.ValueKind != JsonValueKind.Object) throw new JsonFieldException($"{path ?? "the flavor"} must be an object, found {Describe(e)}");
        var vcpus = Int(Req(e, "vcpus", path ?? "flavor"), $"{prefix}vcpus");
        var memory = Long(Req(e, "memory_mb", path ?? "flavor"), $"{prefix}memory_mb");
        if (asCreated && vcpus < 1) throw new JsonFieldException($"{prefix}vcpus must be at least 1, found {vcpus}");
        if (asCreated && memory < 1) throw new JsonFieldException($"{prefix}memory_mb must be at least 1, found {memory}");
        var specs = Opt(e, "extra_specs") is { } s ? ScalarMaps.Read(s, $"{prefix}extra_specs") : ImmutableSortedDictionary<string, string>.Empty;
        return new Flavor(vcpus, memory, specs) { Name = Opt(e, "name") is { } n ? Text(n) : null };
    }
}
