using Points.Api.Tests.Infrastructure;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.Foundation;

/// <summary>The API with its real WeChat client pointed at the fake WeChat server (a real HTTP server on loopback).</summary>
public sealed class FakeWeChatFactory : PointsApiFactory, IAsyncLifetime
{
    public FakeWeChatServer WeChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WeChat = await FakeWeChatServer.StartAsync();
        Settings["WeChat:BaseUrl"] = WeChat.BaseUrl;
        Settings["WeChat:AppId"] = WeChat.AppId;
        Settings["WeChat:AppSecret"] = WeChat.AppSecret;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await WeChat.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class WeChatLoginTests(FakeWeChatFactory factory) : IClassFixture<FakeWeChatFactory>
{
    private static string NewCode() => "code-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Login_FirstTime_CreatesResident_SecondTimeSameResident()
    {
        var client = factory.CreateClient();
        var first = await client.PostAsJsonAsync("/api/auth/wechat", new { code = NewCode(), communityId = PointsApiFactory.XihuId });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var resident = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resident");
        Assert.Equal(PointsApiFactory.XihuId.ToString(), resident.GetProperty("communityId").GetString());

        // The fake derives the openid from the code, so log in again as the same person with a fresh code.
        var code = NewCode();
        var a = await (await client.PostAsJsonAsync("/api/auth/wechat", new { code })).Content.ReadFromJsonAsync<JsonElement>();
        var openId = FakeWeChatServer.OpenIdFor(code);
        var stored = await factory.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.WeChatOpenId == openId)));
        Assert.Equal(stored.Id.ToString(), a.GetProperty("resident").GetProperty("id").GetString());
        Assert.Null(stored.WeChatUnionId);
    }

    [Fact]
    public async Task Login_InvalidCode_Returns400_40029()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/wechat", new { code = "invalid-" + Guid.NewGuid().ToString("N") });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.code_invalid");
    }

    [Fact]
    public async Task Login_CodeUsedTwice_SecondGets40163_WithOneUpstreamCallEach()
    {
        var client = factory.CreateClient();
        var code = NewCode();
        var before = factory.WeChat.CountFor(FakeWeChatPaths.Code2Session);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/wechat", new { code })).StatusCode);
        var reused = await client.PostAsJsonAsync("/api/auth/wechat", new { code });

        await ProblemAssert.IsProblemAsync(reused, HttpStatusCode.BadRequest, "wechat.code_used");
        Assert.Equal(before + 2, factory.WeChat.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Theory]
    [InlineData(45011, HttpStatusCode.TooManyRequests, "wechat.rate_limited")]
    [InlineData(-1, HttpStatusCode.ServiceUnavailable, "wechat.unavailable")]
    [InlineData(40226, HttpStatusCode.Forbidden, "wechat.user_blocked")]
    public async Task Login_WeChatError_MapsToProblem_WithoutRetryingTheOneTimeCode(int errcode, HttpStatusCode status, string code)
    {
        var before = factory.WeChat.CountFor(FakeWeChatPaths.Code2Session);
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Error(errcode, "simulated"));

        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/wechat", new { code = NewCode() });

        await ProblemAssert.IsProblemAsync(response, status, code);
        Assert.Equal(before + 1, factory.WeChat.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Login_MalformedOrHtmlBody_Returns503_NoResidentCreated()
    {
        var users = await factory.WithDbAsync(db => Task.FromResult(db.Users.Count()));
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.TruncatedJson());
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Html502());

        await ProblemAssert.IsProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/wechat", new { code = NewCode() }), HttpStatusCode.ServiceUnavailable, "wechat.unavailable");
        await ProblemAssert.IsProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/wechat", new { code = NewCode() }), HttpStatusCode.ServiceUnavailable, "wechat.unavailable");

        Assert.Equal(users, await factory.WithDbAsync(db => Task.FromResult(db.Users.Count())));
    }

    [Fact]
    public async Task Login_NeverLogsTheCodeOrSessionKey()
    {
        var code = NewCode();
        await factory.CreateClient().PostAsJsonAsync("/api/auth/wechat", new { code });

        Assert.DoesNotContain(code, factory.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeWeChatServer.SessionKeyFor(code), factory.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.WeChat.AppSecret, factory.Logs.All, StringComparison.Ordinal);
    }
}
