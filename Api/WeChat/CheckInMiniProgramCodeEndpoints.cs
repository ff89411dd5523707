using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Infrastructure.WeChat;

namespace Points.Api.WeChat;

/// <summary>
/// A real mini-program code (getwxacodeunlimit) for checking in: WeChat's scanner opens
/// <c>WeChat:CheckInPage</c> with a short check-in token (<see cref="CheckInSceneTokens"/>) as <c>scene</c>,
/// which the page posts to <c>POST /api/activities/{id}/checkins</c> as its code. Served by
/// <c>GET /api/activities/{id}/checkin-code?kind=miniprogram</c> after the activity's existence and the
/// caller's scope are checked there.
/// </summary>
public static class CheckInMiniProgramCodeEndpoints
{
    public const int CodeWidth = 430;

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MiniProgramCodeAsync(
        Guid activityId, IWeChatClient weChat, CheckInSceneTokens tokens, WeChatOptions options, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(response);
        var (token, expiresAt) = tokens.Issue(activityId, clock.GetUtcNow());
        var image = await weChat.GetUnlimitedQrCodeAsync(token, options.CheckInPage, CodeWidth, ct);
        if (!image.IsSuccess)
        {
            return Problems.From(QrCodeError(image.Error));
        }

        response.Headers.CacheControl = "no-store";
        response.Headers["X-CheckIn-Expires-At"] = expiresAt.ToOffset(ShanghaiTime.Offset).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var contentType = image.Value is [0xFF, 0xD8, ..] ? "image/jpeg" : "image/png";
        return TypedResults.File(image.Value, contentType);
    }

    public static DomainError QrCodeError(WeChatError error) => error.Kind switch
    {
        WeChatErrorKind.RateLimited => new DomainError("wechat.rate_limited", "生成小程序码过于频繁，请稍后再试", ErrorKind.TooManyRequests),
        WeChatErrorKind.Rejected => DomainError.Unprocessable("wechat.qrcode_rejected", "小程序码参数不正确，请检查签到页面配置").With("field", error.Field),
        _ when error.ErrCode == WeChatErrorCodes.PageMissing => new DomainError("wechat.qrcode_page_missing", "签到页面尚未发布，无法生成小程序码", ErrorKind.Unavailable),
        _ => new DomainError("wechat.unavailable", "微信服务暂时繁忙，请稍后再试", ErrorKind.Unavailable).With("errcode", error.ErrCode),
    };
}
