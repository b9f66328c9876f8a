using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Faults;

namespace Smog.Cloud.Api.Hosting;

/// <summary>
/// What every request goes through before its endpoint: a request id (echoed as
/// <c>x-openstack-request-id</c>, and <c>x-compute-request-id</c> for Nova), injected faults,
/// microversion negotiation, and the rendering of refusals, unknown routes and crashes in the
/// shape of the service the path belongs to.
/// </summary>
public sealed class ApiMiddleware(RequestDelegate next, FaultInjector faults, ILogger<ApiMiddleware> log)
{
    public const string RequestIdKey = "smog.request-id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = "req-" + Guid.NewGuid();
        context.Items[RequestIdKey] = requestId;
        var path = context.Request.Path.Value ?? "/";
        var service = ServicePaths.Of(path);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["x-openstack-request-id"] = requestId;
            if (service == ApiService.Compute) context.Response.Headers["x-compute-request-id"] = requestId;
            return Task.CompletedTask;
        });
        if (service is not { } known)
        {
            await next(context);
            return;
        }
        try
        {
            await faults.BeforeAsync(context, known, context.RequestAborted);
            if (NeedsMicroversion(known, path)) Microversions.Negotiate(context, known);
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405 && context.Response.ContentLength is null)
            {
                var status = context.Response.StatusCode;
                await WriteAsync(context, known, new ApiException(status, status == 404 ? "The resource could not be found." : "The method is not allowed for the requested URL."));
            }
        }
        catch (ApiException e)
        {
            if (context.Response.HasStarted) throw;
            await WriteAsync(context, known, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            log.LogError("{Method} {Path} failed ({Request}): {Type}", context.Request.Method, path, requestId, e.GetType().Name);
            log.LogDebug(e, "{Request}", requestId);
            await WriteAsync(context, known, new ApiException(500, "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."));
        }
    }

    /// <summary>Version documents answer without a microversion; everything else under Nova and Placement negotiates one.</summary>
    private static bool NeedsMicroversion(ApiService service, string path) => service switch
    {
        ApiService.Compute => path.TrimEnd('/') is not (ServicePaths.Compute or ServicePaths.ComputeApi),
        ApiService.Placement => path.TrimEnd('/') != ServicePaths.Placement,
        _ => false,
    };

    private static async Task WriteAsync(HttpContext context, ApiService service, ApiException e)
    {
        var requestId = (string)context.Items[RequestIdKey]!;
        // Headers stay (the microversion echo belongs on errors too); the status and body are the error's.
        context.Response.StatusCode = e.Status;
        // A missing or dead token is keystonemiddleware's answer, whatever the service.
        var body = e.Status == 401
            ? ErrorBodies.Keystone(401, e.Message)
            : ErrorBodies.For(service, e.Status, e.Message, requestId, e.NeutronType, e.RetryAfter);
        if (e.Status == 401 && context.RequestServices.GetService(typeof(CloudAddress)) is CloudAddress address)
            context.Response.Headers.WWWAuthenticate = $"Keystone uri=\"{address.Url(ServicePaths.Identity)}\"";
        if (e.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
