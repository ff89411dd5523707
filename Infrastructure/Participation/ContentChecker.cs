using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;

namespace Points.Infrastructure.Participation;

/// <summary>Pass: publish; Review: hold for a person (manual queue); Risky: refuse.</summary>
public enum ContentVerdict
{
    Pass,
    Review,
    Risky,
}

public sealed record ContentCheckResult(ContentVerdict Verdict, string? Label = null);

/// <summary>WeChat msg_sec_check's scene: what kind of text it is (1 profile, 2 comment, 3 forum post, 4 social log).</summary>
public enum ContentScene
{
    Profile = 1,
    Comment = 2,
    Forum = 3,
    SocialLog = 4,
}

/// <summary>
/// Checks resident-written text before staff or the public see it: the configured word lists, then WeChat
/// <c>msg_sec_check</c> (<see cref="WeChatContentChecker"/>).
/// </summary>
public interface IContentChecker
{
    Task<ContentCheckResult> CheckAsync(string text, Guid? authorId, ContentScene scene, CancellationToken ct);
}

public static class ContentErrors
{
    public static readonly DomainError Risky = DomainError.Unprocessable("content.risky", "内容未通过安全检查（含有违法违规信息），请修改后再提交");

    /// <summary>
    /// The one rule for resident text that only staff read (declarations, hazard reports, explanations, appeals):
    /// risky text is refused and nothing is stored; text WeChat wants a person to look at, or could not check, goes
    /// on, because a staff member reads it before anything comes of it.
    /// </summary>
    public static async Task<DomainError?> RefuseRiskyAsync(this IContentChecker checker, Guid authorId, ContentScene scene, CancellationToken ct, params string?[] texts)
    {
        foreach (var text in texts)
        {
            if (!string.IsNullOrWhiteSpace(text) && (await checker.CheckAsync(text, authorId, scene, ct)).Verdict == ContentVerdict.Risky)
            {
                return Risky;
            }
        }

        return null;
    }
}

/// <summary>The <c>ContentCheck:</c> section: words that block a text, and words that send it to a person.</summary>
public sealed class ContentCheckOptions
{
    public const string Section = "ContentCheck";

    public string[] Blocklist { get; set; } = ["赌博", "色情", "代开发票"];

    /// <summary>Links and contact handles are usually advertising: a person looks first.</summary>
    public string[] ReviewList { get; set; } = ["http://", "https://", "微信号"];
}

/// <summary>Passes everything except the configured words (case-insensitive substring match).</summary>
public sealed class BlocklistContentChecker(IOptions<ContentCheckOptions> options) : IContentChecker
{
    public Task<ContentCheckResult> CheckAsync(string text, Guid? authorId, ContentScene scene, CancellationToken ct)
    {
        var o = options.Value;
        if (o.Blocklist.FirstOrDefault(w => w.Length > 0 && text.Contains(w, StringComparison.OrdinalIgnoreCase)) is { } risky)
        {
            return Task.FromResult(new ContentCheckResult(ContentVerdict.Risky, risky));
        }

        if (o.ReviewList.FirstOrDefault(w => w.Length > 0 && text.Contains(w, StringComparison.OrdinalIgnoreCase)) is { } review)
        {
            return Task.FromResult(new ContentCheckResult(ContentVerdict.Review, review));
        }

        return Task.FromResult(new ContentCheckResult(ContentVerdict.Pass));
    }
}

/// <summary>
/// The word lists first (a blocked word never reaches WeChat), then WeChat <c>msg_sec_check</c> with the author's
/// openid, in pieces of at most <see cref="WeChatValidation.MaxTextCheckLength"/> characters; the worst piece decides.
/// WeChat's risky blocks; its review, an unchecked answer (61010) or a failed call hold the text for a person, never
/// publish it unchecked. An author without a WeChat openid (an account created by staff) keeps the word lists' verdict.
/// </summary>
public sealed partial class WeChatContentChecker(BlocklistContentChecker words, IWeChatClient wechat, PointsDbContext db, ILogger<WeChatContentChecker> logger) : IContentChecker
{
    public async Task<ContentCheckResult> CheckAsync(string text, Guid? authorId, ContentScene scene, CancellationToken ct)
    {
        var local = await words.CheckAsync(text, authorId, scene, ct);
        if (local.Verdict == ContentVerdict.Risky || authorId is not { } author)
        {
            return local;
        }

        var openId = await db.Users.AsNoTracking().Where(u => u.Id == author).Select(u => u.WeChatOpenId).FirstOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(openId))
        {
            return local;
        }

        var verdict = local;
        for (var start = 0; start < text.Length; start += WeChatValidation.MaxTextCheckLength)
        {
            var piece = text.Substring(start, Math.Min(WeChatValidation.MaxTextCheckLength, text.Length - start));
            var checkedPiece = await wechat.CheckTextAsync(openId, (int)scene, piece, ct);
            if (!checkedPiece.IsSuccess)
            {
                LogCheckFailed(logger, checkedPiece.Error.ErrCode);
                verdict = new ContentCheckResult(ContentVerdict.Review, "wechat-unavailable");
                continue;
            }

            switch (checkedPiece.Value.Decision)
            {
                case ContentDecision.Block:
                    return new ContentCheckResult(ContentVerdict.Risky, $"wechat:{checkedPiece.Value.Label}");
                case ContentDecision.ManualReview:
                    verdict = new ContentCheckResult(ContentVerdict.Review, $"wechat:{checkedPiece.Value.Label}");
                    break;
            }
        }

        return verdict;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "msg_sec_check failed (errcode {ErrCode}); the text is held for a person")]
    private static partial void LogCheckFailed(ILogger logger, int errCode);
}
