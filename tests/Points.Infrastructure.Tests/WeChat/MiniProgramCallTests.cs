using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class MiniProgramCallTests : IAsyncLifetime
{
    private FakeWeChatServer _fake = null!;
    private WeChatTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWeChatServer.StartAsync();
        _host = WeChatTestHost.Create(_fake);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private int CallsExceptToken => _fake.Requests.Count(r => r.Path != FakeWeChatPaths.StableToken);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetPhoneNumber_WhenCountryCodeIsNumberOrString_ReturnsIt(bool asString)
    {
        _fake.PhoneCountryCodeAsString = asString;

        var result = await _host.Client.GetPhoneNumberAsync("phone-code-1", "openid-1", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("86", result.Value.CountryCode);
        Assert.Equal("13800138000", result.Value.PurePhoneNumber);
        Assert.DoesNotContain("13800138000", result.Value.ToString(), StringComparison.Ordinal);
        var request = _fake.Requests.Single(r => r.Path == FakeWeChatPaths.PhoneNumber);
        Assert.Equal("phone-code-1", request.BodyValue("code"));
        Assert.Equal("openid-1", request.BodyValue("openid"));
    }

    [Fact]
    public async Task GetPhoneNumber_WhenWatermarkAppIdIsNotOurs_IsRejected()
    {
        _fake.PhoneWatermarkAppId = "wx-someone-else";

        var result = await _host.Client.GetPhoneNumberAsync("phone-code-2", null, CancellationToken.None);

        Assert.Equal(WeChatErrorCodes.ClientWatermarkMismatch, result.Error?.ErrCode);
        Assert.Equal(WeChatErrorKind.InvalidData, result.Error?.Kind);
    }

    [Fact]
    public async Task GetPhoneNumber_WhenBusy_IsNotRetriedBecauseTheCodeIsSingleUse()
    {
        _fake.Enqueue(FakeWeChatPaths.PhoneNumber, FakeResponse.Error(-1, "system error"));

        var result = await _host.Client.GetPhoneNumberAsync("phone-code-3", null, CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Busy, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.PhoneNumber));
    }

    [Fact]
    public async Task GetPhoneNumber_WhenLoginCodeSentByMistake_Returns40029()
    {
        var result = await _host.Client.GetPhoneNumberAsync("invalid-login-code", null, CancellationToken.None);

        Assert.Equal(WeChatErrorKind.InvalidCode, result.Error?.Kind);
    }

    [Fact]
    public async Task SendSubscribeMessage_WhenAccepted_SendsTheTemplateData()
    {
        var message = new SubscribeMessage("openid-1", "tmpl-1", new Dictionary<string, string>
        {
            ["thing1"] = "社区清洁活动",
            ["time2"] = "2026-11-23 09:30",
            ["number3"] = "20",
            ["amount4"] = "¥12.50",
            ["phrase5"] = "已签到",
        }, Page: "pages/activity/detail?id=1", MiniProgramState: "formal");

        var result = await _host.Client.SendSubscribeMessageAsync(message, CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        var body = _fake.Requests.Single(r => r.Path == FakeWeChatPaths.SubscribeSend);
        Assert.Equal("tmpl-1", body.BodyValue("template_id"));
        Assert.Contains("\"thing1\":{\"value\":", body.Body, StringComparison.Ordinal);
        Assert.Null(body.BodyValue("lang"));
    }

    [Fact]
    public async Task SendSubscribeMessage_When43101_ReturnsUndeliverableWithoutRetry()
    {
        _fake.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(43101, "user refuse to accept the msg"));

        var result = await _host.Client.SendSubscribeMessageAsync(Message("thing1", "活动提醒"), CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Undeliverable, result.Error?.Kind);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.SubscribeSend));
    }

    [Fact]
    public async Task SendSubscribeMessage_When47003_SurfacesTheField()
    {
        _fake.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(47003, "argument invalid! data.thing1.value invalid"));

        var result = await _host.Client.SendSubscribeMessageAsync(Message("thing1", "活动提醒"), CancellationToken.None);

        Assert.Equal(WeChatErrorKind.InvalidData, result.Error?.Kind);
        Assert.Equal("thing1", result.Error?.Field);
        Assert.NotNull(result.Error?.Rid);
    }

    [Theory]
    [InlineData("thing1", "一二三四五六七八九十一二三四五六七八九十一")]
    [InlineData("number2", "123456789012345678901234567890123")]
    [InlineData("number2", "12a")]
    [InlineData("character_string3", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")]
    [InlineData("phone_number4", "+86 138 0013 8000 000")]
    [InlineData("name5", "一二三四五六七八九十一")]
    [InlineData("phrase6", "一二三四五六")]
    [InlineData("phrase6", "ok")]
    [InlineData("amount7", "¥12345678901")]
    [InlineData("time8", "tomorrow")]
    [InlineData("thing1", "")]
    public async Task SendSubscribeMessage_WhenValueBreaksItsLimit_IsRejectedBeforeAnyCall(string key, string value)
    {
        var result = await _host.Client.SendSubscribeMessageAsync(Message(key, value), CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Rejected, result.Error?.Kind);
        Assert.Equal(key, result.Error?.Field);
        Assert.Empty(_fake.Requests);
    }

    [Theory]
    [InlineData("thing1", "一二三四五六七八九十一二三四五六七八九十")]
    [InlineData("number2", "12345678901234567890123456789012")]
    [InlineData("character_string3", "ABC-123_x")]
    [InlineData("phone_number4", "+86-138-0013-8000")]
    [InlineData("name5", "张三")]
    [InlineData("name5", "Zhang San")]
    [InlineData("phrase6", "已完成")]
    [InlineData("amount7", "¥100")]
    [InlineData("amount7", "100.50元")]
    [InlineData("date8", "2026年11月23日")]
    [InlineData("time9", "09:30")]
    public void SubscribeValue_WithinItsLimit_IsAccepted(string key, string value) =>
        Assert.Null(WeChatValidation.CheckSubscribeValue(key, value));

    [Theory]
    [InlineData("this is fine", TextCheckSuggest.Pass, ContentDecision.Publish)]
    [InlineData("needs review please", TextCheckSuggest.Review, ContentDecision.ManualReview)]
    [InlineData("something risky", TextCheckSuggest.Risky, ContentDecision.Block)]
    public async Task CheckText_MapsTheSuggestionToADecision(string content, TextCheckSuggest suggest, ContentDecision decision)
    {
        var result = await _host.Client.CheckTextAsync("openid-1", 2, content, CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(suggest, result.Value.Suggest);
        Assert.Equal(decision, result.Value.Decision);
        Assert.NotNull(result.Value.TraceId);
        var body = _fake.Requests.Single(r => r.Path == FakeWeChatPaths.MsgSecCheck);
        Assert.Equal("2", body.BodyValue("version"));
        Assert.Equal("2", body.BodyValue("scene"));
    }

    [Fact]
    public async Task CheckText_WhenLabelArrivesAsString_ParsesIt()
    {
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.JsonText("""{"errcode":0,"errmsg":"ok","trace_id":"t1","result":{"suggest":"risky","label":"20002"}}"""));

        var result = await _host.Client.CheckTextAsync("openid-1", 3, "x", CancellationToken.None);

        Assert.Equal(20002, result.Value?.Label);
        Assert.Equal(ContentDecision.Block, result.Value?.Decision);
    }

    [Fact]
    public async Task CheckText_When61010_ReturnsUncheckedForManualReview()
    {
        _fake.Enqueue(FakeWeChatPaths.MsgSecCheck, FakeResponse.Error(61010, "user visit record too old"));

        var result = await _host.Client.CheckTextAsync("openid-1", 2, "hello", CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(TextCheckSuggest.Unchecked, result.Value.Suggest);
        Assert.Equal(ContentDecision.ManualReview, result.Value.Decision);
        Assert.Equal(1, _fake.CountFor(FakeWeChatPaths.MsgSecCheck));
    }

    [Fact]
    public async Task CheckText_WhenSceneOutOfRange_IsRejectedBeforeAnyCall()
    {
        var result = await _host.Client.CheckTextAsync("openid-1", 9, "hello", CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Rejected, result.Error?.Kind);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task CheckImage_ReturnsTheTraceId()
    {
        var result = await _host.Client.CheckImageAsync("openid-1", 4, "https://cdn.example.com/p/1.jpg", CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(result.Value));
        var body = _fake.Requests.Single(r => r.Path == FakeWeChatPaths.MediaCheckAsync);
        Assert.Equal("2", body.BodyValue("media_type"));
        Assert.Equal("https://cdn.example.com/p/1.jpg", body.BodyValue("media_url"));
    }

    [Fact]
    public async Task QrCode_WhenPngServedAsJpeg_ReturnsTheBytes()
    {
        var result = await _host.Client.GetUnlimitedQrCodeAsync("a=1&b=2", "pages/checkin/index", 430, CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(FakeWeChatServer.PngBytes, result.Value);
        var body = _fake.Requests.Single(r => r.Path == FakeWeChatPaths.UnlimitedQrCode);
        Assert.Equal("pages/checkin/index", body.BodyValue("page"));
        Assert.Equal("430", body.BodyValue("width"));
    }

    [Fact]
    public async Task QrCode_WhenJpegBytesServed_ReturnsThem()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46];
        _fake.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Image(jpeg, "application/octet-stream"));

        var result = await _host.Client.GetUnlimitedQrCodeAsync("a=1", null, null, CancellationToken.None);

        Assert.Equal(jpeg, result.Value);
    }

    [Theory]
    [InlineData(45009, "text/plain")]
    [InlineData(41030, "text/plain")]
    [InlineData(40169, "image/jpeg")]
    public async Task QrCode_WhenJsonErrorServedWithAnyContentType_ReturnsTheError(int errCode, string contentType)
    {
        _fake.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Error(errCode, "qr error", contentType));

        var result = await _host.Client.GetUnlimitedQrCodeAsync("a=1", null, null, CancellationToken.None);

        Assert.Equal(errCode, result.Error?.ErrCode);
    }

    [Fact]
    public async Task QrCode_WhenBodyIsNeitherImageNorJson_ReturnsMalformed()
    {
        _fake.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Raw(200, "image/jpeg", "GIF89a..."));

        var result = await _host.Client.GetUnlimitedQrCodeAsync("a=1", null, null, CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Malformed, result.Error?.Kind);
    }

    [Theory]
    [InlineData("123456789012345678901234567890123", null, null)]
    [InlineData("签到=1", null, null)]
    [InlineData("a b", null, null)]
    [InlineData("", null, null)]
    [InlineData("a=1", "/pages/index/index", null)]
    [InlineData("a=1", null, 279)]
    [InlineData("a=1", null, 1281)]
    public async Task QrCode_WhenArgumentsInvalid_IsRejectedBeforeAnyCall(string scene, string? page, int? width)
    {
        var result = await _host.Client.GetUnlimitedQrCodeAsync(scene, page, width, CancellationToken.None);

        Assert.Equal(WeChatErrorKind.Rejected, result.Error?.Kind);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task QrCode_SceneOfExactly32AllowedCharacters_IsSent()
    {
        var scene = "0123456789AZaz!#$&'()*+,/:;=?@-._~".Substring(0, 32);

        var result = await _host.Client.GetUnlimitedQrCodeAsync(scene, null, 1280, CancellationToken.None);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(1, CallsExceptToken);
    }

    private static SubscribeMessage Message(string key, string value) =>
        new("openid-1", "tmpl-1", new Dictionary<string, string> { [key] = value });
}
