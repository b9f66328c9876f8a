namespace Smog.Cloud.Api.Errors;

/// <summary>
/// A refusal an endpoint answers with: the status and the service's message. The error
/// middleware renders it in the shape of the service the path belongs to
/// (<see cref="ErrorBodies"/>). <see cref="NeutronType"/> is Neutron's exception name
/// (<c>PortNotFound</c>); <see cref="RetryAfter"/> adds the header (429/503).
/// </summary>
public sealed class ApiException(int status, string message, string? neutronType = null) : Exception(message)
{
    public int Status { get; } = status;
    public string? NeutronType { get; } = neutronType;
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException BadRequest(string message) => new(400, message);
    public static ApiException NotFound(string message, string? neutronType = null) => new(404, message, neutronType);
    public static ApiException Conflict(string message) => new(409, message);
    public static ApiException Forbidden(string message) => new(403, message);
}
