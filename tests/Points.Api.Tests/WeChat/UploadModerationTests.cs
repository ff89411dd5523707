using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Participation;
using Points.Domain.Participation;
using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

/// <summary>The API with the fake WeChat server, message push configured and a public base URL.</summary>
public sealed class WeChatAppFactory : PointsApiFactory, IAsyncLifetime
{
    public const string PushToken = "pushToken2026";
    public const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string PublicBaseUrl = "https://points.example.test";

    public FakeWeChatServer WeChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WeChat = await FakeWeChatServer.StartAsync();
        Settings["WeChat:BaseUrl"] = WeChat.BaseUrl;
        Settings["WeChat:AppId"] = WeChat.AppId;
        Settings["WeChat:AppSecret"] = WeChat.AppSecret;
        Settings["WeChat:PushToken"] = PushToken;
        Settings["WeChat:EncodingAesKey"] = AesKey;
        Settings["WeChat:PublicBaseUrl"] = PublicBaseUrl;
        Settings["WeChat:BusyRetryCount"] = "1";
        Settings["WeChat:BusyRetryBaseDelay"] = "00:00:00.010";
        Settings["WeChat:Templates:ActivityReminder"] = "tmpl-reminder";
        Settings["WeChat:Templates:RedemptionReceipt"] = "tmpl-receipt";
    }

    /// <summary>Pushes <paramref name="message"/> the way WeChat does in safe mode.</summary>
    public Task<HttpResponseMessage> PushAsync(string message)
    {
        var encrypt = WeChatCrypto.EncryptMessage(message, AesKey, WeChat.AppId);
        var ts = Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        var signature = WeChatCrypto.ComputeSignature(PushToken, ts, nonce, encrypt);
        return CreateClient().PostAsync(
            $"/api/wechat/push?timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}",
            new StringContent(JsonSerializer.Serialize(new { ToUserName = "gh_0", Encrypt = encrypt }), Encoding.UTF8, "application/json"));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await WeChat.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class UploadModerationTests(WeChatAppFactory factory) : IClassFixture<WeChatAppFactory>
{
    private static string Verdict(string traceId, string appId, string suggest, string label) => JsonSerializer.Serialize(new
    {
        ToUserName = "gh_0",
        FromUserName = "o_x",
        CreateTime = "1764000000",
        MsgType = "event",
        Event = "wxa_media_check",
        appid = appId,
        trace_id = traceId,
        version = "2",
        errcode = "0",
        errmsg = "ok",
        result = new { suggest, label },
    });

    private async Task<(HttpClient Client, Guid UploadId, string TraceId, FakeRequest CheckRequest)> UploadAsync()
    {
        var (client, _, code) = await WeChatTestKit.LoginAsync(factory);
        var uploadId = await TestImages.UploadAsync(client);
        var traceId = await factory.WithDbAsync(db => db.Uploads.Where(u => u.Id == uploadId).Select(u => u.MediaCheckTraceId).SingleAsync());
        Assert.False(string.IsNullOrEmpty(traceId));
        var request = factory.WeChat.Requests.Last(r => r.Path == FakeWeChatPaths.MediaCheckAsync);
        Assert.Equal(FakeWeChatServer.OpenIdFor(code), request.BodyValue("openid"));
        return (client, uploadId, traceId!, request);
    }

    private Task<ModerationStatus> ModerationAsync(Guid uploadId) =>
        factory.WithDbAsync(db => db.Uploads.Where(u => u.Id == uploadId).Select(u => u.Moderation).SingleAsync());

    [Fact]
    public async Task Upload_ByResident_SentToMediaCheck_WeChatCanFetchTheImageByItsUrl()
    {
        var (_, uploadId, _, request) = await UploadAsync();

        var mediaUrl = request.BodyValue("media_url")!;
        Assert.StartsWith(WeChatAppFactory.PublicBaseUrl + "/api/wechat/push/media/", mediaUrl, StringComparison.Ordinal);
        Assert.Equal("2", request.BodyValue("media_type"));
        var fetched = await factory.CreateClient().GetAsync(mediaUrl[WeChatAppFactory.PublicBaseUrl.Length..]);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("image/png", fetched.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ModerationStatus.Pending, await ModerationAsync(uploadId));

        factory.Clock.Advance(TimeSpan.FromHours(2));
        await ProblemAssert.IsProblemAsync(await factory.CreateClient().GetAsync(mediaUrl[WeChatAppFactory.PublicBaseUrl.Length..]), HttpStatusCode.NotFound, "upload.not_found");
        await ProblemAssert.IsProblemAsync(await factory.CreateClient().GetAsync("/api/wechat/push/media/v1.forged.AAAA"), HttpStatusCode.NotFound, "upload.not_found");
    }

    [Fact]
    public async Task Push_RiskyVerdict_HidesTheUpload_RetriesChangeNothing()
    {
        var (client, uploadId, traceId, _) = await UploadAsync();

        for (var i = 0; i < 3; i++)
        {
            var response = await factory.PushAsync(Verdict(traceId, factory.WeChat.AppId, "risky", "20002"));
            Assert.Equal("success", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(ModerationStatus.Risky, await ModerationAsync(uploadId));
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/uploads/{uploadId}"), HttpStatusCode.NotFound, "upload.hidden");
        Assert.Equal(1, await factory.WithDbAsync(db => db.WeChatPushEvents.CountAsync(e => e.TraceId == traceId)));
    }

    [Theory]
    [InlineData("pass", ModerationStatus.Pass)]
    [InlineData("review", ModerationStatus.Review)]
    public async Task Push_Verdict_SetsModeration(string suggest, ModerationStatus expected)
    {
        var (client, uploadId, traceId, _) = await UploadAsync();

        var response = await factory.PushAsync(Verdict(traceId, factory.WeChat.AppId, suggest, "100"));

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, await ModerationAsync(uploadId));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/uploads/{uploadId}")).StatusCode);
    }

    [Fact]
    public async Task Upload_MediaCheckFails_UploadStillCreated_StaysPending()
    {
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);
        factory.WeChat.Enqueue(FakeWeChatPaths.MediaCheckAsync, FakeResponse.Error(45009, "quota"));

        var uploadId = await TestImages.UploadAsync(client);

        Assert.Equal(ModerationStatus.Pending, await ModerationAsync(uploadId));
        Assert.Null(await factory.WithDbAsync(db => db.Uploads.Where(u => u.Id == uploadId).Select(u => u.MediaCheckTraceId).SingleAsync()));
    }
}
