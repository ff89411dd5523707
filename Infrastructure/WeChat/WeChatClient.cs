using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Points.Infrastructure.WeChat;

/// <summary>
/// Typed HttpClient for the WeChat server API. Logs path, errcode, rid and latency only: the secret,
/// access token, session key, codes and phone numbers travel in URLs and bodies that are never logged.
/// </summary>
public sealed partial class WeChatClient : IWeChatClient
{
    public const string Code2SessionPath = "/sns/jscode2session";
    public const string StableTokenPath = "/cgi-bin/stable_token";
    public const string PhoneNumberPath = "/wxa/business/getuserphonenumber";
    public const string SubscribeSendPath = "/cgi-bin/message/subscribe/send";
    public const string MsgSecCheckPath = "/wxa/msg_sec_check";
    public const string MediaCheckAsyncPath = "/wxa/media_check_async";
    public const string UnlimitedQrCodePath = "/wxa/getwxacodeunlimit";

    private static readonly JsonSerializerOptions BodyJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly HttpClient _http;
    private readonly WeChatOptions _options;
    private readonly WeChatAccessTokenProvider _tokens;
    private readonly ILogger<WeChatClient> _logger;
    private readonly StableTokenFetcher _fetchToken;

    public WeChatClient(HttpClient http, IOptions<WeChatOptions> options, WeChatAccessTokenProvider tokens, ILogger<WeChatClient> logger)
    {
        _http = http;
        _options = options.Value;
        _tokens = tokens;
        _logger = logger;
        _fetchToken = FetchStableTokenAsync;
    }

