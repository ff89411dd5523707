using System.Text;
using System.Text.Json;

namespace Points.Testing.FakeWeChat;

/// <summary>
/// A canned answer of the fake server: status, content type, raw body and an optional delay.
/// Build one with the factory methods and queue it with <see cref="FakeWeChatServer.Enqueue"/>.
/// </summary>
public sealed record FakeResponse(int StatusCode, string ContentType, byte[] Body)
{
    /// <summary>Waited before answering (the wait ends early when the client gives up).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>HTTP 200 <c>application/json</c> with <paramref name="body"/> serialised (anonymous objects welcome).</summary>
    public static FakeResponse Json(object body) =>
        new(200, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(body));

    /// <summary>HTTP 200 <c>application/json</c> with the given JSON text, sent as is.</summary>
    public static FakeResponse JsonText(string json) =>
        new(200, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// A WeChat error: HTTP 200 <c>{"errcode":code,"errmsg":"message rid: …"}</c>. The rid suffix is added
    /// like WeChat does; pass <paramref name="contentType"/> <c>text/plain</c> to mimic getwxacodeunlimit errors.
    /// </summary>
    public static FakeResponse Error(int errCode, string errMsg = "error", string contentType = "application/json; charset=utf-8") =>
        new(200, contentType, JsonSerializer.SerializeToUtf8Bytes(new { errcode = errCode, errmsg = $"{errMsg} rid: {FakeWeChatServer.NewRid()}" }));

    /// <summary>HTTP 200 <c>{"errcode":0,"errmsg":"ok"}</c>.</summary>
    public static FakeResponse Ok() => Json(new { errcode = 0, errmsg = "ok" });

    /// <summary>Any status, content type and text body.</summary>
    public static FakeResponse Raw(int statusCode, string contentType, string body) =>
        new(statusCode, contentType, Encoding.UTF8.GetBytes(body));

    /// <summary>An nginx-style HTML 502 page, as a gateway in front of WeChat sends.</summary>
    public static FakeResponse Html502() =>
        Raw(502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>");

    /// <summary>HTTP 200 JSON cut off mid-way (a dropped connection at the proxy).</summary>
    public static FakeResponse TruncatedJson(string json = """{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oGZUI0eg""") =>
        Raw(200, "application/json", json);

    /// <summary>Image bytes with the given content type; WeChat serves PNG codes as <c>image/jpeg</c>.</summary>
    public static FakeResponse Image(byte[] bytes, string contentType = "image/jpeg") => new(200, contentType, bytes);

    /// <summary>This response answered after <paramref name="delay"/>.</summary>
    public FakeResponse WithDelay(TimeSpan delay) => this with { Delay = delay };
}
