using Points.Domain.Common;
using Points.Infrastructure.WeChat;

namespace Points.Api.WeChat;

/// <summary>A mini-program code image and when its check-in token expires.</summary>
public sealed record MiniProgramCode(byte[] Image, string ContentType, DateTimeOffset ExpiresAt);

/// <summary>
/// A real mini-program code (getwxacodeunlimit) for checking in: WeChat's scanner opens
/// <c>WeChat:CheckInPage</c> with a short check-in token (<see cref="CheckInSceneTokens"/>) as <c>scene</c>,
/// which the page posts to <c>POST /api/activities/{id}/checkins</c> as its code. The route
/// <c>GET /api/activities/{id}/checkin-code?kind=miniprogram</c> checks the activity and the caller's scope, then
/// asks for the image here and writes it.
/// </summary>
public static class CheckInMiniProgramCodes
{
    public const int CodeWidth = 430;

    public static async Task<Result<MiniProgramCode>> IssueAsync(
        Guid activityId, IWeChatClient weChat, CheckInSceneTokens tokens, WeChatOptions options, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (token, expiresAt) = tokens.Issue(activityId, now);
        var image = await weChat.GetUnlimitedQrCodeAsync(token, options.CheckInPage, CodeWidth, ct);
        if (!image.IsSuccess)
        {
            return QrCodeError(image.Error);
        }

        var contentType = image.Value is [0xFF, 0xD8, ..] ? "image/jpeg" : "image/png";
        return new MiniProgramCode(image.Value, contentType, expiresAt);
    }

    public static DomainError QrCodeError(WeChatError error) => error.Kind switch
    {
        WeChatErrorKind.RateLimited => new DomainError("wechat.rate_limited", "生成小程序码过于频繁，请稍后再试", ErrorKind.TooManyRequests),
        WeChatErrorKind.Rejected => DomainError.Unprocessable("wechat.qrcode_rejected", "小程序码参数不正确，请检查签到页面配置").With("field", error.Field),
        _ when error.ErrCode == WeChatErrorCodes.PageMissing => new DomainError("wechat.qrcode_page_missing", "签到页面尚未发布，无法生成小程序码", ErrorKind.Unavailable),
        _ => new DomainError("wechat.unavailable", "微信服务暂时繁忙，请稍后再试", ErrorKind.Unavailable).With("errcode", error.ErrCode),
    };
}
