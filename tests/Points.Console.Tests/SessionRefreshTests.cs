using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Points.Console.ApiClient;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>bUnit: the access token is renewed a minute before it expires; a refused renewal ends the session as expired.</summary>
public sealed class SessionRefreshTests : ConsoleComponentTest
{
    private readonly FakeTimeProvider _clock = Points.Testing.TestClocks.AtDefaultStart();
    private readonly Queue<(HttpStatusCode Status, string Json)> _answers = new();
    private readonly List<(string Line, string? Bearer)> _requests = [];

    public SessionRefreshTests()
    {
        UseApi(new Recorder(this), _clock);
    }

    [Fact]
    public async Task Token_IsRenewedBeforeItExpires_AndTheCallUsesTheNewOne()
    {
        var (api, session) = await SignedInAsync(expiresIn: 900);
        _answers.Enqueue((HttpStatusCode.OK, Me));
        await api.MeAsync();
        _clock.Advance(TimeSpan.FromSeconds(845));
        _answers.Enqueue((HttpStatusCode.OK, """{"accessToken":"access-2","refreshToken":"refresh-2","expiresIn":900}"""));
        _answers.Enqueue((HttpStatusCode.OK, Me));

        var me = await api.MeAsync();

        Assert.True(me.Ok);
        Assert.Equal([("GET api/me", "access-1"), ("POST api/auth/refresh", null), ("GET api/me", "access-2")], _requests);
        Assert.Equal("refresh-2", session.RefreshToken);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(900), session.ExpiresAt);
    }

    [Fact]
    public async Task RefusedRenewal_EndsTheSessionAsExpired()
    {
        var (api, session) = await SignedInAsync(expiresIn: 900);
        _clock.Advance(TimeSpan.FromSeconds(850));
        _answers.Enqueue((HttpStatusCode.Unauthorized, """{"title":"登录已失效","status":401,"code":"auth.refresh_invalid"}"""));
        _answers.Enqueue((HttpStatusCode.Unauthorized, """{"title":"请先登录","status":401,"code":"auth.required"}"""));

        await api.MeAsync();

        Assert.False(session.SignedIn);
        Assert.True(session.Expired);
        Assert.Equal("POST api/auth/refresh", _requests[0].Line);
    }

    private const string Me = """{"id":"0195f7a4-0000-7000-8000-000000000001","roles":["CommunityStaff"],"displayName":"东山村网格员"}""";

    private async Task<(PointsApi Api, Session Session)> SignedInAsync(int expiresIn)
    {
        var session = Services.GetRequiredService<Session>();
        await session.StartAsync(new TokenResponse("access-1", "refresh-1", expiresIn, new MeResponse(Guid.NewGuid(), ["CommunityStaff"], "东山村网格员", null, null, null, null)));
        return (Services.GetRequiredService<PointsApi>(), session);
    }

    private sealed class Recorder(SessionRefreshTests test) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            test._requests.Add(($"{request.Method} {request.RequestUri!.AbsolutePath.TrimStart('/')}", request.Headers.Authorization?.Parameter));
            var (status, json) = test._answers.Dequeue();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
