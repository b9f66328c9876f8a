using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Smog.OpenStack.Contract;
using Smog.OpenStack.Http;

namespace Smog.Tests.OpenStack;

/// <summary>
/// The exchanges recorded against the real Zed lab (tests/fixtures/openstack-exchanges) hold
/// no secrets, each has its route in <see cref="ApiRoutes"/> with the status the lab answered,
/// and every answer still reads with that route's DTO: a key the real cloud sends that the DTO
/// does not map fails here, unless listed in <see cref="Tolerated"/> with the reason.
/// </summary>
public class RecordedExchangesTests
{
    /// <summary>One recorded line.</summary>
    public sealed record Exchange(string File, int Seq, string Service, string Method, string Path, int Status, JsonNode? Response, string Line)
    {
        public override string ToString() => $"{System.IO.Path.GetFileName(File)}#{Seq} {Service} {Method} {Path} {Status}";
    }

    /// <summary>The lab's test passwords (lab/allinone) and Keystone's Fernet token prefix.</summary>
    private static readonly string[] LabSecrets = ["smoglab-admin-secret", "smoglab-member-secret", "smoglab-service-secret", "gAAAAA"];

    public static IEnumerable<Exchange> All() =>
        Fixtures.Files("openstack-exchanges", "*.jsonl").Select(Fixtures.Require).SelectMany(file =>
            File.ReadLines(file).Where(l => l.Length > 0).Select(line =>
            {
                var n = JsonNode.Parse(line)!;
                return new Exchange(file, (int)n["seq"]!, (string)n["service"]!, (string)n["method"]!, (string)n["path"]!, (int)n["status"]!, n["response_body"], line);
            }));

    [Fact]
    public void The_recorded_set_covers_every_service()
    {
        var services = All().Select(e => e.Service).ToHashSet();
        Assert.Superset(new HashSet<string> { "keystone", "nova", "placement", "glance", "neutron" }, services);
        Assert.True(All().Count() >= 50, $"only {All().Count()} exchanges recorded");
    }

    [Fact]
    public void Recordings_hold_no_secrets()
    {
        var leaks = All()
            .SelectMany(e => ExchangeSanitizer.Leaks(e.Line, LabSecrets).Select(l => $"{e}: {l}"))
            .ToList();
        Assert.Empty(leaks);
    }

    // ---- the route catalogue ----------------------------------------------------------------

    private static ApiRoute? RouteOf(Exchange e) => ApiRoutes.Find(e.Service, new HttpMethod(e.Method), e.Path);

    [Fact]
    public void The_catalogue_has_a_route_for_every_recorded_exchange_and_expects_each_recorded_success_status()
    {
        var problems = All().Select(e => RouteOf(e) switch
        {
            null => $"{e}: no route in ApiRoutes",
            { } r when e.Status is >= 200 and < 300 && !r.Expected.Contains(e.Status) => $"{e}: {r} does not expect {e.Status}",
            _ => null,
        }).OfType<string>().ToList();
        Assert.Empty(problems);
    }

    [Fact]
    public void Each_method_and_template_is_in_the_catalogue_once()
    {
        var duplicates = ApiRoutes.All.GroupBy(r => (r.Service, r.Method, r.Template)).Where(g => g.Count() > 1).Select(g => g.Key.ToString());
        Assert.Empty(duplicates);
    }

    public static TheoryData<string> SuccessfulJsonAnswers()
    {
        var data = new TheoryData<string>();
        foreach (var e in All().Where(e => e.Status is >= 200 and < 300 && e.Response is JsonObject)) data.Add(e.ToString());
        return data;
    }

    private static Exchange Find(string id) => All().First(e => e.ToString() == id);

