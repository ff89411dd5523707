using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Points.Testing.FakeWeChat;

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that answers like the WeChat server API.
/// Point the client's <c>WeChat:BaseUrl</c> at <see cref="BaseUrl"/> and use <see cref="AppId"/> and
/// <see cref="AppSecret"/> as credentials.
/// <para>
/// Each request is answered by, in order: the next response queued for its path (<see cref="Enqueue"/>),
/// the handler set for its path (<see cref="SetHandler"/>), or the default behaviour:
/// </para>
/// <list type="bullet">
/// <item><c>jscode2session</c>: checks appid (40013) and secret (40125); an empty code gives 41008, a code
/// starting with <c>invalid</c> 40029, a code seen before 40163; otherwise <c>{openid, session_key}</c> without
/// errcode, with openid <see cref="OpenIdFor"/>, session key <see cref="SessionKeyFor"/>, and unionid only when
/// <see cref="IssueUnionId"/>.</item>
/// <item><c>stable_token</c>: normal mode hands back the current token while valid, else issues a new one;
/// <c>force_refresh</c> always issues a new one. <c>expires_in</c> is <see cref="TokenExpiresIn"/>. Issued tokens
/// stay valid until <see cref="InvalidateAccessTokens"/>.</item>
/// <item>Every other path checks <c>access_token</c>: missing 41001, unknown or invalidated 40001.</item>
/// <item><c>getuserphonenumber</c>: code rules as for login; answers <see cref="PhoneNumber"/> with
/// <see cref="PhoneCountryCode"/> as a number (or a string with <see cref="PhoneCountryCodeAsString"/>).</item>
/// <item><c>subscribe/send</c>: empty touser 40003, else ok. <c>msg_sec_check</c>: content containing
/// <c>risky</c> is risky (label 20001), containing <c>review</c> is review (20006), else pass (100).
/// <c>media_check_async</c>: a new trace_id. <c>getwxacodeunlimit</c>: scene over 32 chars 40169, else PNG bytes
/// served as <c>image/jpeg</c> like WeChat does.</item>
/// </list>
/// Every request is recorded (<see cref="Requests"/>, <see cref="CountFor"/>) before it is answered, so calls the
/// client abandoned on timeout are counted too.
/// </summary>
public sealed class FakeWeChatServer : IAsyncDisposable
{
    /// <summary>The appid the fake accepts unless another is given to <see cref="StartAsync"/>.</summary>
    public const string DefaultAppId = "wx0000fake000000a";

    /// <summary>The secret the fake accepts unless another is given to <see cref="StartAsync"/>.</summary>
    public const string DefaultAppSecret = "fake-secret-3b6a1c9e0d7f4e21";

    /// <summary>A valid 1x1 PNG, the default QR code body.</summary>
    public static readonly byte[] PngBytes = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly Dictionary<string, Queue<FakeResponse>> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<FakeRequest, FakeResponse>> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedCodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _validTokens = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private string? _currentToken;
    private int _tokenSequence;

    private FakeWeChatServer(WebApplication app, string appId, string appSecret)
    {
        _app = app;
        AppId = appId;
        AppSecret = appSecret;
    }

    /// <summary>Base URL such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The appid this fake accepts and puts into watermarks.</summary>
    public string AppId { get; }

    /// <summary>The secret this fake accepts.</summary>
    public string AppSecret { get; }

    /// <summary><c>expires_in</c> of stable_token answers, in seconds (default 7200).</summary>
    public int TokenExpiresIn { get; set; } = 7200;

    /// <summary>Whether login answers carry a unionid (default false, like an app without an open platform account).</summary>
    public bool IssueUnionId { get; set; }

    /// <summary>Pure phone number returned by getuserphonenumber (default <c>13800138000</c>).</summary>
    public string PhoneNumber { get; set; } = "13800138000";

    /// <summary>Country code returned by getuserphonenumber (default 86).</summary>
    public int PhoneCountryCode { get; set; } = 86;

    /// <summary>Send countryCode as the string <c>"86"</c> instead of the number 86.</summary>
    public bool PhoneCountryCodeAsString { get; set; }

    /// <summary>Watermark appid of phone answers; null means <see cref="AppId"/>.</summary>
    public string? PhoneWatermarkAppId { get; set; }

    /// <summary>The token normal-mode stable_token currently hands out, or null before the first request.</summary>
    public string? CurrentAccessToken
    {
        get
        {
            lock (_gate)
            {
                return _currentToken;
            }
        }
    }

