namespace Smog.Cloud.Api.Hosting;

/// <summary>
/// The cloud's own base URL, known once Kestrel has bound its port (port 0 picks one); the
/// catalog, version documents and links are built from it.
/// </summary>
public sealed class CloudAddress
{
    private Uri? root;

    public Uri Root => root ?? throw new InvalidOperationException("the cloud has not bound its address yet");

    /// <summary>The base URL without a trailing slash, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Base => Root.AbsoluteUri.TrimEnd('/');

    internal void Bind(Uri address) => root = address;

    public string Url(string path) => Base + path;
}
