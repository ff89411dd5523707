using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class WeChatLoggingTests : IAsyncLifetime
{
    private FakeWeChatServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeWeChatServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Logs_NeverContainSecretTokenSessionKeyCodeOrPhone_ButKeepPathErrcodeAndRid()
    {
        const string jsCode = "jscode-7f3a9c21";
        const string phoneCode = "phonecode-d41e77";
        _fake.PhoneNumber = "13912345678";
        await using var host = WeChatTestHost.Create(_fake, settings: new Dictionary<string, string?> { ["WeChat:RequestTimeout"] = "00:00:02" });
        var client = host.Client;

        var session = await client.Code2SessionAsync(jsCode, CancellationToken.None);
        await client.Code2SessionAsync(jsCode, CancellationToken.None);
        var phone = await client.GetPhoneNumberAsync(phoneCode, session.Value!.OpenId, CancellationToken.None);
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.Error(40001, "invalid credential"));
        await client.CheckTextAsync(session.Value.OpenId, 2, "hello", CancellationToken.None);
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Html502());
        await client.Code2SessionAsync("jscode-second-5b2", CancellationToken.None);
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.TruncatedJson());
        await client.Code2SessionAsync("jscode-third-9c4", CancellationToken.None);
        _fake.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Ok().WithDelay(TimeSpan.FromSeconds(10)));
        await client.Code2SessionAsync("jscode-fourth-1d8", CancellationToken.None);
        _fake.Enqueue(FakeWeChatPaths.StableToken, FakeResponse.Error(40164, "invalid ip, not in whitelist"));
        _fake.InvalidateAccessTokens();
        await client.CheckImageAsync(session.Value.OpenId, 1, "https://example.com/a.png", CancellationToken.None);

        Assert.True(phone.IsSuccess, phone.ToString());
        var logs = host.Logs.AllText;
        var secrets = new List<string> { _fake.AppSecret, jsCode, phoneCode, "jscode-second-5b2", "jscode-third-9c4", "jscode-fourth-1d8", session.Value.SessionKey, "13912345678", "access_token=" };
        secrets.AddRange(_fake.Requests.Select(r => r.AccessToken).OfType<string>().Distinct());
        Assert.Contains(_fake.Requests, r => r.AccessToken is not null);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_fake.BaseUrl + "/", logs, StringComparison.Ordinal);
        Assert.Contains("/sns/jscode2session", logs, StringComparison.Ordinal);
        Assert.Contains("ErrCode=40163", logs, StringComparison.Ordinal);
        Assert.Matches(@"Rid=[0-9a-f]{8}-", logs);
        Assert.Contains("ElapsedMs=", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_KeepsTheRidOfErrmsg()
    {
        var error = new WeChatError(40029, "invalid code, rid: 6566b1cc-4d3a7e12-1f2a3b4c", WeChatErrorKind.InvalidCode);

        Assert.Equal("6566b1cc-4d3a7e12-1f2a3b4c", error.Rid);
    }

    [Fact]
    public void Options_ToString_HidesTheSecret()
    {
        var options = new WeChatOptions { AppId = "wx1", AppSecret = "very-secret-value", BaseUrl = "https://api.weixin.qq.com" };

        Assert.DoesNotContain("very-secret-value", options.ToString(), StringComparison.Ordinal);
        Assert.Empty(options.GetConfigurationErrors());
    }
}
