using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Smog.OpenStack.Config;

namespace Smog.Tests.OpenStack;

/// <summary>An in-memory file system: path → text. Paths not listed do not exist.</summary>
internal sealed class FakeFiles(IReadOnlyDictionary<string, string> files) : IConfigFileSystem
{
    public List<string> Probed { get; } = [];

    public string? TryReadAllText(string path)
    {
        Probed.Add(path);
        return files.TryGetValue(path, out var text) ? text : null;
    }
}

internal static class TestEnv
{
    public const string Cwd = "/work/project";
    public const string Home = "/home/op";

    public static ConfigEnvironment Of(IReadOnlyDictionary<string, string>? files = null, IReadOnlyDictionary<string, string>? vars = null) =>
        new((vars ?? new Dictionary<string, string>()).ToImmutableDictionary(), Cwd, Home, new FakeFiles(files ?? new Dictionary<string, string>()));

    public static CloudConfig Resolve(Dictionary<string, string>? files = null, Dictionary<string, string>? vars = null, CloudSelection? selection = null) =>
        new CloudConfigResolver(Of(files, vars)).Resolve(selection ?? CloudSelection.None);
}

/// <summary>One request as the fake server saw it.</summary>
internal sealed record SeenRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, DateTimeOffset At)
{
    public string Path => Uri.PathAndQuery;
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// A scripted OpenStack: each request is answered by the first route whose method and path
/// prefix match, taking that route's responses in order (the last one repeats).
/// </summary>
internal sealed class FakeOpenStack(TimeProvider? time = null) : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Path, Queue<Func<SeenRequest, HttpResponseMessage>> Answers)> routes = [];
    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public FakeOpenStack On(HttpMethod method, string pathAndQuery, params Func<SeenRequest, HttpResponseMessage>[] answers)
    {
        routes.Add((method, pathAndQuery, new Queue<Func<SeenRequest, HttpResponseMessage>>(answers)));
        return this;
    }

    /// <summary>Canned responses; each is copied per use, so a repeated answer is never a disposed object.</summary>
    public FakeOpenStack On(HttpMethod method, string pathAndQuery, params HttpResponseMessage[] answers) =>
        On(method, pathAndQuery, [.. answers.Select(Replayable)]);

    private static Func<SeenRequest, HttpResponseMessage> Replayable(HttpResponseMessage template)
    {
        var body = template.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var contentType = template.Content.Headers.ContentType;
        var headers = template.Headers.Select(h => (h.Key, h.Value.ToList())).ToList();
        return _ =>
        {
            var copy = new HttpResponseMessage(template.StatusCode) { Content = new ByteArrayContent(body) };
            copy.Content.Headers.ContentType = contentType;
            foreach (var (name, values) in headers) copy.Headers.TryAddWithoutValidation(name, values);
            return copy;
        };
    }

    public IEnumerable<SeenRequest> To(string path) => Seen.Where(s => s.Path == path);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var seen = new SeenRequest(request.Method, request.RequestUri!, headers, body, (time ?? TimeProvider.System).GetUtcNow());
        Seen.Enqueue(seen);
        foreach (var (method, path, answers) in routes)
        {
            if (method != request.Method || request.RequestUri!.PathAndQuery != path) continue;
            var answer = answers.Count > 1 ? answers.Dequeue() : answers.Peek();
            var response = answer(seen);
            response.RequestMessage = request;
            return response;
        }
        return Json(HttpStatusCode.NotFound, """{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}""");
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public static Func<SeenRequest, HttpResponseMessage> Throw(HttpRequestError error) =>
        _ => throw new HttpRequestException(error, "simulated " + error);
}

/// <summary>Collects every formatted log line, to prove secrets never reach logs.</summary>
internal sealed class CollectingLoggerFactory : ILoggerFactory, ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}

internal static class Clock
{
    /// <summary>
    /// Drives a fake clock until <paramref name="task"/> completes: advance one step, give the
    /// continuations a moment to run, repeat. Fails rather than hang.
    /// </summary>
    public static async Task<T> Run<T>(FakeTimeProvider time, Task<T> task, TimeSpan? step = null, int maxSteps = 2000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (!task.IsCompleted) time.Advance(step ?? TimeSpan.FromSeconds(1));
        }
        Assert.True(task.IsCompleted, "the operation did not finish on the fake clock");
        return await task;
    }

    public static async Task Run(FakeTimeProvider time, Task task, TimeSpan? step = null) =>
        await Run(time, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), step);
}
