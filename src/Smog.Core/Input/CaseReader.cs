using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>
/// Reads oracle-schema cases (one JSON object, or JSON Lines) into <see cref="NovaCase"/>s, each
/// parsed once. Every problem is a <see cref="ParseError"/> naming the source, the line (for JSON
/// Lines) and the field.
/// </summary>
public static class CaseReader
{
    /// <summary>A case file. With <paramref name="ignoreHost"/> (a discovered host replaces it) the case's <c>host</c> is not read.</summary>
    public static Parsed<NovaCase> Read(string text, string source, bool ignoreHost = false) =>
        JsonText.Parse(text, source, null).Bind(root => Read(root, source, null, ignoreHost));

    /// <summary>A case already parsed as JSON (a line of a batch, a fixture).</summary>
    public static Parsed<NovaCase> Read(JsonElement root, string source, int? line = null, bool ignoreHost = false) =>
        Guard(source, line, () =>
        {
            if (root.ValueKind != JsonValueKind.Object) throw new JsonFieldException($"the case must be a JSON object, found {Describe(root)}");
            // A bare flavor (as lint and verify take) is a case too when a discovered host replaces the case's.
            var bare = Opt(root, "flavor") is null && Opt(root, "vcpus") is not null;
            if (bare && !ignoreHost) throw new JsonFieldException("case.flavor is missing (a bare flavor needs a host: --host-topology)");
            var flavor = bare ? FlavorReader.ReadFlavor(root, null, asCreated: false) : FlavorReader.ReadFlavor(Req(root, "flavor", "case"), "flavor", asCreated: false);
            var image = Opt(root, "image_properties") is { } props ? new ImageProperties(ScalarMaps.Read(props, "image_properties")) : ImageProperties.None;
            var (pools, requests) = CaseHostReader.ParsePci(root);
            var conf = NovaConfReader.FromJson(Opt(root, "config"), source);
            if (!conf.Success) return Parsed<NovaCase>.Fail(conf.Errors[0] with { Line = line });
            return Parsed<NovaCase>.Ok(new NovaCase
            {
                Name = Opt(root, "name") is { } n ? Text(n) : null,
                Request = new NovaRequest(flavor, image) { PciRequests = requests },
                Host = ignoreHost ? null : CaseHostReader.ParseHost(Req(root, "host", "case")),
                Limits = CaseHostReader.ParseLimits(root),
                PciPools = pools,
                Conf = conf.Value,
            });
        });

    /// <summary>JSON Lines of cases; blank lines are skipped, an input without any case is an error.</summary>
    public static Parsed<ImmutableArray<NovaCase>> ReadLines(string text, string source, bool ignoreHost = false) =>
        JsonText.Lines(text, source).Bind(lines =>
        {
            var cases = ImmutableArray.CreateBuilder<NovaCase>(lines.Length);
            foreach (var (line, json) in lines)
            {
                var parsed = Read(json, source, line, ignoreHost);
                if (!parsed.Success) return Parsed<ImmutableArray<NovaCase>>.Fail(parsed.Errors);
                cases.Add(parsed.Value);
            }
            return Parsed<ImmutableArray<NovaCase>>.Ok(cases.MoveToImmutable());
        });
}

/// <summary>JSON text and JSON Lines into elements, with one-line errors naming source and line.</summary>
public static class JsonText
{
    public static Parsed<JsonElement> Parse(string text, string source, int? line)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return Parsed<JsonElement>.Ok(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            var at = line ?? (e.LineNumber is { } l ? (int)l + 1 : null);
            return Parsed<JsonElement>.Fail(ParseError.Fault(source, at, $"not valid JSON ({JsonFaults.Describe(e)})"));
        }
    }

    /// <summary>Every non-blank line parsed on its own; no line at all is an error ("no JSON lines").</summary>
    public static Parsed<ImmutableArray<(int Line, JsonElement Json)>> Lines(string text, string source)
    {
        var result = ImmutableArray.CreateBuilder<(int, JsonElement)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var parsed = Parse(lines[i], source, i + 1);
            if (!parsed.Success) return Parsed<ImmutableArray<(int, JsonElement)>>.Fail(parsed.Errors);
            result.Add((i + 1, parsed.Value));
        }
        return result.Count == 0
            ? Parsed<ImmutableArray<(int, JsonElement)>>.Fail(ParseError.Fault(source, null, "no JSON lines (expected one JSON object per line)"))
            : Parsed<ImmutableArray<(int, JsonElement)>>.Ok(result.ToImmutable());
    }
}
