using System.Text.Json.Nodes;

namespace Smog.Tests.Cloud.Contract;

/// <summary>
/// Compares two JSON documents by shape: the same property names at every level, the same JSON
/// types, the same nesting and array lengths. Values are not compared (ids, names and
/// timestamps differ between clouds); a null matches any type, since Nova and friends write
/// null for "not yet" (a host before scheduling, a description never set). Object keys that
/// are ids (allocations by provider, by consumer) are translated through the id map first.
/// </summary>
internal static class ShapeComparer
{
    public static IEnumerable<string> Differences(JsonNode? recorded, JsonNode? actual, Func<string, string> mapKey, string at = "$")
    {
        if (recorded is null || actual is null) yield break;
        var (rk, ak) = (recorded.GetValueKind(), actual.GetValueKind());
        if (Kind(rk) != Kind(ak))
        {
            yield return $"{at}: recorded {rk}, got {ak}";
            yield break;
        }
        switch (recorded)
        {
            case JsonObject ro:
                var ao = (JsonObject)actual;
                var want = ro.Select(p => mapKey(p.Key)).ToHashSet(StringComparer.Ordinal);
                var have = ao.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
                foreach (var missing in want.Except(have).Order(StringComparer.Ordinal)) yield return $"{at}: missing '{missing}'";
                foreach (var extra in have.Except(want).Order(StringComparer.Ordinal)) yield return $"{at}: unexpected '{extra}'";
                foreach (var (key, value) in ro)
                {
                    if (ao.TryGetPropertyValue(mapKey(key), out var other))
                        foreach (var d in Differences(value, other, mapKey, $"{at}.{key}")) yield return d;
                }
                break;
            case JsonArray ra:
                var aa = (JsonArray)actual;
                if (ra.Count != aa.Count) yield return $"{at}: recorded {ra.Count} items, got {aa.Count}";
                for (var i = 0; i < Math.Min(ra.Count, aa.Count); i++)
                    foreach (var d in Differences(ra[i], aa[i], mapKey, $"{at}[{i}]")) yield return d;
                break;
        }
    }

    private static string Kind(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        _ => kind.ToString(),
    };
}
