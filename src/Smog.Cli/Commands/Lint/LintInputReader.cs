using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Cases;
using Smog.Topology;

namespace Smog.Cli.Commands.Lint;

/// <summary>
/// Reads <c>--flavor</c> (a bare flavor object of the case schema, or a whole case file with
/// <c>flavor</c> and optional <c>image_properties</c>) and <c>--image</c> (an object of Glance
/// properties). Anything unreadable is an <see cref="InputException"/> naming the file and field.
/// </summary>
internal static class LintInputReader
{
    private const string FlavorShape = "a flavor object (vcpus, memory_mb, extra_specs) or a case file with \"flavor\"";

    /// <summary>The flavor and the image; <paramref name="imagePath"/>, when given, replaces a case file's image_properties.</summary>
    public static (Flavor Flavor, ImageProperties Image) Read(string flavorPath, string? imagePath)
    {
        var (flavor, caseImage) = ReadFlavor(flavorPath);
        return (Checked(flavor, flavorPath), imagePath is null ? caseImage : ReadImage(imagePath));
    }

    private static (Flavor, ImageProperties) ReadFlavor(string path)
    {
        var text = ReadText(path);
        if (CheckShape(text, path))
        {
            var parsed = CaseFile.Parse(text, path);
            if (!parsed.Success) throw new InputException(parsed.Errors[0].ToString());
            return (parsed.Value.Flavor.ToFlavor(), parsed.Value.ToImageProperties());
        }
        try
        {
            var flavor = JsonSerializer.Deserialize(text, NovaCaseJsonContext.Default.FlavorCase)
                         ?? throw new InputException(new ParseError(path, null, FlavorShape, "null").ToString());
            return (flavor.ToFlavor(), ImageProperties.None);
        }
        catch (JsonException e)
        {
            throw Bad(path, FlavorShape, e);
        }
    }

    /// <summary>True for a case file (it names its flavor), false for a bare flavor object; anything else is an InputException.</summary>
    /// <remarks>Required fields are checked here so the message names them: the serializer's message does not fit one line.</remarks>
    private static bool CheckShape(string text, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InputException(new ParseError(path, null, FlavorShape, $"a JSON {Kind(root)}").ToString());
            var isCase = root.TryGetProperty("flavor", out var flavor);
            var prefix = isCase ? "flavor." : "";
            if (isCase && flavor.ValueKind != JsonValueKind.Object)
                throw new InputException(new ParseError(path, null, "flavor to be an object", $"a JSON {Kind(flavor)}").ToString());
            foreach (var field in (string[])["vcpus", "memory_mb"])
                if (!(isCase ? flavor : root).TryGetProperty(field, out _))
                    throw new InputException(new ParseError(path, null, $"the field {prefix}{field}").ToString());
            return isCase;
        }
        catch (JsonException e)
        {
            throw Bad(path, "JSON", e);
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    // Nova's flavor API refuses vcpus or memory_mb below 1, and the engine relies on that.
    private static Flavor Checked(Flavor flavor, string path)
    {
        if (flavor.Vcpus < 1) throw new InputException(new ParseError(path, null, "vcpus of at least 1", flavor.Vcpus.ToString()).ToString());
        if (flavor.MemoryMiB < 1) throw new InputException(new ParseError(path, null, "memory_mb of at least 1", flavor.MemoryMiB.ToString()).ToString());
        return flavor;
    }

    private static ImageProperties ReadImage(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(ReadText(path));
        try
        {
            var reader = new Utf8JsonReader(bytes);
            reader.Read();
            var values = new ScalarStringMapConverter().Read(ref reader, typeof(ImmutableSortedDictionary<string, string>), JsonSerializerOptions.Default);
            if (reader.Read()) throw new JsonException("unexpected content after the properties object");
            return new ImageProperties(values);
        }
        catch (JsonException e)
        {
            throw Bad(path, "an object of image properties (hw_*: string, number or boolean)", e);
        }
    }

    private static string ReadText(string path) => InputFiles.ReadText(path);

    private static InputException Bad(string path, string expected, JsonException e)
    {
        var line = e.LineNumber is { } l ? (int?)(l + 1) : null;
        return new InputException(ParseError.Fault(path, line, $"not {expected}: {JsonErrors.Plain(e)}").ToString());
    }
}
