using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Policy;
using Smog.Cloud.Simulation;
using Smog.Hosts;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.HostAccess;

/// <summary>
/// Smog's private host-access routes (admin token required), the HTTP face of each simulated
/// host's <see cref="ICommandRunner"/>: <c>POST /smog/hosts/{host}/run</c>
/// <c>{"program", "arguments"}</c> → <c>{"installed", "exit_code", "stdout", "stderr"}</c>;
/// <c>GET /smog/hosts/{host}/read?path=</c> → the file's text (404 when missing);
/// <c>GET /smog/hosts/{host}/list?path=</c> → <c>{"entries": [{"name", "kind", "link_target"}]}</c>.
/// <c>Smog.Hosts.EmbeddedCommandRunner</c> is the client.
/// </summary>
public static class HostAccessApi
{
    private const string Rule = "smog:hosts:access";

    public static void Map(IEndpointRouteBuilder app)
    {
        var hosts = app.MapGroup(ServicePaths.Smog + "/hosts/{host}");
        hosts.MapPost("/run", async (HttpContext c, CloudSimulation s, string host) =>
        {
            var runner = Runner(c, s, host);
            var body = await BodyAsync(c);
            var program = RequiredText(body, "program");
            var arguments = body["arguments"] is JsonArray args ? args.Select(a => a?.GetValue<string>() ?? "").ToList() : [];
            var result = await runner.RunAsync(program, arguments, c.RequestAborted);
            return Reply(result is null
                ? new JsonObject { ["installed"] = false }
                : new JsonObject { ["installed"] = true, ["exit_code"] = result.ExitCode, ["stdout"] = result.StandardOutput, ["stderr"] = result.StandardError });
        });
        hosts.MapGet("/read", async (HttpContext c, CloudSimulation s, string host) =>
        {
            var runner = Runner(c, s, host);
            var path = c.Request.Query["path"].FirstOrDefault() ?? throw ApiException.BadRequest("path is required");
            var text = await runner.ReadFileAsync(path, c.RequestAborted);
            return text is null ? throw ApiException.NotFound($"{path}: no such file on {host}") : Results.Text(text, "text/plain", System.Text.Encoding.UTF8);
        });
        hosts.MapGet("/list", async (HttpContext c, CloudSimulation s, string host) =>
        {
            var runner = Runner(c, s, host);
            var path = c.Request.Query["path"].FirstOrDefault() ?? throw ApiException.BadRequest("path is required");
            var entries = await runner.ListDirectoryAsync(path, c.RequestAborted);
            return Reply(new JsonObject
            {
                ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
                {
                    ["name"] = e.Name,
                    ["kind"] = e.Kind.ToString().ToLowerInvariant(),
                    ["link_target"] = e.LinkTarget,
                })]),
            });
        });
    }

    private static ICommandRunner Runner(HttpContext c, CloudSimulation s, string host)
    {
        Access.Admin(c, ApiService.Smog, Rule);
        return s.HostNames.Contains(host) ? s.HostAccess(host) : throw ApiException.NotFound($"Could not find host: {host}.");
    }
}
