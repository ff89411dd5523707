using System.Text.RegularExpressions;

namespace Points.Infrastructure.WeChat;

public enum WeChatErrorKind
{
    /// <summary>An errcode this client has no specific handling for.</summary>
    Unknown,
    InvalidCode,
    CodeUsed,
    RateLimited,
    Busy,
    Blocked,
    Configuration,
    TokenInvalid,
    Undeliverable,
    InvalidData,
    Malformed,
    Timeout,

    /// <summary>HTTP error status or network failure.</summary>
    Upstream,

    /// <summary>Refused by client-side validation before any request was sent.</summary>
    Rejected,

    /// <summary>encryptedData no longer decrypts: the user signed in again, ask them to sign in again.</summary>
    SessionStale,
}

/// <summary>A failed WeChat call. <see cref="Rid"/> is the <c>rid:</c> suffix of errmsg that WeChat support asks for.</summary>
public sealed partial record WeChatError(int ErrCode, string ErrMsg, WeChatErrorKind Kind)
{
    public string? Rid { get; } = ExtractRid(ErrMsg);

    /// <summary>The offending field: from 47003's errmsg, or the field refused by client-side validation.</summary>
    public string? Field { get; init; }

    /// <summary>HTTP status when <see cref="Kind"/> is <see cref="WeChatErrorKind.Upstream"/>.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>WeChat may succeed later (busy, rate limit, network, timeout).</summary>
    public bool IsTransient => Kind is WeChatErrorKind.Busy or WeChatErrorKind.RateLimited or WeChatErrorKind.Timeout or WeChatErrorKind.Upstream;

    public static string? ExtractRid(string? errMsg)
    {
        if (string.IsNullOrEmpty(errMsg))
        {
            return null;
        }

        var match = RidPattern().Match(errMsg);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"rid:\s*([0-9A-Za-z\-_]+)")]
    private static partial Regex RidPattern();
}
