using System.Net;
using Bunit;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Points.Console.ApiClient;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>Where every bUnit test of the console starts: the console's own services over an HTTP handler the test controls, and a fake clock.</summary>
public abstract class ConsoleComponentTest : BunitContext
{
    protected void UseApi(HttpMessageHandler handler, TimeProvider? clock = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<TimeProvider>(clock ?? Points.Testing.TestClocks.AtDefaultStart());
        Services.AddScoped<Session>();
        Services.AddScoped(_ => new HttpClient(handler) { BaseAddress = new Uri("http://console.test/") });
        Services.AddScoped<PointsApi>();
    }
}

/// <summary>Answers requests in order from a script; records each request's line, body and Idempotency-Key header.</summary>
public sealed class ScriptedApi : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();

    public List<(string Line, string Body)> Requests { get; } = [];

    public List<string> Bodies { get; } = [];

    public List<string?> Keys { get; } = [];

    public void Answer(HttpStatusCode status, string json) =>
        _answers.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, (int)status < 400 ? "application/json" : "application/problem+json") });

    public void FailNetwork() => _answers.Enqueue(() => throw new HttpRequestException("connection refused"));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(($"{request.Method} {request.RequestUri!.AbsolutePath.TrimStart('/')}", body));
        Bodies.Add(body);
        Keys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
        return _answers.Dequeue()();
    }
}
