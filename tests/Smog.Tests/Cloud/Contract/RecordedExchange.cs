using System.Text.Json.Nodes;

namespace Smog.Tests.Cloud.Contract;

/// <summary>One line of tests/fixtures/openstack-exchanges (its README describes the fields).</summary>
internal sealed record RecordedExchange(string File, int Seq, string Service, string Method, string Path, string? Microversion, int Status,
    JsonNode? RequestBody, JsonNode? ResponseBody)
{
    public static IReadOnlyList<RecordedExchange> Load(string relative)
    {
        var file = System.IO.Path.GetFileName(relative);
        return [.. System.IO.File.ReadLines(Fixtures.Require(relative)).Where(l => l.Trim().Length > 0).Select(line =>
        {
            var e = JsonNode.Parse(line)!.AsObject();
            return new RecordedExchange(file, e["seq"]!.GetValue<int>(), e["service"]!.GetValue<string>(), e["method"]!.GetValue<string>(),
                e["path"]!.GetValue<string>(), e["microversion"]?.GetValue<string>(), e["status"]!.GetValue<int>(),
                e["request_body"]?.DeepClone(), e["response_body"]?.DeepClone());
        })];
    }

    public override string ToString() => $"{File}#{Seq} {Method} {Path} → {Status}";
}
