using Smog.Nova;

namespace Smog.OpenStack.Http;

/// <summary>The microversions a service endpoint supports, from its version document (openstack-client.md §2.4).</summary>
public sealed record VersionRange(Microversion Min, Microversion Max)
{
    /// <summary>
    /// The highest version both sides understand: min(wanted, server max). Below the server's
    /// minimum there is nothing to agree on.
    /// </summary>
    public Microversion Negotiate(string service, Microversion wanted)
    {
        var effective = Microversion.Min(wanted, Max);
        return effective >= Min
            ? effective
            : throw new OpenStackClientException($"{service} supports microversions {Min}–{Max}; Smog needs {wanted}");
    }
}
