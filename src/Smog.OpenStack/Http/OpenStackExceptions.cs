using System.Text.RegularExpressions;

namespace Smog.OpenStack.Http;

/// <summary>A client-side OpenStack failure that is not an HTTP error status: no endpoint, unsupported version, unreadable body.</summary>
public class OpenStackClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An answer arrived but is not what the operation expects (Tempest's status and schema
/// checks): the message names the operation and ends with the request id.
/// </summary>
public abstract class OpenStackResponseException(string operation, string problem, string? requestId, Exception? inner = null)
    : OpenStackClientException($"{operation}: {problem}{ApiError.RequestSuffix(requestId)}", inner)
{
    /// <summary>The catalogue's operation name, e.g. "create flavor".</summary>
    public string Operation { get; } = operation;
    public string? RequestId { get; } = requestId;
}

/// <summary>A success status the operation does not answer with, e.g. "create flavor: expected 200, got 202 (request req-1)".</summary>
public sealed class UnexpectedStatusException(string operation, IReadOnlyList<int> expected, int status, string? requestId)
    : OpenStackResponseException(operation, $"expected {string.Join(" or ", expected)}, got {status}", requestId)
{
    public IReadOnlyList<int> Expected { get; } = expected;
    public int Status { get; } = status;
}

/// <summary>An expected status whose body is empty or does not read as the operation's DTO.</summary>
public sealed class UnreadableResponseException(string operation, string problem, string? requestId, Exception? inner = null)
    : OpenStackResponseException(operation, problem, requestId, inner);

/// <summary>
/// An HTTP error from an OpenStack service, created only by <see cref="ErrorMapper"/>. Carries
/// the status, the request id to grep the service logs for, and the service's own message
/// (never the request body, so never a secret).
/// </summary>
public class OpenStackApiException(ApiError error) : Exception(error.Describe())
{
    public ApiError Error { get; } = error;
    public int Status => Error.Status;
    public string? RequestId => Error.RequestId;
    public string ServiceMessage => Error.ServiceMessage;
}

/// <summary>400: invalid input, e.g. an extra spec the 2.86 validator refuses, or deleting an aggregate that still has hosts.</summary>
public sealed class OpenStackBadRequestException(ApiError error) : OpenStackApiException(error);

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

/// <summary>404: Nova's itemNotFound, Neutron's ...NotFound, Placement's Not Found.</summary>
public sealed class OpenStackNotFoundException(ApiError error) : OpenStackApiException(error);

/// <summary>409: duplicate names, already a member, stale generation.</summary>
public sealed class OpenStackConflictException(ApiError error) : OpenStackApiException(error);

/// <summary>413: Nova's overLimit, a quota exceeded (Tempest's OverLimit).</summary>
public sealed class OpenStackOverLimitException(ApiError error) : OpenStackApiException(error);

/// <summary>429: too many requests; raised once the retry handler's bounded retries are spent.</summary>
public sealed class OpenStackRateLimitedException(ApiError error) : OpenStackApiException(error);

/// <summary>5xx: Nova's computeFault and the like, or a proxy's 502/503/504 (Tempest's ServerFault).</summary>
public sealed class OpenStackServerFaultException(ApiError error) : OpenStackApiException(error);

/// <summary>Everything known about one HTTP error.</summary>
/// <param name="Code">The service's error name: Nova's <c>itemNotFound</c>, Keystone's title, Placement's code, Neutron's type, or the reason phrase.</param>
/// <param name="Body">The response body as received (bounded), for diagnostics.</param>
/// <param name="Operation">The catalogue's operation name ("show flavor"), when the call went through a route.</param>
public sealed record ApiError(string Service, string Method, string Path, int Status, string Code, string ServiceMessage, string? RequestId, string Body, string? Operation = null)
{
    /// <summary>"[operation: ]service METHOD path: status code: message[ (request id)]".</summary>
    public string Describe() =>
        $"{(Operation is null ? "" : Operation + ": ")}{Service} {Method} {Path}: {Status} {Code}: {ServiceMessage}{RequestSuffix(RequestId)}";

    internal static string RequestSuffix(string? requestId) => requestId is null ? "" : $" (request {requestId})";
}