    [Theory]
    [MemberData(nameof(SuccessfulJsonAnswers))]
    public void Every_successful_answer_reads_with_our_DTOs_without_unmapped_keys(string exchange)
    {
        var e = Find(exchange);
        var route = RouteOf(e);
        var type = route?.ResponseType;
        Assert.True(type is not null, $"no response DTO for {e} (route: {route?.ToString() ?? "none"})");

        var text = e.Response!.ToJsonString();
        var value = JsonSerializer.Deserialize(text, type) ?? throw new JsonException("null");
        var roundTrip = JsonSerializer.SerializeToNode(value, WithNulls(type))!;
        var unmapped = Unmapped(e.Response, roundTrip, "").Where(p => !IsTolerated(e.Service, p)).ToList();
        Assert.True(unmapped.Count == 0, $"{e}: {type.Type.Name} does not map {string.Join(", ", unmapped)}");
    }

    [Theory]
    [MemberData(nameof(ErrorAnswers))]
    public void Every_error_answer_maps_to_the_services_message(string exchange)
    {
        var e = Find(exchange);
        var error = ErrorMapper.Map(e.Service, new HttpMethod(e.Method), e.Path, (HttpStatusCode)e.Status, "req", e.Response?.ToJsonString() ?? "", null, RouteOf(e)?.Operation);

        Assert.False(string.IsNullOrWhiteSpace(error.ServiceMessage));
        Assert.DoesNotContain("{", error.ServiceMessage, StringComparison.Ordinal);
        Assert.NotEqual(error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Error.Code);
    }

    public static TheoryData<string> ErrorAnswers()
    {
        var data = new TheoryData<string>();
        foreach (var e in All().Where(e => e.Status >= 400 && e.Response is not null)) data.Add(e.ToString());
        return data;
    }

    // ---- unmapped keys ------------------------------------------------------------------------

    /// <summary>
    /// Keys real services send that Smog deliberately does not model, by service and JSON path
    /// (array indexes as []). Everything else must be mapped.
    /// </summary>
    private static readonly (string Service, Regex Path, string Why)[] Tolerated =
    [
        ("keystone", new(@"^\.token\.user\.password_expires_at$"), "password expiry: not Smog's business"),
        ("nova", new(@"^\.versions?(\[\])?\.(media-types|links\[\]\.type)$"), "version-document media types and link types: only the range matters"),
        ("nova", new(@"^\.server\.adminPass$"), "a secret: deliberately not kept (recorded as <redacted>)"),
        ("placement", new(@"^\.resource_providers\[\]\.links$"), "hypermedia links: Smog builds its own paths"),
        ("neutron", new(@"^\.(network|networks\[\])\.(availability_zone_hints|availability_zones|ipv4_address_scope|ipv6_address_scope|is_default)$"),
            "routing and AZ details of networks: not NUMA-relevant"),
        ("neutron", new(@"^\.(port|ports\[\])\.(allowed_address_pairs|extra_dhcp_opts)$"), "L3/DHCP details of ports: not NUMA-relevant"),
    ];

    private static bool IsTolerated(string service, string path) =>
        Tolerated.Any(t => t.Service == service && t.Path.IsMatch(path));

    /// <summary>JSON paths present in the recording but absent after a trip through the DTO.</summary>
    private static IEnumerable<string> Unmapped(JsonNode? recorded, JsonNode? roundTrip, string path)
    {
        switch (recorded)
        {
            case JsonObject obj when roundTrip is JsonObject back:
                foreach (var (key, value) in obj)
                {
                    var child = path + "." + key;
                    if (!back.ContainsKey(key)) yield return child;
                    else foreach (var p in Unmapped(value, back[key], child)) yield return p;
                }
                break;
            case JsonArray array when roundTrip is JsonArray backArray:
                for (var i = 0; i < Math.Min(array.Count, backArray.Count); i++)
                {
                    foreach (var p in Unmapped(array[i], backArray[i], path + "[]")) yield return p;
                }
                break;
        }
    }

    /// <summary>The same type info, but writing nulls too, so a mapped-but-null key is not "unmapped".</summary>
    private static JsonTypeInfo WithNulls(JsonTypeInfo type)
    {
        var options = new JsonSerializerOptions(type.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        return options.GetTypeInfo(type.Type);
    }
}
