namespace Points.Infrastructure.WeChat;

/// <summary>Configuration section <c>WeChat</c>.</summary>
public sealed class WeChatOptions
{
    public const string SectionName = "WeChat";

    /// <summary>Production <c>https://api.weixin.qq.com</c>; empty in Development selects the stand-in client.</summary>
    public string BaseUrl { get; set; } = "";

    public string AppId { get; set; } = "";

    public string AppSecret { get; set; } = "";

    /// <summary>Applied per request through a linked CancellationToken (HttpClient.Timeout is switched off).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of errcode -1 (system busy) on calls that do not consume a one-time code.</summary>
    public int BusyRetryCount { get; set; } = 3;

    public TimeSpan BusyRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan BusyRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Prefix of the shared token keys: <c>{prefix}{appid}:token</c>. Tests use one prefix per test.</summary>
    public string TokenKeyPrefix { get; set; } = "wx:";

    /// <summary>Lease of the distributed refresh lock; longer than a token request with its busy retries.</summary>
    public TimeSpan TokenLockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a caller waits for another instance's refresh before giving up with Busy.</summary>
    public TimeSpan TokenLockWait { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ForceRefreshMinInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int ForceRefreshDailyLimit { get; set; } = 20;

    /// <summary>getwxacodeunlimit <c>check_path</c>; false lets unpublished pages get codes (trial versions).</summary>
    public bool QrCheckPath { get; set; } = true;

    /// <summary>getwxacodeunlimit <c>env_version</c>: release, trial or develop.</summary>
    public string QrEnvVersion { get; set; } = "release";

    /// <summary>Message push (消息推送) Token configured in the mini-program console; empty disables the push endpoint.</summary>
    public string PushToken { get; set; } = "";

    /// <summary>Message push EncodingAESKey (43 characters) for safe mode.</summary>
    public string EncodingAesKey { get; set; } = "";

    /// <summary>Pushes whose timestamp is further than this from our clock are refused (replays).</summary>
    public TimeSpan PushMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a legacy <c>encryptedData</c> watermark may be.</summary>
    public TimeSpan UserDataMaxAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Mini-program page a check-in code opens (no leading '/'), e.g. <c>pages/checkin/index</c>.</summary>
    public string CheckInPage { get; set; } = "pages/checkin/index";

    /// <summary>Our public https origin (e.g. <c>https://points.example.gov.cn</c>): WeChat downloads images to check from it.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>media_check_async scene: 1 profile, 2 comment, 3 forum, 4 social log.</summary>
    public int MediaCheckScene { get; set; } = 3;

    /// <summary>How long the token in a check-in mini-program code stays valid (scan, launch and sign-in take a while).</summary>
    public TimeSpan CheckInCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Subscribe-message template id per notification kind (<c>WeChat:Templates:ActivityReminder</c> …).</summary>
    public Dictionary<string, string> Templates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Page a subscribe message about an activity opens; <c>?id=</c> is appended.</summary>
    public string ActivityPage { get; set; } = "pages/activity/detail";

    /// <summary>subscribe/send <c>miniprogram_state</c>: formal, trial or developer.</summary>
    public string MiniProgramState { get; set; } = "formal";

    /// <summary>
    /// Problems that switch WeChat's image check off: it downloads each upload from <see cref="PublicBaseUrl"/>
    /// and answers by push, so both must be set. Empty when the check can run.
    /// </summary>
    public IReadOnlyList<string> GetModerationConfigurationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(PublicBaseUrl))
        {
            errors.Add("WeChat:PublicBaseUrl is not set (WeChat downloads every uploaded image from it to check it)");
        }
        else if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("WeChat:PublicBaseUrl is not an absolute http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(PushToken))
        {
            errors.Add("WeChat:PushToken is not set (WeChat sends its verdict on each image as a push)");
        }

        return errors;
    }

    /// <summary>Problems in the push settings (only when a PushToken is set), empty when usable.</summary>
    public IReadOnlyList<string> GetPushConfigurationErrors()
    {
        if (string.IsNullOrEmpty(PushToken))
        {
            return [];
        }

        var errors = new List<string>();
        if (PushToken.Length is < 3 or > 32 || !PushToken.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("WeChat:PushToken must be 3-32 letters or digits");
        }

        if (EncodingAesKey is not { Length: 43 } || !EncodingAesKey.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("WeChat:EncodingAesKey must be 43 letters or digits (safe mode)");
        }

        return errors;
    }

    /// <summary>Problems that make the real client unusable; empty when configured. The app validates at startup.</summary>
    public IReadOnlyList<string> GetConfigurationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BaseUrl))
        {
            errors.Add("WeChat:BaseUrl is not configured");
        }
        else if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("WeChat:BaseUrl is not an absolute http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(AppId))
        {
            errors.Add("WeChat:AppId is not configured");
        }

        if (string.IsNullOrWhiteSpace(AppSecret))
        {
            errors.Add("WeChat:AppSecret is not configured");
        }

        return errors;
    }

    public override string ToString() => $"WeChatOptions {{ BaseUrl = {BaseUrl}, AppId = {AppId}, AppSecret = *** }}";
}
