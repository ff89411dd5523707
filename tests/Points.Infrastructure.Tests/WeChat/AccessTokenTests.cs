using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class AccessTokenTests : IAsyncLifetime
{
    private FakeWeChatServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeWeChatServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task TokenCall_WhenBusyTwiceThenOk_RetriesWithBackoffAndSucceeds()
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.Error(-1, "system error"), FakeResponse.Error(-1, "system error"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(3, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
    }

    [Fact]
    public async Task TokenCall_WhenAlwaysBusy_StopsAfterTheRetryBudget()
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.SetHandler(FakeWeChatPaths.MsgSecCheck, _ => FakeResponse.Error(-1, "system error"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Busy, result.Error?.Kind);
        Assert.Equal(1 + new WeChatOptions().BusyRetryCount, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
    }

    [Fact]
    public async Task StableToken_WhenBusyOnce_IsRetried()
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.Enqueue(FakeWeChatPaths.StableToken, FakeResponse.Error(-1, "system error"));

        var result = await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(2, _fake.CountFor(FakeWeChatPaths.StableToken));
        Assert.Equal("client_credential", _fake.Requests[0].BodyValue("grant_type"));
        Assert.Equal("false", _fake.Requests[0].BodyValue("force_refresh"));
    }

    [Fact]
    public async Task Token_IsFetchedOnceAndReused()
    {
        await using var host = WeChatTestHost.Create(_fake);

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None)).IsSuccess);
        }

        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.StableToken));
        Assert.All(_fake.Requests.Where(r => r.Path == FakeWeChatPaths.MediaCheckAsync), r => Assert.Equal(_fake.CurrentAccessToken, r.AccessToken));
    }

    [Fact]
    public async Task ParallelCalls_FromTwoInstancesSharingRedis_CauseExactlyOneTokenRequest()
    {
        var redisA = await TestRedis.SharedAsync(0);
        var redisB = await TestRedis.SharedAsync(1);
        var prefix = TestRedis.UniquePrefix();
        await using var instanceA = WeChatTestHost.Create(_fake, redis: redisA, keyPrefix: prefix);
        await using var instanceB = WeChatTestHost.Create(_fake, redis: redisB, keyPrefix: prefix);
        Assert.IsType<RedisAccessTokenStore>(instanceA.Services.GetService(typeof(IAccessTokenStore)));
        _fake.SetDelay(FakeWeChatPaths.StableToken, TimeSpan.FromMilliseconds(200));
        var clients = new[] { instanceA.Client, instanceB.Client };

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => clients[i % 2].CheckTextAsync($"openid-{i}", 2, "hello", CancellationToken.None))));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.StableToken));
        Assert.Equal(50, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
        var store = new RedisAccessTokenStore(redisA, prefix);
        Assert.Equal(_fake.CurrentAccessToken, (await store.GetAsync(_fake.AppId, CancellationToken.None))?.Token);
    }

    [Theory]
    [InlineData(WeChatErrorCodes.InvalidCredential)]
    [InlineData(WeChatErrorCodes.AccessTokenExpired)]
    public async Task TokenCall_WhenTokenInvalidatedOnce_RefreshesOnceAndRetriesOnce(int errCode)
    {
        await using var host = WeChatTestHost.Create(_fake);
        Assert.True((await host.Client.CheckTextAsync("openid-1", 2, "warm up", CancellationToken.None)).IsSuccess);
        var oldToken = _fake.CurrentAccessToken;
        _fake.InvalidateAccessTokens();
        _fake.ClearRequests();
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.Error(errCode, "access_token invalid"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.StableToken));
        Assert.Equal("false", _fake.Requests.Single(r => r.Path == FakeWeChatPaths.StableToken).BodyValue("force_refresh"));
        var calls = _fake.Requests.Where(r => r.Path == FakeWeChatPaths.MsgSecCheck).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(oldToken, calls[0].AccessToken);
        Assert.Equal(_fake.CurrentAccessToken, calls[1].AccessToken);
        Assert.NotEqual(oldToken, calls[1].AccessToken);
    }

    [Theory]
    [InlineData(WeChatErrorCodes.InvalidCredential)]
    [InlineData(WeChatErrorCodes.AccessTokenExpired)]
    public async Task TokenCall_WhenNormalModeReturnsTheRefusedToken_ForceRefreshesOnce(int errCode)
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.IssueAccessToken();
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.Error(errCode, "access_token invalid"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        var tokenRequests = _fake.Requests.Where(r => r.Path == FakeWeChatPaths.StableToken).Select(r => r.BodyValue("force_refresh")).ToList();
        Assert.Equal(["false", "false", "true"], tokenRequests);
        Assert.Equal(2, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
    }

    [Theory]
    [InlineData(WeChatErrorCodes.InvalidCredential)]
    [InlineData(WeChatErrorCodes.AccessTokenExpired)]
    public async Task TokenCall_WhenTokenRefusedTwice_ReturnsErrorWithoutLooping(int errCode)
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.SetHandler(FakeWeChatPaths.MsgSecCheck, _ => FakeResponse.Error(errCode, "access_token invalid"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.TokenInvalid, result.Error?.Kind);
        Assert.Equal(errCode, result.Error?.ErrCode);
        Assert.Equal(2, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
        Assert.Equal(3, _fake.CountFor(FakeWeChatPaths.StableToken));
    }

    [Fact]
    public async Task ForceRefresh_IsLimitedToOnceEvery30Seconds()
    {
        var clock = TestClocks.AtDefaultStart();
        await using var host = WeChatTestHost.Create(_fake, time: clock);
        _fake.SetHandler(FakeWeChatPaths.MsgSecCheck, _ => FakeResponse.Error(40001, "access_token invalid"));
        await host.Client.CheckTextAsync("openid-1", 2, "first", CancellationToken.None);
        Assert.Equal(1, _fake.Requests.Count(r => r.BodyValue("force_refresh") == "true"));
        clock.Advance(TimeSpan.FromSeconds(10));

        var second = await host.Client.CheckTextAsync("openid-1", 2, "second", CancellationToken.None);

        Assert.Equal(WeChatErrorCodes.ClientForceRefreshLimited, second.Error?.ErrCode);
        Assert.Equal(1, _fake.Requests.Count(r => r.BodyValue("force_refresh") == "true"));
        clock.Advance(TimeSpan.FromSeconds(21));
        await host.Client.CheckTextAsync("openid-1", 2, "third", CancellationToken.None);
        Assert.Equal(2, _fake.Requests.Count(r => r.BodyValue("force_refresh") == "true"));
    }

    [Fact]
    public async Task RedisStore_ForceRefresh_AllowsTwentyADay()
    {
        var redis = await TestRedis.SharedAsync();
        var store = new RedisAccessTokenStore(redis, TestRedis.UniquePrefix());
        var now = new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);
        var allowed = 0;

        for (var i = 0; i < 25; i++)
        {
            if (await store.TryReserveForceRefreshAsync("wxapp", now.AddSeconds(31 * i), TimeSpan.FromSeconds(30), 20, CancellationToken.None))
            {
                allowed++;
            }
        }

        Assert.Equal(20, allowed);
        Assert.False(await store.TryReserveForceRefreshAsync("wxapp", now.AddSeconds(31 * 25 + 31), TimeSpan.FromSeconds(30), 20, CancellationToken.None));
        Assert.True(await store.TryReserveForceRefreshAsync("wxapp", now.AddDays(1), TimeSpan.FromSeconds(30), 20, CancellationToken.None));
    }

    [Fact]
    public async Task InProcessStore_ForceRefresh_AllowsTwentyADayThirtySecondsApart()
    {
        var store = new InProcessAccessTokenStore();
        var now = new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);

        Assert.True(await store.TryReserveForceRefreshAsync("wxapp", now, TimeSpan.FromSeconds(30), 20, CancellationToken.None));
        Assert.False(await store.TryReserveForceRefreshAsync("wxapp", now.AddSeconds(29), TimeSpan.FromSeconds(30), 20, CancellationToken.None));
        var allowed = 1;
        for (var i = 1; i < 25; i++)
        {
            if (await store.TryReserveForceRefreshAsync("wxapp", now.AddSeconds(31 * i), TimeSpan.FromSeconds(30), 20, CancellationToken.None))
            {
                allowed++;
            }
        }

        Assert.Equal(20, allowed);
        Assert.True(await store.TryReserveForceRefreshAsync("wxapp", now.AddDays(1), TimeSpan.FromSeconds(30), 20, CancellationToken.None));
    }

    [Fact]
    public async Task RedisStore_ExpireIfMatches_OnlyExpiresTheFailingToken()
    {
        var redis = await TestRedis.SharedAsync();
        var store = new RedisAccessTokenStore(redis, TestRedis.UniquePrefix());
        var now = DateTimeOffset.UtcNow;
        await store.SetAsync("wxapp", new CachedAccessToken("token-new", now.AddMinutes(5)), now, CancellationToken.None);

        Assert.False(await store.ExpireIfMatchesAsync("wxapp", "token-old", CancellationToken.None));
        Assert.Equal("token-new", (await store.GetAsync("wxapp", CancellationToken.None))?.Token);
        Assert.True(await store.ExpireIfMatchesAsync("wxapp", "token-new", CancellationToken.None));
        Assert.Null(await store.GetAsync("wxapp", CancellationToken.None));
    }

    [Fact]
    public async Task RedisStore_Lock_IsExclusiveAndReleasedOnlyByItsOwner()
    {
        var redis = await TestRedis.SharedAsync();
        var store = new RedisAccessTokenStore(redis, TestRedis.UniquePrefix());

        var first = await store.TryAcquireLockAsync("wxapp", TimeSpan.FromSeconds(5), CancellationToken.None);
        var second = await store.TryAcquireLockAsync("wxapp", TimeSpan.FromSeconds(5), CancellationToken.None);
        await store.ReleaseLockAsync("wxapp", "not-the-owner", CancellationToken.None);
        var third = await store.TryAcquireLockAsync("wxapp", TimeSpan.FromSeconds(5), CancellationToken.None);
        await store.ReleaseLockAsync("wxapp", first!, CancellationToken.None);
        var fourth = await store.TryAcquireLockAsync("wxapp", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Null(third);
        Assert.NotNull(fourth);
    }

    [Fact]
    public async Task Token_WithExpiresIn345_IsRefreshedBeforeWeChatExpiresIt()
    {
        var clock = TestClocks.AtDefaultStart();
        _fake.TokenExpiresIn = 345;
        await using var host = WeChatTestHost.Create(_fake, time: clock);

        await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(270));
        await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.StableToken));
        clock.Advance(TimeSpan.FromSeconds(10));
        await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None);

        Assert.Equal(2, _fake.CountFor(FakeWeChatPaths.StableToken));
    }

    [Fact]
    public async Task Token_WithRedisAndExpiresIn345_StoresTheExpiryFromTheInjectedClock()
    {
        var redis = await TestRedis.SharedAsync();
        var prefix = TestRedis.UniquePrefix();
        var clock = TestClocks.AtDefaultStart();
        _fake.TokenExpiresIn = 345;
        await using var host = WeChatTestHost.Create(_fake, time: clock, redis: redis, keyPrefix: prefix);

        await host.Client.CheckImageAsync("openid-1", 1, "https://example.com/a.png", CancellationToken.None);

        var cached = await new RedisAccessTokenStore(redis, prefix).GetAsync(_fake.AppId, CancellationToken.None);
        Assert.Equal(clock.GetUtcNow().AddSeconds(345 - 69), cached?.ExpiresAt);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"{prefix}{_fake.AppId}:token");
        Assert.InRange(ttl!.Value.TotalSeconds, 200, 276);
    }

    [Theory]
    [InlineData(7200, 6600)]
    [InlineData(3601, 3001)]
    [InlineData(3600, 2880)]
    [InlineData(345, 276)]
    [InlineData(5, 4)]
    public void ComputeExpiry_KeepsAMarginProportionateToTheLifetime(int expiresIn, int usableSeconds)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddSeconds(usableSeconds), WeChatAccessTokenProvider.ComputeExpiry(now, expiresIn));
    }

    [Theory]
    [InlineData(40013)]
    [InlineData(40125)]
    [InlineData(40164)]
    [InlineData(40001)]
    public async Task StableToken_WhenConfigurationError_IsNotRetriedAndAlerts(int errCode)
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.SetHandler(FakeWeChatPaths.StableToken, _ => FakeResponse.Error(errCode, "bad configuration"));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Configuration, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.StableToken));
        Assert.Equal(0, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
        Assert.Contains(host.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("ALERT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StableToken_WhenSecretWrong_ReturnsConfigurationError()
    {
        await using var host = WeChatTestHost.Create(_fake, settings: new Dictionary<string, string?> { ["WeChat:AppSecret"] = "wrong-secret" });

        var result = await host.Client.GetUnlimitedQrCodeAsync("a=1", null, null, CancellationToken.None);

        Assert.Equal(WeChatErrorCodes.InvalidAppSecret, result.Error?.ErrCode);
        Assert.Equal(WeChatErrorKind.Configuration, result.Error?.Kind);
    }

    [Fact]
    public async Task StableToken_WhenMalformed_ReturnsMalformed()
    {
        await using var host = WeChatTestHost.Create(_fake);
        _fake.Enqueue(FakeWeChatPaths.StableToken, FakeResponse.Json(new { access_token = "t" }));

        var result = await host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Malformed, result.Error?.Kind);
    }

    [Fact]
    public async Task AddWeChat_WithoutBaseUrlOutsideDevelopment_RegistersButFailsOnFirstUse()
    {
        await using var host = WeChatTestHost.Create(null);

        var result = await host.Client.Code2SessionAsync("", CancellationToken.None);
        var qr = await host.Client.GetUnlimitedQrCodeAsync("a=1", null, null, CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Configuration, result.Error?.Kind);
        Assert.Contains("WeChat:BaseUrl", result.Error?.ErrMsg, StringComparison.Ordinal);
        Assert.Equal(WeChatErrorCodes.ClientNotConfigured, qr.Error?.ErrCode);
        Assert.IsType<InProcessAccessTokenStore>(host.Services.GetService(typeof(IAccessTokenStore)));
    }
}
