using Points.Infrastructure.WeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class DevelopmentWeChatClientTests
{
    [Fact]
    public async Task AddWeChat_InDevelopmentWithoutBaseUrl_UsesTheStandIn()
    {
        await using var host = WeChatTestHost.Create(null, isDevelopment: true);

        var client = host.Client;
        var session = await client.Code2SessionAsync("abc", CancellationToken.None);
        var again = await client.Code2SessionAsync("abc", CancellationToken.None);
        var empty = await client.Code2SessionAsync("", CancellationToken.None);

        Assert.IsType<DevelopmentWeChatClient>(client);
        Assert.Equal("dev-openid-abc", session.Value?.OpenId);
        Assert.Equal(session.Value?.SessionKey, again.Value?.SessionKey);
        Assert.Equal(WeChatErrorKind.InvalidCode, empty.Error?.Kind);
    }

    [Fact]
    public async Task StandIn_QrCode_IsARealPng()
    {
        var client = new DevelopmentWeChatClient();

        var qr = await client.GetUnlimitedQrCodeAsync("activity=42", "pages/checkin/index", 430, CancellationToken.None);
        var tooLong = await client.GetUnlimitedQrCodeAsync(new string('a', 33), null, null, CancellationToken.None);

        Assert.True(qr.IsSuccess, qr.ToString());
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], qr.Value.Take(8));
        Assert.True(qr.Value.Length > 100);
        Assert.Equal(WeChatErrorKind.Rejected, tooLong.Error?.Kind);
    }

    [Fact]
    public async Task StandIn_OtherCalls_SucceedWithPlausibleValues()
    {
        var client = new DevelopmentWeChatClient();

        var phone = await client.GetPhoneNumberAsync("p1", null, CancellationToken.None);
        var text = await client.CheckTextAsync("o1", 2, "hi", CancellationToken.None);
        var image = await client.CheckImageAsync("o1", 2, "https://example.com/1.png", CancellationToken.None);
        var sent = await client.SendSubscribeMessageAsync(new SubscribeMessage("o1", "t1", new Dictionary<string, string> { ["thing1"] = "ok" }), CancellationToken.None);

        Assert.Equal(11, phone.Value?.PurePhoneNumber.Length);
        Assert.Equal(ContentDecision.Publish, text.Value?.Decision);
        Assert.False(string.IsNullOrEmpty(image.Value));
        Assert.True(sent.Value);
    }
}
