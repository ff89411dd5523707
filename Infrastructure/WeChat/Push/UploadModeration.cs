using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Points.Domain.Participation;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.WeChat.Push;

/// <summary>
/// Applies a media-check verdict to the upload carrying its trace_id: pass → Pass, review → Review
/// (waits for staff), risky → Risky (hidden from everyone). Runs inside the push transaction.
/// </summary>
public sealed class UploadModerationVerdictHandler(PointsDbContext db, ILogger<UploadModerationVerdictHandler> logger) : IMediaCheckVerdictHandler
{
    public async Task HandleAsync(MediaCheckVerdict verdict, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var uploads = await db.Uploads.Where(u => u.MediaCheckTraceId == verdict.TraceId).ToListAsync(ct);
        if (uploads.Count == 0)
        {
            logger.LogWarning("media check {TraceId}: no upload carries this trace id", verdict.TraceId);
            return;
        }

        var status = verdict.Suggest switch
        {
            MediaCheckSuggest.Pass => ModerationStatus.Pass,
            MediaCheckSuggest.Risky => ModerationStatus.Risky,
            _ => ModerationStatus.Review,
        };
        foreach (var upload in uploads)
        {
            upload.SetModeration(status);
        }

        logger.LogInformation("media check {TraceId}: {Count} upload(s) now {Status} (label {Label})", verdict.TraceId, uploads.Count, status, verdict.Label);
    }
}

/// <summary>
/// Sends a stored upload to WeChat's asynchronous image check. WeChat downloads the image itself, so it
/// gets an unguessable, expiring URL under <c>WeChat:PublicBaseUrl</c> (AES-GCM token naming the upload).
/// Failures leave the upload Pending (visible, as before the check existed) and are logged, never thrown.
/// </summary>
public sealed partial class UploadMediaCheck(IWeChatClient weChat, PersonalDataProtector protector, IOptions<WeChatOptions> options, TimeProvider clock, ILogger<UploadMediaCheck> logger)
{
    public const string MediaPath = "/api/wechat/push/media/";
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromHours(1);
    private const string Purpose = "wechat-media-url";

    public async Task RequestAsync(PointsDbContext db, Upload upload, string? openId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(upload);
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        if (string.IsNullOrEmpty(openId) || string.IsNullOrEmpty(baseUrl))
        {
            // Staff have no openid (their uploads are not checked); without a public URL WeChat cannot fetch.
            LogSkipped(logger, upload.Id, string.IsNullOrEmpty(openId) ? "uploader has no WeChat openid" : "WeChat:PublicBaseUrl is not set");
            return;
        }

        var url = baseUrl + MediaPath + IssueToken(upload.Id, clock.GetUtcNow() + UrlLifetime);
        var result = await weChat.CheckImageAsync(openId, options.Value.MediaCheckScene, url, ct);
        if (!result.IsSuccess)
        {
            LogFailed(logger, upload.Id, result.Error.ErrCode, result.Error.Rid);
            return;
        }

        upload.RecordMediaCheck(result.Value);
        await db.SaveChangesAsync(ct);
    }

    public string IssueToken(Guid uploadId, DateTimeOffset expiresAt) =>
        protector.Protect($"{uploadId:N}:{expiresAt.ToUnixTimeSeconds()}", Purpose, Guid.Empty);

    /// <summary>The upload a token names while it is fresh, else null.</summary>
    public Guid? ReadToken(string? token)
    {
        if (protector.Unprotect(token, Purpose, Guid.Empty) is not { } text || text.Split(':') is not [var id, var expires]
            || !Guid.TryParseExact(id, "N", out var uploadId) || !long.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds) >= clock.GetUtcNow() ? uploadId : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "upload {UploadId}: media check skipped ({Reason})")]
    private static partial void LogSkipped(ILogger logger, Guid uploadId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upload {UploadId}: media check request failed, errcode {ErrCode} rid {Rid}; stays Pending")]
    private static partial void LogFailed(ILogger logger, Guid uploadId, int errCode, string? rid);
}