    public async Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct)
    {
        if (NotConfigured<WeChatSession>() is { } notConfigured)
        {
            return notConfigured;
        }

        if (string.IsNullOrWhiteSpace(jsCode))
        {
            return Rejected<WeChatSession>("js_code", "js_code is empty");
        }

        var query = $"appid={Uri.EscapeDataString(_options.AppId)}&secret={Uri.EscapeDataString(_options.AppSecret)}&js_code={Uri.EscapeDataString(jsCode)}&grant_type=authorization_code";

        // Single attempt: the code is consumed by the first request WeChat sees, a retry gets 40163.
        var response = await SendJsonAsync(HttpMethod.Get, Code2SessionPath, query, body: null, _options.RequestTimeout, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return WeChatResult<WeChatSession>.Fail(response.Error);
        }

        var root = response.Value;
        var openId = GetString(root, "openid");
        var sessionKey = GetString(root, "session_key");
        if (string.IsNullOrEmpty(openId) || string.IsNullOrEmpty(sessionKey))
        {
            return Malformed<WeChatSession>(Code2SessionPath, "openid or session_key missing");
        }

        var unionId = GetString(root, "unionid");
        return WeChatResult<WeChatSession>.Ok(new WeChatSession(openId, sessionKey, string.IsNullOrEmpty(unionId) ? null : unionId));
    }

    public async Task<WeChatResult<WeChatPhoneNumber>> GetPhoneNumberAsync(string code, string? openId, CancellationToken ct)
    {
        if (NotConfigured<WeChatPhoneNumber>() is { } notConfigured)
        {
            return notConfigured;
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return Rejected<WeChatPhoneNumber>("code", "code is empty");
        }

        var body = new Dictionary<string, string> { ["code"] = code };
        if (!string.IsNullOrEmpty(openId))
        {
            body["openid"] = openId;
        }

        var response = await CallWithTokenAsync(PhoneNumberPath, body, retryBusy: false, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return WeChatResult<WeChatPhoneNumber>.Fail(response.Error);
        }

        if (!response.Value.TryGetProperty("phone_info", out var info) || info.ValueKind != JsonValueKind.Object)
        {
            return Malformed<WeChatPhoneNumber>(PhoneNumberPath, "phone_info missing");
        }

        var phone = GetString(info, "phoneNumber");
        var pure = GetString(info, "purePhoneNumber");
        var country = GetString(info, "countryCode");
        if (string.IsNullOrEmpty(pure) || string.IsNullOrEmpty(country))
        {
            return Malformed<WeChatPhoneNumber>(PhoneNumberPath, "purePhoneNumber or countryCode missing");
        }

        if (info.TryGetProperty("watermark", out var watermark) && GetString(watermark, "appid") is { } appId && appId != _options.AppId)
        {
            _logger.LogWarning("WeChat {Path} watermark appid does not match ours", PhoneNumberPath);
            return WeChatResult<WeChatPhoneNumber>.Fail(new WeChatError(WeChatErrorCodes.ClientWatermarkMismatch, "watermark appid mismatch", WeChatErrorKind.InvalidData));
        }

        return WeChatResult<WeChatPhoneNumber>.Ok(new WeChatPhoneNumber(string.IsNullOrEmpty(phone) ? pure : phone, pure, country));
    }

    public async Task<WeChatResult<bool>> SendSubscribeMessageAsync(SubscribeMessage message, CancellationToken ct)
    {
        if (NotConfigured<bool>() is { } notConfigured)
        {
            return notConfigured;
        }

        ArgumentNullException.ThrowIfNull(message);
        if (WeChatValidation.CheckSubscribeMessage(message) is { } problem)
        {
            return Rejected<bool>(problem.Field, problem.Problem);
        }

        var body = new Dictionary<string, object?>
        {
            ["touser"] = message.ToUser,
            ["template_id"] = message.TemplateId,
            ["page"] = message.Page,
            ["data"] = message.Data.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string> { ["value"] = kv.Value }),
            ["miniprogram_state"] = message.MiniProgramState,
            ["lang"] = message.Lang,
        };
        var response = await CallWithTokenAsync(SubscribeSendPath, body, retryBusy: true, ct).ConfigureAwait(false);
        return response.IsSuccess ? WeChatResult<bool>.Ok(true) : WeChatResult<bool>.Fail(response.Error);
    }

    public async Task<WeChatResult<TextCheckResult>> CheckTextAsync(string openId, int scene, string content, CancellationToken ct)
    {
        if (NotConfigured<TextCheckResult>() is { } notConfigured)
        {
            return notConfigured;
        }

        if (string.IsNullOrWhiteSpace(openId))
        {
            return Rejected<TextCheckResult>("openid", "openid is empty");
        }

        if (scene is < 1 or > 4)
        {
            return Rejected<TextCheckResult>("scene", "scene must be 1 (profile), 2 (comment), 3 (forum) or 4 (social log)");
        }

        if (string.IsNullOrEmpty(content) || content.Length > WeChatValidation.MaxTextCheckLength)
        {
            return Rejected<TextCheckResult>("content", $"content must be 1-{WeChatValidation.MaxTextCheckLength} characters");
        }

        var body = new Dictionary<string, object> { ["version"] = 2, ["openid"] = openId, ["scene"] = scene, ["content"] = content };
        var response = await CallWithTokenAsync(MsgSecCheckPath, body, retryBusy: true, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            if (response.Error.ErrCode == WeChatErrorCodes.UserVisitTooOld)
            {
                // Not a failure of ours: WeChat cannot judge a user who has not opened the app lately.
                return WeChatResult<TextCheckResult>.Ok(new TextCheckResult(null, TextCheckSuggest.Unchecked, 0));
            }

            return WeChatResult<TextCheckResult>.Fail(response.Error);
        }

        var root = response.Value;
        if (!root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
        {
            return Malformed<TextCheckResult>(MsgSecCheckPath, "result missing");
        }

        var suggest = GetString(result, "suggest") switch
        {
            "pass" => TextCheckSuggest.Pass,
            "risky" => TextCheckSuggest.Risky,
            _ => TextCheckSuggest.Review,
        };
        var label = int.TryParse(GetString(result, "label"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 0;
        return WeChatResult<TextCheckResult>.Ok(new TextCheckResult(GetString(root, "trace_id"), suggest, label));
    }

    public async Task<WeChatResult<string>> CheckImageAsync(string openId, int scene, string mediaUrl, CancellationToken ct)
    {
        if (NotConfigured<string>() is { } notConfigured)
        {
            return notConfigured;
        }

        if (string.IsNullOrWhiteSpace(openId))
        {
            return Rejected<string>("openid", "openid is empty");
        }

        if (scene is < 1 or > 4)
        {
            return Rejected<string>("scene", "scene must be 1-4");
        }

        if (!Uri.TryCreate(mediaUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return Rejected<string>("media_url", "media_url must be an absolute http(s) URL");
        }

        var body = new Dictionary<string, object> { ["media_url"] = mediaUrl, ["media_type"] = 2, ["version"] = 2, ["openid"] = openId, ["scene"] = scene };
        var response = await CallWithTokenAsync(MediaCheckAsyncPath, body, retryBusy: true, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return WeChatResult<string>.Fail(response.Error);
        }

        var traceId = GetString(response.Value, "trace_id");
        return string.IsNullOrEmpty(traceId) ? Malformed<string>(MediaCheckAsyncPath, "trace_id missing") : WeChatResult<string>.Ok(traceId);
    }

    public async Task<WeChatResult<byte[]>> GetUnlimitedQrCodeAsync(string scene, string? page, int? width, CancellationToken ct)
    {
        if (NotConfigured<byte[]>() is { } notConfigured)
        {
            return notConfigured;
        }

        if (WeChatValidation.CheckScene(scene) is { } sceneProblem)
        {
            return Rejected<byte[]>("scene", sceneProblem);
        }

        if (WeChatValidation.CheckQrPage(page) is { } pageProblem)
        {
            return Rejected<byte[]>("page", pageProblem);
        }

        if (WeChatValidation.CheckQrWidth(width) is { } widthProblem)
        {
            return Rejected<byte[]>("width", widthProblem);
        }

        var body = new Dictionary<string, object?>
        {
            ["scene"] = scene,
            ["page"] = page,
            ["check_path"] = _options.QrCheckPath,
            ["env_version"] = _options.QrEnvVersion,
            ["width"] = width,
        };

        return await WithTokenAsync(
            retryBusy: true,
            (token, attemptCt) => SendImageAsync(UnlimitedQrCodePath, $"access_token={Uri.EscapeDataString(token)}", body, attemptCt),
            ct).ConfigureAwait(false);
    }

    private async Task<WeChatResult<StableAccessToken>> FetchStableTokenAsync(bool forceRefresh, CancellationToken ct)
    {
        var body = new Dictionary<string, object>
        {
            ["grant_type"] = "client_credential",
            ["appid"] = _options.AppId,
            ["secret"] = _options.AppSecret,
            ["force_refresh"] = forceRefresh,
        };

        var response = await RetryBusyAsync(
            attemptCt => SendJsonAsync(HttpMethod.Post, StableTokenPath, query: null, body, _options.TokenRequestTimeout, attemptCt),
            ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            // On stable_token itself 40001 means a wrong secret, not a stale token.
            var error = response.Error.ErrCode == WeChatErrorCodes.InvalidCredential
                ? response.Error with { Kind = WeChatErrorKind.Configuration }
                : response.Error;
            if (error.Kind == WeChatErrorKind.Configuration)
            {
                _logger.LogCritical("ALERT WeChat {Path} refused our credentials: errcode {ErrCode} rid {Rid}; check AppId, AppSecret and the IP whitelist", StableTokenPath, error.ErrCode, error.Rid);
            }

            return WeChatResult<StableAccessToken>.Fail(error);
        }

        var token = GetString(response.Value, "access_token");
        var expiresIn = int.TryParse(GetString(response.Value, "expires_in"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) ? e : 0;
        if (string.IsNullOrEmpty(token) || expiresIn <= 0)
        {
            return Malformed<StableAccessToken>(StableTokenPath, "access_token or expires_in missing");
        }

        return WeChatResult<StableAccessToken>.Ok(new StableAccessToken(token, expiresIn));
    }

    private Task<WeChatResult<JsonElement>> CallWithTokenAsync(string path, object body, bool retryBusy, CancellationToken ct) =>
        WithTokenAsync(
            retryBusy,
            (token, attemptCt) => SendJsonAsync(HttpMethod.Post, path, $"access_token={Uri.EscapeDataString(token)}", body, _options.RequestTimeout, attemptCt),
            ct);

    private async Task<WeChatResult<T>> WithTokenAsync<T>(bool retryBusy, Func<string, CancellationToken, Task<WeChatResult<T>>> call, CancellationToken ct)
    {
        if (NotConfigured<T>() is { } notConfigured)
        {
            return notConfigured;
        }

        var token = await _tokens.GetTokenAsync(_fetchToken, ct).ConfigureAwait(false);
        if (!token.IsSuccess)
        {
            return WeChatResult<T>.Fail(token.Error);
        }

        var result = await Attempt(token.Value).ConfigureAwait(false);
        if (result.IsSuccess || !WeChatErrorCodes.IsRenewableTokenError(result.Error.ErrCode))
        {
            return result;
        }

        // One renewal and one retry, never a loop: a second refusal goes back to the caller.
        var renewed = await _tokens.RenewAfterRejectionAsync(token.Value, _fetchToken, ct).ConfigureAwait(false);
        if (!renewed.IsSuccess)
        {
            return WeChatResult<T>.Fail(renewed.Error);
        }

        return await Attempt(renewed.Value).ConfigureAwait(false);

        Task<WeChatResult<T>> Attempt(string accessToken) =>
            retryBusy ? RetryBusyAsync(attemptCt => call(accessToken, attemptCt), ct) : call(accessToken, ct);
    }

    private async Task<WeChatResult<T>> RetryBusyAsync<T>(Func<CancellationToken, Task<WeChatResult<T>>> attempt, CancellationToken ct)
    {
        for (var retry = 0; ; retry++)
        {
            var result = await attempt(ct).ConfigureAwait(false);
            if (result.IsSuccess || result.Error.Kind != WeChatErrorKind.Busy || retry >= _options.BusyRetryCount)
            {
                return result;
            }

            var exponential = _options.BusyRetryBaseDelay * Math.Pow(2, retry);
            var capped = exponential < _options.BusyRetryMaxDelay ? exponential : _options.BusyRetryMaxDelay;
            var delay = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
            _logger.LogInformation("WeChat busy (-1); retry {Retry} of {Max} in {DelayMs} ms", retry + 1, _options.BusyRetryCount, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private async Task<WeChatResult<JsonElement>> SendJsonAsync(HttpMethod method, string path, string? query, object? body, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var raw = await SendRawAsync(method, path, query, body, timeout, ct).ConfigureAwait(false);
        if (!raw.IsSuccess)
        {
            return WeChatResult<JsonElement>.Fail(raw.Error);
        }

        return ParseJson(path, raw.Value.Body, started);
    }

    private async Task<WeChatResult<byte[]>> SendImageAsync(string path, string query, object body, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var raw = await SendRawAsync(HttpMethod.Post, path, query, body, _options.RequestTimeout, ct).ConfigureAwait(false);
        if (!raw.IsSuccess)
        {
            return WeChatResult<byte[]>.Fail(raw.Error);
        }

        // The content type is unreliable both ways (PNG as image/jpeg, errors as text/plain): sniff the bytes.
        var bytes = raw.Value.Body;
        var first = Array.FindIndex(bytes, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'));
        if (first >= 0 && bytes[first] == (byte)'{')
        {
            var error = ParseJson(path, bytes, started);
            return error.IsSuccess
                ? Malformed<byte[]>(path, "JSON body without errcode where an image was expected")
                : WeChatResult<byte[]>.Fail(error.Error);
        }

        if (IsPng(bytes) || IsJpeg(bytes))
        {
            Log(path, WeChatErrorCodes.Ok, null, started);
            return WeChatResult<byte[]>.Ok(bytes);
        }

        return Malformed<byte[]>(path, $"body is neither an image nor JSON ({raw.Value.ContentType ?? "no content type"})");
    }

    private async Task<WeChatResult<RawResponse>> SendRawAsync(HttpMethod method, string path, string? query, object? body, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var url = _options.BaseUrl.TrimEnd('/') + path + (query is null ? "" : "?" + query);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, BodyJson));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutCts.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeoutCts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                _logger.LogWarning("WeChat {Path} answered HTTP {Status} in {ElapsedMs} ms", path, status, ElapsedMs(started));
                return WeChatResult<RawResponse>.Fail(new WeChatError(WeChatErrorCodes.ClientHttpError, $"HTTP {status}", WeChatErrorKind.Upstream) { HttpStatus = status });
            }

            return WeChatResult<RawResponse>.Ok(new RawResponse(bytes, response.Content.Headers.ContentType?.MediaType));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning("WeChat {Path} timed out after {ElapsedMs} ms", path, ElapsedMs(started));
            return WeChatResult<RawResponse>.Fail(new WeChatError(WeChatErrorCodes.ClientTimeout, $"no answer within {(long)timeout.TotalMilliseconds} ms", WeChatErrorKind.Timeout));
        }
        catch (HttpRequestException ex)
        {
            // The exception text could carry the URL in future runtimes: log its type and socket error only.
            _logger.LogWarning("WeChat {Path} failed: {ErrorType} {SocketError} after {ElapsedMs} ms", path, ex.GetType().Name, ex.HttpRequestError, ElapsedMs(started));
            return WeChatResult<RawResponse>.Fail(new WeChatError(WeChatErrorCodes.ClientNetworkError, $"network error: {ex.HttpRequestError}", WeChatErrorKind.Upstream));
        }
    }

    private WeChatResult<JsonElement> ParseJson(string path, byte[] bytes, long started)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Malformed<JsonElement>(path, "body is not JSON", started);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Malformed<JsonElement>(path, "body is not a JSON object", started);
        }

        var errCodeText = GetString(root, "errcode");
        int errCode;
        if (errCodeText is null)
        {
            errCode = WeChatErrorCodes.Ok;
        }
        else if (!int.TryParse(errCodeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out errCode))
        {
            return Malformed<JsonElement>(path, "errcode is not a number", started);
        }

        var errMsg = GetString(root, "errmsg") ?? "";
        if (errCode == WeChatErrorCodes.Ok)
        {
            Log(path, errCode, WeChatError.ExtractRid(errMsg), started);
            return WeChatResult<JsonElement>.Ok(root);
        }

        var error = new WeChatError(errCode, errMsg, KindOf(errCode))
        {
            Field = errCode == WeChatErrorCodes.DataFormatInvalid ? ExtractField(errMsg) : null,
        };
        Log(path, errCode, error.Rid, started);
        if (error.Kind == WeChatErrorKind.Configuration)
        {
            _logger.LogCritical("ALERT WeChat {Path} configuration error {ErrCode} rid {Rid}: check AppId, AppSecret and the IP whitelist", path, errCode, error.Rid);
        }

        return WeChatResult<JsonElement>.Fail(error);
    }

    public static WeChatErrorKind KindOf(int errCode) => errCode switch
    {
        WeChatErrorCodes.SystemBusy => WeChatErrorKind.Busy,
        WeChatErrorCodes.InvalidCode => WeChatErrorKind.InvalidCode,
        WeChatErrorCodes.CodeUsed => WeChatErrorKind.CodeUsed,
        WeChatErrorCodes.FrequencyLimited or WeChatErrorCodes.DailyQuotaReached => WeChatErrorKind.RateLimited,
        WeChatErrorCodes.HighRiskUser => WeChatErrorKind.Blocked,
        WeChatErrorCodes.InvalidAppId or WeChatErrorCodes.InvalidAppSecret or WeChatErrorCodes.IpNotWhitelisted or WeChatErrorCodes.InvalidTemplateId => WeChatErrorKind.Configuration,
        WeChatErrorCodes.InvalidCredential or WeChatErrorCodes.AccessTokenExpired or WeChatErrorCodes.InvalidAccessToken or WeChatErrorCodes.AccessTokenMissing => WeChatErrorKind.TokenInvalid,
        WeChatErrorCodes.UserRefused => WeChatErrorKind.Undeliverable,
        WeChatErrorCodes.DataFormatInvalid or WeChatErrorCodes.InvalidOpenId or WeChatErrorCodes.InvalidScene or WeChatErrorCodes.SceneTooLong
            or WeChatErrorCodes.PageMissing or WeChatErrorCodes.AppIdOpenIdMismatch => WeChatErrorKind.InvalidData,
        _ => WeChatErrorKind.Unknown,
    };

    /// <summary>47003's errmsg names the field, e.g. <c>argument invalid! data.thing1.value invalid</c>.</summary>
    public static string? ExtractField(string? errMsg)
    {
        if (string.IsNullOrEmpty(errMsg))
        {
            return null;
        }

        var match = FieldPattern().Match(errMsg);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"data\.([A-Za-z_]+[0-9]*)(\.value)?")]
    private static partial Regex FieldPattern();

    private void Log(string path, int errCode, string? rid, long started)
    {
        if (errCode == WeChatErrorCodes.Ok)
        {
            _logger.LogDebug("WeChat {Path} errcode {ErrCode} rid {Rid} in {ElapsedMs} ms", path, errCode, rid, ElapsedMs(started));
        }
        else
        {
            _logger.LogWarning("WeChat {Path} errcode {ErrCode} rid {Rid} in {ElapsedMs} ms", path, errCode, rid, ElapsedMs(started));
        }
    }

    private WeChatResult<T>? NotConfigured<T>()
    {
        var errors = _options.GetConfigurationErrors();
        if (errors.Count == 0)
        {
            return null;
        }

        var message = string.Join("; ", errors);
        _logger.LogCritical("ALERT WeChat client is not configured: {Problems}", message);
        return WeChatResult<T>.Fail(new WeChatError(WeChatErrorCodes.ClientNotConfigured, message, WeChatErrorKind.Configuration));
    }

    private WeChatResult<T> Malformed<T>(string path, string reason, long? started = null)
    {
        _logger.LogWarning("WeChat {Path} malformed answer: {Reason} in {ElapsedMs} ms", path, reason, started is { } s ? ElapsedMs(s) : null);
        return WeChatResult<T>.Fail(new WeChatError(WeChatErrorCodes.ClientMalformedResponse, reason, WeChatErrorKind.Malformed));
    }

    private static WeChatResult<T> Rejected<T>(string field, string problem) =>
        WeChatResult<T>.Fail(new WeChatError(WeChatErrorCodes.ClientRejected, problem, WeChatErrorKind.Rejected) { Field = field });

    /// <summary>Reads a string or number property as text; WeChat sends numbers as strings now and then.</summary>
    internal static string? GetString(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    private static bool IsPng(byte[] b) => b.Length >= 8 && b[0] == 0x89 && b[1] == 0x50 && b[2] == 0x4E && b[3] == 0x47 && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A;

    private static bool IsJpeg(byte[] b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private sealed record RawResponse(byte[] Body, string? ContentType);
}
