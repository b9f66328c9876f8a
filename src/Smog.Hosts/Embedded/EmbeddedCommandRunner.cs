using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smog.Hosts.Embedded;

/// <summary>
/// Where a simulated hypervisor of the embedded cloud answers: its host-access URL
/// (<c>http://127.0.0.1:P/smog/hosts/compute-0</c>) and the file holding the admin token the
/// routes require (the inventory names the file, never the token).
/// </summary>
public sealed record EmbeddedTarget(string Name, Uri Url, string KeyPath);

/// <summary>
/// <see cref="ICommandRunner"/> over the embedded cloud's host-access routes: <c>run</c>,
/// <c>read</c> and <c>list</c> become HTTP calls, so discovery and verification read a
/// simulated host exactly as they read one over SSH.
/// </summary>
public sealed class EmbeddedCommandRunner : ICommandRunner, IDisposable
{
    private readonly HttpClient http;
    private readonly EmbeddedTarget target;

    public EmbeddedCommandRunner(EmbeddedTarget target, HttpMessageHandler? handler = null)
    {
        this.target = target;
        http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public string HostName => target.Name;
    public bool IsRemote => true;

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["program"] = program, ["arguments"] = new JsonArray([.. arguments.Select(a => (JsonNode)a)]) };
        using var request = Request(HttpMethod.Post, "run");
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(request, cancellationToken);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject
            ?? throw new HostAccessException($"{HostName}: the embedded cloud answered run with something other than a JSON object");
        if (answer["installed"]?.GetValue<bool>() != true) return null;
        return new CommandResult(answer["exit_code"]?.GetValue<int>() ?? -1, answer["stdout"]?.GetValue<string>() ?? "", answer["stderr"]?.GetValue<string>() ?? "");
    }

    public async Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, "read?path=" + Uri.EscapeDataString(path));
        using var response = await SendAsync(request, cancellationToken, allowNotFound: true);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, "list?path=" + Uri.EscapeDataString(path));
        using var response = await SendAsync(request, cancellationToken, allowNotFound: true);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return answer?["entries"] is JsonArray entries
            ? [.. entries.OfType<JsonObject>().Select(e => new DirectoryEntry(
                e["name"]?.GetValue<string>() ?? "",
                e["kind"]?.GetValue<string>() switch { "directory" => EntryKind.Directory, "symlink" => EntryKind.Symlink, _ => EntryKind.File },
                e["link_target"]?.GetValue<string>()))]
            : [];
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, new Uri(target.Url.AbsoluteUri.TrimEnd('/') + "/" + relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Auth-Token", Key());
        return request;
    }

    private string Key()
    {
        try
        {
            return File.ReadAllText(target.KeyPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"{HostName}: cannot read the host-access key {target.KeyPath} ({e.GetType().Name})");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, bool allowNotFound = false)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new HostAccessException($"{HostName}: the embedded cloud at {target.Url.GetLeftPart(UriPartial.Authority)} does not answer ({e.HttpRequestError}); is smog cloud serve running?");
        }
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)) return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new HostAccessException(status switch
        {
            401 or 403 => $"{HostName}: the embedded cloud refused the host-access key in {target.KeyPath} ({status}); it changes with every start",
            404 => $"{HostName}: the embedded cloud has no such host",
            _ => $"{HostName}: the embedded cloud answered {status}",
        });
    }

    public void Dispose() => http.Dispose();
}