    /// <summary>A snapshot of every request received, oldest first.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<FakeWeChatServer> StartAsync(string appId = DefaultAppId, string appSecret = DefaultAppSecret, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(FakeWeChatServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeWeChatServer(app, appId, appSecret);
        app.Run(server.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>The openid the default login handler gives a code: <c>fake-openid-{code}</c>.</summary>
    public static string OpenIdFor(string code) => "fake-openid-" + code;

    /// <summary>The unionid the default login handler gives a code when <see cref="IssueUnionId"/> is set.</summary>
    public static string UnionIdFor(string code) => "fake-unionid-" + code;

    /// <summary>The session key (base64 of 16 bytes) the default login handler gives a code; stable per code.</summary>
    public static string SessionKeyFor(string code) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("session:" + code)).AsSpan(0, 16));

    /// <summary>A WeChat-like request id for errmsg suffixes.</summary>
    public static string NewRid() => $"{Random.Shared.Next(0x10000000, int.MaxValue):x8}-{Random.Shared.Next(0x1000000, 0xfffffff):x7}-{Random.Shared.Next(0x1000, 0xffff):x4}";

    /// <summary>Queues one-shot responses for <paramref name="path"/>; they are used in order before any handler or default.</summary>
    public void Enqueue(string path, params FakeResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        lock (_gate)
        {
            if (!_queued.TryGetValue(path, out var queue))
            {
                queue = new Queue<FakeResponse>();
                _queued[path] = queue;
            }

            foreach (var response in responses)
            {
                queue.Enqueue(response);
            }
        }
    }

    /// <summary>Replaces the default behaviour of <paramref name="path"/>; null restores it. Called under no lock, from many threads.</summary>
    public void SetHandler(string path, Func<FakeRequest, FakeResponse>? handler)
    {
        lock (_gate)
        {
            if (handler is null)
            {
                _handlers.Remove(path);
            }
            else
            {
                _handlers[path] = handler;
            }
        }
    }

    /// <summary>Delays every answer on <paramref name="path"/> (added to a response's own delay); zero removes it.</summary>
    public void SetDelay(string path, TimeSpan delay)
    {
        lock (_gate)
        {
            _delays[path] = delay;
        }
    }

    /// <summary>Number of requests received on <paramref name="path"/>.</summary>
    public int CountFor(string path)
    {
        lock (_gate)
        {
            return _requests.Count(r => r.Path == path);
        }
    }

    /// <summary>Makes every token issued so far invalid (calls get 40001); the next normal-mode stable_token issues a new one.</summary>
    public void InvalidateAccessTokens()
    {
        lock (_gate)
        {
            _validTokens.Clear();
            _currentToken = null;
        }
    }

    /// <summary>Forgets recorded requests (counters restart at zero); tokens and used codes are kept.</summary>
    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Issues a valid token as stable_token would, without recording a request (to seed a test).</summary>
    public string IssueAccessToken()
    {
        lock (_gate)
        {
            return IssueTokenLocked();
        }
    }

    /// <summary>Stops the server; answers still waiting on a delay are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down anyway.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var request = new FakeRequest(context.Request.Method, context.Request.Path.Value ?? "/", query, body, DateTimeOffset.UtcNow);

        FakeResponse response;
        TimeSpan delay;
        Func<FakeRequest, FakeResponse>? handler = null;
        lock (_gate)
        {
            _requests.Add(request);
            delay = _delays.GetValueOrDefault(request.Path);
            if (_queued.TryGetValue(request.Path, out var queue) && queue.Count > 0)
            {
                response = queue.Dequeue();
            }
            else
            {
                response = null!;
                handler = _handlers.GetValueOrDefault(request.Path) ?? Default;
            }
        }

        if (handler is not null)
        {
            response = handler(request);
        }

        delay += response.Delay;
        if (delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(delay, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        try
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up.
        }
    }

    private FakeResponse Default(FakeRequest request)
    {
        switch (request.Path)
        {
            case FakeWeChatPaths.Code2Session:
                return Code2Session(request);
            case FakeWeChatPaths.StableToken:
                return StableToken(request);
        }

        if (CheckToken(request) is { } tokenError)
        {
            return tokenError;
        }

        return request.Path switch
        {
            FakeWeChatPaths.PhoneNumber => PhoneNumberAnswer(request),
            FakeWeChatPaths.SubscribeSend => string.IsNullOrEmpty(request.BodyValue("touser")) ? FakeResponse.Error(40003, "invalid openid") : FakeResponse.Ok(),
            FakeWeChatPaths.MsgSecCheck => MsgSecCheck(request),
            FakeWeChatPaths.MediaCheckAsync => FakeResponse.Json(new { errcode = 0, errmsg = "ok", trace_id = NewTraceId() }),
            FakeWeChatPaths.UnlimitedQrCode => (request.BodyValue("scene")?.Length ?? 0) > 32
                ? FakeResponse.Error(40169, "invalid length for scene, or the data is not json string", "text/plain")
                : FakeResponse.Image(PngBytes),
            _ => FakeResponse.Raw(404, "text/plain", "not found"),
        };
    }

    private FakeResponse Code2Session(FakeRequest request)
    {
        if (request.QueryValue("appid") != AppId)
        {
            return FakeResponse.Error(40013, "invalid appid");
        }

        if (request.QueryValue("secret") != AppSecret)
        {
            return FakeResponse.Error(40125, "invalid appsecret");
        }

        var code = request.QueryValue("js_code");
        if (CheckCode(code) is { } codeError)
        {
            return codeError;
        }

        return IssueUnionId
            ? FakeResponse.Json(new { session_key = SessionKeyFor(code!), openid = OpenIdFor(code!), unionid = UnionIdFor(code!) })
            : FakeResponse.Json(new { session_key = SessionKeyFor(code!), openid = OpenIdFor(code!) });
    }

    private FakeResponse StableToken(FakeRequest request)
    {
        if (request.BodyValue("grant_type") != "client_credential")
        {
            return FakeResponse.Error(40002, "invalid grant_type");
        }

        if (request.BodyValue("appid") != AppId)
        {
            return FakeResponse.Error(40013, "invalid appid");
        }

        if (request.BodyValue("secret") != AppSecret)
        {
            return FakeResponse.Error(40125, "invalid appsecret");
        }

        string token;
        lock (_gate)
        {
            token = request.BodyValue("force_refresh") == "true" || _currentToken is null ? IssueTokenLocked() : _currentToken;
        }

        return FakeResponse.Json(new { access_token = token, expires_in = TokenExpiresIn });
    }

    private string IssueTokenLocked()
    {
        _tokenSequence++;
        var token = $"fake-token-{_tokenSequence}-{Guid.NewGuid():N}";
        _validTokens.Add(token);
        _currentToken = token;
        return token;
    }

    private FakeResponse? CheckToken(FakeRequest request)
    {
        var token = request.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            return FakeResponse.Error(41001, "access_token missing");
        }

        lock (_gate)
        {
            return _validTokens.Contains(token) ? null : FakeResponse.Error(40001, "invalid credential, access_token is invalid or not latest");
        }
    }

    private FakeResponse? CheckCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return FakeResponse.Error(41008, "missing code");
        }

        if (code.StartsWith("invalid", StringComparison.Ordinal))
        {
            return FakeResponse.Error(40029, "invalid code");
        }

        lock (_gate)
        {
            return _usedCodes.Add(code) ? null : FakeResponse.Error(40163, "code been used");
        }
    }

    private FakeResponse PhoneNumberAnswer(FakeRequest request)
    {
        if (CheckCode(request.BodyValue("code")) is { } codeError)
        {
            return codeError;
        }

        var watermark = new { timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), appid = PhoneWatermarkAppId ?? AppId };
        var country = PhoneCountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var phone = PhoneCountryCode == 86 ? PhoneNumber : $"+{country} {PhoneNumber}";
        object info = PhoneCountryCodeAsString
            ? new { phoneNumber = phone, purePhoneNumber = PhoneNumber, countryCode = country, watermark }
            : new { phoneNumber = phone, purePhoneNumber = PhoneNumber, countryCode = PhoneCountryCode, watermark };
        return FakeResponse.Json(new { errcode = 0, errmsg = "ok", phone_info = info });
    }

    private static FakeResponse MsgSecCheck(FakeRequest request)
    {
        var content = request.BodyValue("content") ?? "";
        var (suggest, label) = content.Contains("risky", StringComparison.OrdinalIgnoreCase) ? ("risky", 20001)
            : content.Contains("review", StringComparison.OrdinalIgnoreCase) ? ("review", 20006)
            : ("pass", 100);
        return FakeResponse.Json(new
        {
            errcode = 0,
            errmsg = "ok",
            trace_id = NewTraceId(),
            result = new { suggest, label },
            detail = new[] { new { strategy = "content_model", errcode = 0, suggest, label, prob = 90 } },
        });
    }

    private static string NewTraceId() => $"{Guid.NewGuid():N}"[..24];
}
