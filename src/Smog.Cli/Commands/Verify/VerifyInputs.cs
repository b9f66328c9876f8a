using System.Collections.Immutable;
using System.Text.Json;
using Smog.Libvirt.Expectations;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// Loads the files <c>smog verify</c> judges. Every problem is an <see cref="InputException"/>
/// whose one-line message names the file and the field.
/// </summary>
internal static class VerifyInputs
{
    public static string ReadText(string path) => InputFiles.ReadText(path);

    public static DomainFacts Domain(string path)
    {
        var parsed = DomainFactsReader.Parse(ReadText(path), path);
        return parsed.Success ? parsed.Value : throw new InputException(parsed.Errors[0].ToString());
    }

    /// <summary>The case schema's flavor object, or a whole case file (then its image and config come along).</summary>
    public static (Flavor Flavor, ImageProperties? Image, NovaComputeConfig? Config) Flavor(string path)
    {
        var root = Json(path);
        var isCase = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("flavor", out _);
        var flavor = NovaInputJson.Flavor(isCase ? root.GetProperty("flavor") : root, path);
        if (!flavor.Success) throw new InputException(flavor.Errors[0].ToString());
        if (!isCase) return (flavor.Value, null, null);
        return (flavor.Value,
            root.TryGetProperty("image_properties", out var image) ? NovaInputJson.Image(image) : null,
            root.TryGetProperty("config", out var config) ? NovaInputJson.Config(config) : null);
    }

    public static ImageProperties Image(string path)
    {
        var root = Json(path);
        if (root.ValueKind != JsonValueKind.Object) throw new InputException($"{path}: expected an object of image properties");
        return NovaInputJson.Image(root.TryGetProperty("image_properties", out var inner) ? inner : root);
    }

    public static ServerTopology TopologyApi(string path)
    {
        var parsed = ServerTopology.Parse(ReadText(path), path);
        return parsed.Success ? parsed.Value : throw new InputException(parsed.Errors[0].ToString());
    }

    public static CpuSet? Set(string? text, string option)
    {
        if (text is null) return null;
        return CpuSet.TryParse(text, out var set, out var error) ? set : throw new InputException($"{option}: {error}");
    }

    private static JsonElement Json(string path)
    {
        try
        {
            return JsonDocument.Parse(ReadText(path)).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON");
        }
    }

    internal static ImmutableArray<DomainFacts> Others(IEnumerable<string> paths) => [.. paths.Select(Domain)];
}
