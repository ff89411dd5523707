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
