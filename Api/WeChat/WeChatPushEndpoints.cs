using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;
using Points.Infrastructure.WeChat.Push;

namespace Points.Api.WeChat;

/// <summary>
/// WeChat's message push (消息推送). Anonymous on purpose: WeChat authenticates itself by signature
/// (<c>WeChat:PushToken</c>) and, in safe mode, by encrypting with <c>WeChat:EncodingAesKey</c>.
/// </summary>
public static class WeChatPushEndpoints
{
    public const string Success = "success";

    public static RouteGroupBuilder MapWeChatPush(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wechat/push").WithTags("WeChat").AllowAnonymous();
        group.MapGet("/", VerifyUrl).WithName(nameof(VerifyUrl)).WithSummary("微信消息推送服务器地址校验：签名正确时原样返回 echostr");
        group.MapGet("/media/{token}", MediaAsync).WithName(nameof(MediaAsync)).WithSummary("供微信内容安全检测下载图片：带时效的不可猜测链接");
        group.MapPost("/", ReceiveAsync).WithName(nameof(ReceiveAsync)).WithSummary("微信消息推送（安全模式）：验签、解密、去重后处理，回复 success");
        return group;
    }

    public static Results<ContentHttpResult, ProblemHttpResult> VerifyUrl(
        [FromQuery] string? signature, [FromQuery] string? timestamp, [FromQuery] string? nonce, [FromQuery] string? echostr,
        IOptions<WeChatOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.PushToken))
        {
            return Problem(PushOutcome.NotConfigured);
        }

        if (string.IsNullOrEmpty(echostr))
        {
            return Problem(PushOutcome.Malformed);
        }

        return WeChatCrypto.VerifyUrlSignature(o.PushToken, timestamp ?? "", nonce ?? "", signature ?? "", clock.GetUtcNow(), o.PushMaxAge) switch
        {
            SignatureCheck.Valid => TypedResults.Text(echostr, "text/plain"),
            SignatureCheck.Mismatch => Problem(PushOutcome.BadSignature),
            SignatureCheck.StaleTimestamp => Problem(PushOutcome.Stale),
            _ => Problem(PushOutcome.Malformed),
        };
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, [FromQuery] string? timestamp, [FromQuery] string? nonce, [FromQuery(Name = "msg_signature")] string? msgSignature,
        [FromQuery(Name = "encrypt_type")] string? encryptType, WeChatPushProcessor processor, CancellationToken ct)
    {
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(ct);
        }

        var outcome = await processor.ProcessAsync(new PushQuery(timestamp, nonce, msgSignature, encryptType), body, ct);
        return outcome is PushOutcome.Processed or PushOutcome.Duplicate ? TypedResults.Text(Success, "text/plain") : Problem(outcome);
    }

    /// <summary>The image WeChat's media check downloads; the token (AES-GCM, 1 hour) is the only credential.</summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> MediaAsync(
        string token, UploadMediaCheck mediaCheck, PointsDbContext db, IFileStorage storage, HttpResponse response, CancellationToken ct)
    {
        var notFound = Problems.NotFound("upload.not_found", "图片不存在");
        if (mediaCheck.ReadToken(token) is not { } uploadId)
        {
            return notFound;
        }

        var upload = await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == uploadId, ct);
        if (upload is null || await storage.OpenReadAsync(upload.StorageKey, ct) is not { } stream)
        {
            return notFound;
        }

        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, upload.ContentType);
    }

    private static ProblemHttpResult Problem(PushOutcome outcome) => Problems.From(outcome switch
    {
        PushOutcome.NotConfigured => DomainError.NotFound("wechat.push_not_configured", "未配置微信消息推送"),
        PushOutcome.BadSignature => new DomainError("wechat.push_signature_invalid", "消息签名无效", ErrorKind.Unauthorized),
        PushOutcome.Stale => new DomainError("wechat.push_stale", "消息时间戳已过期", ErrorKind.Unauthorized),
        PushOutcome.WrongApp => DomainError.Forbidden("wechat.push_wrong_app", "消息不属于本小程序"),
        PushOutcome.Undecryptable => DomainError.Validation("wechat.push_undecryptable", "消息无法解密"),
        _ => DomainError.Validation("wechat.push_malformed", "消息格式不正确"),
    });
}
