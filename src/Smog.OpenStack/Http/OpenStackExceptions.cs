using System.Text.RegularExpressions;

namespace Smog.OpenStack.Http;

/// <summary>A client-side OpenStack failure that is not an HTTP error status: no endpoint, unsupported version, unreadable body.</summary>
public class OpenStackClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An HTTP error from an OpenStack service, created only by <see cref="ErrorMapper"/>. Carries
/// the status, the request id to grep the service logs for, and the service's own message
/// (never the request body, so never a secret).
/// </summary>
public class OpenStackApiException(ApiError error)
    : Exception($"{error.Service} {error.Method} {error.Path}: {error.Status} {error.Code}: {error.ServiceMessage}{(error.RequestId is null ? "" : $" (request {error.RequestId})")}")
{
    public ApiError Error { get; } = error;
    public int Status => Error.Status;
    public string? RequestId => Error.RequestId;
    public string ServiceMessage => Error.ServiceMessage;
}

/// <summary>404: Nova's itemNotFound, Neutron's ...NotFound, Placement's Not Found.</summary>
public sealed class OpenStackNotFoundException(ApiError error) : OpenStackApiException(error);

/// <summary>409: duplicate names, already a member, stale generation.</summary>
public sealed class OpenStackConflictException(ApiError error) : OpenStackApiException(error);

/// <summary>401 after one re-authentication, or a refused token request.</summary>
public sealed class OpenStackUnauthorizedException(ApiError error) : OpenStackApiException(error);

/// <summary>403: policy refusal. <see cref="PolicyRule"/> is the rule Nova named, when it did (openstack-client.md §4).</summary>
public sealed partial class OpenStackForbiddenException(ApiError error) : OpenStackApiException(error)
{
    /// <summary>From "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."</summary>
    public string? PolicyRule => PolicyPattern().Match(ServiceMessage) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"Policy doesn't allow (\S+) to be performed")]
    private static partial Regex PolicyPattern();
}

/// <summary>Everything known about one HTTP error.</summary>
/// <param name="Code">The service's error name: Nova's <c>itemNotFound</c>, Keystone's title, Placement's code, Neutron's type, or the reason phrase.</param>
/// <param name="Body">The response body as received (bounded), for diagnostics.</param>
public sealed record ApiError(string Service, string Method, string Path, int Status, string Code, string ServiceMessage, string? RequestId, string Body);
