using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.WeChat;
using Points.Infrastructure.WeChat.Push;

namespace Points.Api.Tests.WeChat;

/// <summary>Records verdicts; can be told to fail the next call (to prove a failed push is not remembered).</summary>
public sealed class RecordingVerdictHandler : IMediaCheckVerdictHandler
{
    public ConcurrentQueue<MediaCheckVerdict> Verdicts { get; } = new();

    public int FailNext;

    public Task HandleAsync(MediaCheckVerdict verdict, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref FailNext, 0) == 1)
        {
            throw new InvalidOperationException("simulated failure while applying a verdict");
        }

        Verdicts.Enqueue(verdict);
        return Task.CompletedTask;
    }
}

public sealed class PushFactory : PointsApiFactory
{
    public const string Token = "AAAAA";
    public const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string AppId = "wx0000push0000000";

    public PushFactory()
    {
        Settings["WeChat:PushToken"] = Token;
        Settings["WeChat:EncodingAesKey"] = AesKey;
        Settings["WeChat:AppId"] = AppId;
    }

    public RecordingVerdictHandler Verdicts { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddScoped<IMediaCheckVerdictHandler>(_ => Verdicts));
    }
}

public sealed class WeChatPushTests(PushFactory factory) : IClassFixture<PushFactory>
{
    private const string VectorTimestamp = "1714036504";
    private const string VectorNonce = "1514711492";
    private const string VectorSignature = "f464b24fc39322e44b38aa78f5edd27bd1441696";

    private string Now() => factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string MediaCheckJson(string traceId, string suggest, object label, string fromUser = "o_user_1", string appId = PushFactory.AppId) => JsonSerializer.Serialize(new
    {
        ToUserName = "gh_000000000000",
        FromUserName = fromUser,
        CreateTime = 1764000000,
        MsgType = "event",
        Event = "wxa_media_check",
        appid = appId,
        trace_id = traceId,
        version = 2,
        detail = new[] { new { strategy = "content_model", errcode = 0, suggest, label } },
        errcode = 0,
        errmsg = "ok",
        result = new { suggest, label },
    });

    private (string Query, string Body) Signed(string message, string? timestamp = null, string appId = PushFactory.AppId, bool xml = false)
    {
        var encrypt = WeChatCrypto.EncryptMessage(message, PushFactory.AesKey, appId);
        var ts = timestamp ?? Now();
        var nonce = Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        var signature = WeChatCrypto.ComputeSignature(PushFactory.Token, ts, nonce, encrypt);
        var body = xml
            ? $"<xml><ToUserName><![CDATA[gh_000000000000]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            : JsonSerializer.Serialize(new { ToUserName = "gh_000000000000", Encrypt = encrypt });
        return ($"/api/wechat/push?signature=ignored&timestamp={ts}&nonce={nonce}&openid=o_user_1&encrypt_type=aes&msg_signature={signature}", body);
    }

    private Task<HttpResponseMessage> PostAsync((string Query, string Body) push, string contentType = "application/json") =>
        factory.CreateClient().PostAsync(push.Query, new StringContent(push.Body, Encoding.UTF8, contentType));

    private Task<int> RowsAsync(string dedupeKey) => factory.WithDbAsync(db => db.WeChatPushEvents.CountAsync(e => e.DedupeKey == dedupeKey));

    [Fact]
    public async Task UrlCheck_OfficialVector_EchoesEchostrAsPlainText()
    {
        factory.Clock.Set(DateTimeOffset.FromUnixTimeSeconds(1714036504 + 20));

        var response = await factory.CreateClient().GetAsync($"/api/wechat/push?signature={VectorSignature}&timestamp={VectorTimestamp}&nonce={VectorNonce}&echostr=4375120948345356249");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("4375120948345356249", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UrlCheck_StaleTimestamp_Returns401()
    {
        factory.Clock.Set(DateTimeOffset.FromUnixTimeSeconds(1714036504) + TimeSpan.FromMinutes(6));

        var response = await factory.CreateClient().GetAsync($"/api/wechat/push?signature={VectorSignature}&timestamp={VectorTimestamp}&nonce={VectorNonce}&echostr=x");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.push_stale");
    }

    [Fact]
    public async Task UrlCheck_BadSignature_Returns401()
    {
        factory.Clock.Set(DateTimeOffset.FromUnixTimeSeconds(1714036504 + 20));

        var response = await factory.CreateClient().GetAsync($"/api/wechat/push?signature={VectorSignature[..^1]}0&timestamp={VectorTimestamp}&nonce={VectorNonce}&echostr=x");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.push_signature_invalid");
    }

    [Fact]
    public async Task UrlCheck_MissingParameters_Returns400()
    {
        await ProblemAssert.IsProblemAsync(await factory.CreateClient().GetAsync("/api/wechat/push?echostr=x"), HttpStatusCode.BadRequest, "wechat.push_malformed");
    }

    [Fact]
    public async Task Push_MediaCheckRetriedThreeTimes_ProcessedOnce_EachAnsweredSuccess()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var message = MediaCheckJson(traceId, "risky", "20002");

        var statuses = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var response = await PostAsync(Signed(message));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            statuses.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.All(statuses, s => Assert.Equal("success", s));
        Assert.Equal(1, await RowsAsync("trace:" + traceId));
        var verdict = Assert.Single(factory.Verdicts.Verdicts, v => v.TraceId == traceId);
        Assert.Equal(MediaCheckSuggest.Risky, verdict.Suggest);
        Assert.Equal(20002, verdict.Label);
    }

    [Fact]
    public async Task Push_ConcurrentRetries_ProcessedOnce()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var message = MediaCheckJson(traceId, "pass", 100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(Signed(message))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await RowsAsync("trace:" + traceId));
        Assert.Equal(MediaCheckSuggest.Pass, Assert.Single(factory.Verdicts.Verdicts, v => v.TraceId == traceId).Suggest);
    }

