using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Smog.Tests.Suite.Reports;

/// <summary>
/// A small JSON Schema (2020-12) checker for the keywords report.schema.json uses: $ref to $defs,
/// type, const, enum, required, properties, additionalProperties, propertyNames, items, minimum,
/// pattern and format date-time. A keyword it does not know fails the check, so the schema cannot
/// quietly rely on something nothing verifies.
/// </summary>
internal sealed class JsonSchemaCheck(JsonNode root)
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "$defs"];

    public List<string> Errors { get; } = [];

    public static List<string> Validate(JsonNode schema, JsonNode? instance)
    {
        var check = new JsonSchemaCheck(schema);
        check.Check(schema, instance, "$");
        return check.Errors;
    }

    private void Check(JsonNode schema, JsonNode? value, string at)
    {
        var rules = schema.AsObject();
        foreach (var (keyword, rule) in rules)
        {
            switch (keyword)
            {
                case "$ref":
                    var name = ((string)rule!).Split('/')[^1];
                    Check(root["$defs"]![name] ?? throw new InvalidOperationException($"unknown $ref {rule}"), value, at);
                    break;
                case "type": if (!HasType(value, (string)rule!)) Fail(at, $"is {Kind(value)}, not {rule}"); break;
                case "const": if (!JsonNode.DeepEquals(value, rule)) Fail(at, $"is not {rule!.ToJsonString()}"); break;
                case "enum":
                    if (!rule!.AsArray().Any(option => JsonNode.DeepEquals(option, value)))
                        Fail(at, $"{value?.ToJsonString()} is not one of {rule.ToJsonString()}");
                    break;
                case "required":
                    if (value is JsonObject required)
                        foreach (var field in rule!.AsArray().Select(f => (string)f!))
                            if (!required.ContainsKey(field)) Fail(at, $"lacks required '{field}'");
                    break;
                case "properties":
                    if (value is JsonObject withProperties)
                        foreach (var (field, fieldSchema) in rule!.AsObject())
                            if (withProperties.TryGetPropertyValue(field, out var fieldValue)) Check(fieldSchema!, fieldValue, $"{at}.{field}");
                    break;
                case "additionalProperties":
                    if (value is JsonObject extra)
                    {
                        var declared = rules["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
                        foreach (var (field, fieldValue) in extra.Where(p => !declared.Contains(p.Key)))
                        {
                            if (rule is JsonValue allowed && allowed.GetValueKind() == JsonValueKind.False) Fail(at, $"has undocumented '{field}'");
                            else if (rule is JsonObject) Check(rule, fieldValue, $"{at}.{field}");
                        }
                    }
                    break;
                case "propertyNames":
                    if (value is JsonObject named)
                        foreach (var field in named.Select(p => p.Key)) Check(rule!, JsonValue.Create(field), $"{at}[name {field}]");
                    break;
                case "items":
                    if (value is JsonArray array)
                        for (var i = 0; i < array.Count; i++) Check(rule!, array[i], $"{at}[{i}]");
                    break;
                case "minimum":
                    if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && Number(number) < Number(rule!.AsValue()))
                        Fail(at, $"{number} is below {rule}");
                    break;
                case "pattern":
                    if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && !Regex.IsMatch((string)text!, (string)rule!))
                        Fail(at, $"'{text}' does not match {rule}");
                    break;
                case "format":
                    if ((string)rule! != "date-time") throw new InvalidOperationException($"format {rule} is not checked");
                    if (value is JsonValue stamp && stamp.GetValueKind() == JsonValueKind.String
                        && !DateTimeOffset.TryParseExact((string)stamp!, "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                        Fail(at, $"'{stamp}' is not an RFC 3339 date-time");
                    break;
                default:
                    if (!Annotations.Contains(keyword)) throw new InvalidOperationException($"schema keyword '{keyword}' at {at} is not checked");
                    break;
            }
        }
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => value is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
        "integer" => value is JsonValue i && i.GetValueKind() == JsonValueKind.Number && double.IsInteger(Number(i)),
        "null" => value is null,
        _ => throw new InvalidOperationException($"type {type} is not checked"),
    };

    private static double Number(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "unknown",
    };

    private void Fail(string at, string message) => Errors.Add($"{at} {message}");
}
