namespace Points.Infrastructure.WeChat;

/// <summary>
/// errcode values we act on. errcode stays an int: WeChat adds codes without notice.
/// Negative values below -1000 are produced by this client, never by WeChat.
/// </summary>
public static class WeChatErrorCodes
{
    public const int Ok = 0;
    public const int SystemBusy = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidOpenId = 40003;
    public const int InvalidAppId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int InvalidCode = 40029;
    public const int InvalidTemplateId = 40037;
    public const int InvalidAppSecret = 40125;
    public const int InvalidScene = 40129;
    public const int CodeUsed = 40163;
    public const int IpNotWhitelisted = 40164;
    public const int SceneTooLong = 40169;
    public const int HighRiskUser = 40226;
    public const int AccessTokenMissing = 41001;
    public const int PageMissing = 41030;
    public const int AccessTokenExpired = 42001;
    public const int UserRefused = 43101;
    public const int AppIdOpenIdMismatch = 43104;
    public const int DailyQuotaReached = 45009;
    public const int FrequencyLimited = 45011;
    public const int DataFormatInvalid = 47003;
    public const int UserVisitTooOld = 61010;

    public const int ClientTimeout = -1001;
    public const int ClientMalformedResponse = -1002;
    public const int ClientHttpError = -1003;
    public const int ClientNetworkError = -1004;
    public const int ClientRejected = -1005;
    public const int ClientNotConfigured = -1006;
    public const int ClientSessionStale = -1007;
    public const int ClientWatermarkMismatch = -1008;
    public const int ClientWatermarkStale = -1009;
    public const int ClientTokenLockTimeout = -1010;
    public const int ClientForceRefreshLimited = -1011;

    /// <summary>Token rejections after which the token is renewed and the call retried once.</summary>
    public static bool IsRenewableTokenError(int errCode) =>
        errCode is InvalidCredential or AccessTokenExpired or InvalidAccessToken;

    /// <summary>Codes that mean our deployment is misconfigured: never retried, logged at alert level.</summary>
    public static bool IsConfigurationError(int errCode) =>
        errCode is InvalidAppId or InvalidAppSecret or IpNotWhitelisted;
}