    [Fact]
    public async Task Push_XmlFormat_ReviewVerdictApplied()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var message = $"<xml><ToUserName><![CDATA[gh_0]]></ToUserName><FromUserName><![CDATA[o_user_2]]></FromUserName><CreateTime>1764000000</CreateTime>"
            + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[wxa_media_check]]></Event><appid><![CDATA[{PushFactory.AppId}]]></appid>"
            + $"<trace_id><![CDATA[{traceId}]]></trace_id><version>2</version><errcode>0</errcode><errmsg><![CDATA[ok]]></errmsg>"
            + "<result><suggest><![CDATA[review]]></suggest><label>20006</label></result></xml>";

        var response = await PostAsync(Signed(message, xml: true), "text/xml");

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        var verdict = Assert.Single(factory.Verdicts.Verdicts, v => v.TraceId == traceId);
        Assert.Equal(MediaCheckSuggest.Review, verdict.Suggest);
        Assert.Equal(20006, verdict.Label);
    }

    [Fact]
    public async Task Push_OtherEvent_DedupedByUserTimeTypeAndEvent()
    {
        var user = "o_" + Guid.NewGuid().ToString("N")[..20];
        var message = JsonSerializer.Serialize(new { ToUserName = "gh_0", FromUserName = user, CreateTime = "1764000123", MsgType = "event", Event = "user_authorization_revoke" });

        await PostAsync(Signed(message));
        await PostAsync(Signed(message));

        Assert.Equal(1, await RowsAsync($"msg:{user}:1764000123:event:user_authorization_revoke"));
    }

    [Fact]
    public async Task Push_StaleTimestamp_Returns401_NothingStored()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var old = factory.Clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var response = await PostAsync(Signed(MediaCheckJson(traceId, "risky", 20002), timestamp: old));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.push_stale");
        Assert.Equal(0, await RowsAsync("trace:" + traceId));
    }

    [Fact]
    public async Task Push_TamperedEncrypt_Returns401_NothingStored()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var push = Signed(MediaCheckJson(traceId, "pass", 100));
        var other = Signed(MediaCheckJson(traceId, "risky", 20002));

        // The first push's signature with the second push's ciphertext.
        var response = await PostAsync((push.Query, other.Body));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.push_signature_invalid");
        Assert.Equal(0, await RowsAsync("trace:" + traceId));
    }

    [Fact]
    public async Task Push_EncryptedForAnotherApp_Returns403()
    {
        var response = await PostAsync(Signed(MediaCheckJson("trace-" + Guid.NewGuid().ToString("N"), "pass", 100), appId: "wx0000another0000"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "wechat.push_wrong_app");
    }

    [Fact]
    public async Task Push_PlainTextMode_Returns400()
    {
        var ts = Now();
        var signature = WeChatCrypto.ComputeSignature(PushFactory.Token, ts, "1");
        var body = MediaCheckJson("trace-" + Guid.NewGuid().ToString("N"), "pass", 100);

        var response = await factory.CreateClient().PostAsync($"/api/wechat/push?signature={signature}&timestamp={ts}&nonce=1", new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.push_malformed");
    }

    [Fact]
    public async Task Push_ApplyingFails_NotRemembered_RetrySucceeds()
    {
        var traceId = "trace-" + Guid.NewGuid().ToString("N");
        var message = MediaCheckJson(traceId, "risky", 20002);
        factory.Verdicts.FailNext = 1;

        var failed = await PostAsync(Signed(message));
        Assert.Equal(0, await RowsAsync("trace:" + traceId));
        var retried = await PostAsync(Signed(message));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("success", await retried.Content.ReadAsStringAsync());
        Assert.Equal(1, await RowsAsync("trace:" + traceId));
        Assert.Single(factory.Verdicts.Verdicts, v => v.TraceId == traceId);
    }
}
