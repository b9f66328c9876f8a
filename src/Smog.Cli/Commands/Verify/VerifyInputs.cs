using System.Collections.Immutable;
using System.Text.Json;
using Smog.Hosts.Files;
using Smog.Libvirt.Expectations;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.OpenStack.Compute;
using Smog.Topology;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// Loads the files <c>smog verify</c> judges. Every problem is an <see cref="InputException"/>
/// whose one-line message names the file and the field.
/// </summary>
internal static class VerifyInputs
{
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InputException($"{path}: cannot read ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})");
        }
    }

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

    /// <summary>A saved GET /servers/{id}/topology answer, read with the OpenStack client's DTO (the one reader of that JSON).</summary>
    public static ServerTopology TopologyApi(string path)
    {
        var text = LocalFiles.ReadText(path);
        if (!text.Success) throw new InputException(text.Errors[0].ToString());
        try
        {
            var answer = JsonSerializer.Deserialize(text.Value, ComputeJsonContext.Default.NovaServerTopology)
                ?? throw new JsonException("null instead of an object");
            return answer.ToServerTopology();
        }
        catch (JsonException e)
        {
            // The JSON path says where; without one (missing keys, not JSON) the reader's first sentence says what.
            var line = e.LineNumber is { } n ? (int)n + 1 : (int?)null;
            var why = e.Path is { Length: > 1 } at ? $"unreadable value at {at}" : e.Message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0].TrimEnd('.', ' ');
            throw new InputException(ParseError.Fault(path, line, $"not a compute API 2.78 server topology (nodes[].vcpu_set, memory_mb): {why}").ToString());
        }
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
