using System.Diagnostics;
using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class Code2SessionTests : IAsyncLifetime
{
    private FakeWeChatServer _fake = null!;
    private WeChatTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeChatServer.StartAsync();
        _host = WeChatTestHost.Create(_fake, settings: new Dictionary<string, string?> { ["WeChat:RequestTimeout"] = "00:00:02" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Code2Session_WhenWeChatAnswersWithoutErrcodeOrUnionId_ReturnsSession()
    {
        var result = await _host.Client.Code2SessionAsync("code-ok-1", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(FakeWeChatServer.OpenIdFor("code-ok-1"), result.Value.OpenId);
        Assert.Equal(FakeWeChatServer.SessionKeyFor("code-ok-1"), result.Value.SessionKey);
        Assert.Null(result.Value.UnionId);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("authorization_code", request.QueryValue("grant_type"));
        Assert.Equal(_fake.AppSecret, request.QueryValue("secret"));
    }

    [Fact]
    public async Task Code2Session_WhenUnionIdPresent_ReturnsIt()
    {
        _fake.IssueUnionId = true;

        var result = await _host.Client.Code2SessionAsync("code-union", CancellationToken.None);

        Assert.Equal(FakeWeChatServer.UnionIdFor("code-union"), result.Value?.UnionId);
    }

    [Fact]
    public async Task Session_ToString_NeverShowsTheSessionKey()
    {
        var session = new WeChatSession("openid-1", "c2Vzc2lvbi1rZXktc2VjcmV0", null);

        Assert.DoesNotContain("c2Vzc2lvbi1rZXktc2VjcmV0", session.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("c2Vzc2lvbi1rZXktc2VjcmV0", $"{session}", StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Code2Session_WhenCodeInvalid_Returns40029InvalidCode()
    {
        var result = await _host.Client.Code2SessionAsync("invalid-code", CancellationToken.None);

        Assert.Equal(WeChatErrorCodes.InvalidCode, result.Error?.ErrCode);
        Assert.Equal(WeChatErrorKind.InvalidCode, result.Error?.Kind);
        Assert.NotNull(result.Error?.Rid);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenCodeReused_Returns40163AfterExactlyOneUpstreamCallEach()
    {
        var first = await _host.Client.Code2SessionAsync("code-once", CancellationToken.None);
        var second = await _host.Client.Code2SessionAsync("code-once", CancellationToken.None);

        Assert.True(first.IsSuccess);
        Assert.Equal(WeChatErrorKind.CodeUsed, second.Error?.Kind);
        Assert.Equal(WeChatErrorCodes.CodeUsed, second.Error?.ErrCode);
        Assert.Equal(2, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_When40163_IsNotRetried()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Error(40163, "code been used"));

        var result = await _host.Client.Code2SessionAsync("code-fresh", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.CodeUsed, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenRateLimited_ReturnsRateLimitedWithoutRetrying()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, Enumerable.Range(0, 10).Select(_ => FakeResponse.Error(45011, "api minute-quota reach limit")).ToArray());
        var watch = Stopwatch.StartNew();

        var result = await _host.Client.Code2SessionAsync("code-limited", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.RateLimited, result.Error?.Kind);
        Assert.True(result.Error?.IsTransient);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(-1, WeChatErrorKind.Busy)]
    [InlineData(40226, WeChatErrorKind.Blocked)]
    [InlineData(40013, WeChatErrorKind.Configuration)]
    [InlineData(49999, WeChatErrorKind.Unknown)]
    public async Task Code2Session_WhenErrcode_MapsKindAndDoesNotRetry(int errCode, WeChatErrorKind kind)
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Error(errCode), FakeResponse.Error(errCode));

        var result = await _host.Client.Code2SessionAsync("code-x", CancellationToken.None);

        Assert.Equal(errCode, result.Error?.ErrCode);
        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenJsonTruncated_ReturnsMalformed()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.TruncatedJson());

        var result = await _host.Client.Code2SessionAsync("code-trunc", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Malformed, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenSuccessLacksSessionKey_ReturnsMalformed()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Json(new { openid = "o1" }));

        var result = await _host.Client.Code2SessionAsync("code-partial", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Malformed, result.Error?.Kind);
    }

    [Fact]
    public async Task Code2Session_WhenHtml502_ReturnsUpstreamWithStatus()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Html502());

        var result = await _host.Client.Code2SessionAsync("code-502", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Upstream, result.Error?.Kind);
        Assert.Equal(502, result.Error?.HttpStatus);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenHtmlWith200_ReturnsMalformed()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Raw(200, "text/html", "<html>maintenance</html>"));

        var result = await _host.Client.Code2SessionAsync("code-html", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Malformed, result.Error?.Kind);
    }

    [Fact]
    public async Task Code2Session_WhenResponseSlow_ReturnsTimeoutWithinTheRequestTimeout()
    {
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Json(new { openid = "o", session_key = "k" }).WithDelay(TimeSpan.FromSeconds(10)));
        var watch = Stopwatch.StartNew();

        var result = await _host.Client.Code2SessionAsync("code-slow", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Timeout, result.Error?.Kind);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.Code2Session));
    }

    [Fact]
    public async Task Code2Session_WhenCallerCancels_Throws()
    {
        _fake.SetDelay(FakeWeChatPaths.Code2Session, TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Client.Code2SessionAsync("code-cancel", cts.Token));
    }

    [Fact]
    public async Task Code2Session_WhenServerUnreachable_ReturnsUpstream()
    {
        await using var host = WeChatTestHost.Create(null, settings: new Dictionary<string, string?> { ["WeChat:BaseUrl"] = "http://127.0.0.1:1" });

        var result = await host.Client.Code2SessionAsync("code-down", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Upstream, result.Error?.Kind);
    }

    [Fact]
    public async Task Code2Session_WhenCodeEmpty_IsRejectedWithoutARequest()
    {
        var result = await _host.Client.Code2SessionAsync(" ", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Rejected, result.Error?.Kind);
        Assert.Empty(_fake.Requests);
    }
}
