namespace Smog.OpenStack.Http;

/// <summary>Request options the handlers read; set by the connection that sends the request.</summary>
public static class OpenStackRequestOptions
{
    /// <summary>Service name (nova, keystone, placement, glance, neutron) for logs and recordings.</summary>
    public static readonly HttpRequestOptionsKey<string> Service = new("smog.service");
}
