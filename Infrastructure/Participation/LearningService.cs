using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>An article as one reader sees it: the article and their reading of it, if any.</summary>
public sealed record ArticleView(Article Article, ArticleRead? Read);

/// <summary>A reading; with its article and the instant, the answer also says the seconds and quiz attempts left then.</summary>
public sealed record ReadView(ArticleRead Read, Article? Article = null, bool Created = false, DateTimeOffset At = default);

public sealed record NewArticle(ArticleKind Kind, string Title, string Body, int Points, int MinReadSeconds, Guid? CommunityId,
    string? QuizQuestion, IReadOnlyList<string>? QuizOptions, int? QuizAnswer);

/// <summary>
/// 我要学习: articles and draft regulations. Staff write and publish them in their scope; residents read them on a
/// server-side clock, answer the quiz, and earn the article's points once (through the earning rules and caps);
/// comments on draft regulations pass the content check, and staff moderate the ones it holds.
/// </summary>
public sealed class LearningService(PointsDbContext db, EarningService earning, IContentChecker checker, TimeProvider clock)
{
    public const string SourceType = "article";

    /// <summary>A community that is not the staff member's town's: a field error on <c>communityId</c>.</summary>
    public static readonly DomainError CommunityInvalid = DomainError.Validation("article.community_invalid", "村社不存在或不在本镇街");

    public static readonly DomainError CommentNotFound = DomainError.NotFound("comment.not_found", "留言不存在");

    public static string AwardKey(Guid articleId, Guid residentId) => $"learning:{articleId}:{residentId}";

    public async Task<IReadOnlyList<ArticleView>> ListAsync(Actor me, CancellationToken ct)
    {
        var query = db.Articles.AsNoTracking().Where(a => a.TownId == me.TownId);
        query = me.IsStaff
            ? query.Where(a => me.Role != Role.CommunityStaff || a.CommunityId == null || a.CommunityId == me.CommunityId)
            : query.Where(a => a.Status == ArticleStatus.Published && (a.CommunityId == null || a.CommunityId == me.CommunityId));
        var articles = await query.OrderByDescending(a => a.PublishedAt ?? a.CreatedAt).Take(200).ToListAsync(ct);
        var ids = articles.Select(a => a.Id).ToList();
        var reads = await db.ArticleReads.AsNoTracking().Where(r => r.ResidentId == me.Id && ids.Contains(r.ArticleId)).ToDictionaryAsync(r => r.ArticleId, ct);
        return [.. articles.Select(a => new ArticleView(a, reads.GetValueOrDefault(a.Id)))];
    }

    public async Task<Result<ArticleView>> GetAsync(Actor me, Guid id, CancellationToken ct)
    {
        if (await VisibleAsync(me, id, ct) is not { } article)
        {
            return LearningErrors.NotFound;
        }

        var read = await db.ArticleReads.AsNoTracking().FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        return new ArticleView(article, read);
    }

    public async Task<Result<Article>> CreateAsync(Actor me, NewArticle request, CancellationToken ct)
    {
        if (me.TownId is not { } townId)
        {
            return LearningErrors.OutOfScope;
        }

        var communityId = me.Role == Role.CommunityStaff ? me.CommunityId : request.CommunityId;
        if (communityId is { } c && !await db.Communities.AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return CommunityInvalid;
        }

        var created = Article.Create(Guid.CreateVersion7(), townId, communityId, request.Kind, request.Title, request.Body, request.Points, request.MinReadSeconds,
            string.IsNullOrWhiteSpace(request.QuizQuestion) ? null : request.QuizQuestion, request.QuizOptions, request.QuizAnswer, me.Id, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Articles.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public async Task<Result<Article>> PublishAsync(Actor me, Guid id, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null || article.TownId != me.TownId)
        {
            return LearningErrors.NotFound;
        }

        if (!CanManage(me, article))
        {
            return LearningErrors.OutOfScope;
        }

        var published = article.Publish(clock.GetUtcNow());
        if (!published.IsSuccess)
        {
            return published.Error;
        }

        await db.SaveChangesAsync(ct);
        return article;
    }

    /// <summary>Starts the server-side reading clock; opening again keeps the first time (<see cref="ReadView.Created"/> is false).</summary>
    public async Task<Result<ReadView>> OpenAsync(Actor me, Guid id, CancellationToken ct)
    {
        if (await VisibleAsync(me, id, ct) is null)
        {
            return LearningErrors.NotFound;
        }

        var existing = await db.ArticleReads.AsNoTracking().FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        if (existing is not null)
        {
            return new ReadView(existing);
        }

        var read = new ArticleRead(Guid.CreateVersion7(), id, me.Id, clock.GetUtcNow());
        db.ArticleReads.Add(read);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return new ReadView(await db.ArticleReads.AsNoTracking().FirstAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct));
        }

        return new ReadView(read, Created: true);
    }

    public async Task<Result<ReadView>> FinishAsync(Actor me, Guid id, CancellationToken ct)
    {
        if (await VisibleAsync(me, id, ct) is not { } article)
        {
            return LearningErrors.NotFound;
        }

        var read = await db.ArticleReads.FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        if (read is null)
        {
            return LearningErrors.NotOpened;
        }

        var now = clock.GetUtcNow();
        var finished = read.Finish(article, now);
        return finished.IsSuccess ? await CompleteAsync(article, read, byQuiz: false, now, ct) : finished.Error;
    }

    /// <summary>
    /// Answers the quiz. Answering first starts the reading clock, so the quiz alone never skips the reading time; a
    /// right answer before the time is up pays nothing yet (finishing later pays).
    /// </summary>
    public async Task<Result<ReadView>> AnswerAsync(Actor me, Guid id, int answer, CancellationToken ct)
    {
        if (await VisibleAsync(me, id, ct) is not { } article)
        {
            return LearningErrors.NotFound;
        }

        var now = clock.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var read = await db.ArticleReads.FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
            if (read is null)
            {
                read = new ArticleRead(Guid.CreateVersion7(), id, me.Id, now);
                db.ArticleReads.Add(read);
            }

            var answered = read.Answer(article, answer, now);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (attempt < 5 && (ex is DbUpdateConcurrencyException || DatabaseSetup.IsUniqueViolation(ex)))
            {
                // A parallel answer created the row or used an attempt first: decide again on what it stored.
                db.ChangeTracker.Clear();
                continue;
            }

            if (!answered.IsSuccess)
            {
                return answered.Error;
            }

            if (read.IsCompleted)
            {
                return new ReadView(read, article, At: now);
            }

            var finished = read.Finish(article, now);
            if (!finished.IsSuccess)
            {
                return finished.Error.Code == LearningErrors.TooFast.Code ? new ReadView(read, article, At: now) : finished.Error;
            }

            return await CompleteAsync(article, read, byQuiz: true, now, ct);
        }
    }

    /// <summary>A comment on a draft regulation; a blocked one is kept (for the record) and refused.</summary>
    public async Task<Result<ArticleComment>> CommentAsync(Actor me, Guid id, string text, CancellationToken ct)
    {
        if (await VisibleAsync(me, id, ct) is not { } article)
        {
            return LearningErrors.NotFound;
        }

        if (article.Kind != ArticleKind.DraftRegulation)
        {
            return LearningErrors.NotDraftRegulation;
        }

        var verdict = await checker.CheckAsync(text, me.Id, ContentScene.Comment, ct);
        var status = verdict.Verdict switch
        {
            ContentVerdict.Pass => CommentStatus.Accepted,
            ContentVerdict.Review => CommentStatus.PendingReview,
            _ => CommentStatus.Blocked,
        };
        var comment = new ArticleComment(Guid.CreateVersion7(), id, me.Id, text, status, clock.GetUtcNow());
        db.ArticleComments.Add(comment);
        await db.SaveChangesAsync(ct);
        return status == CommentStatus.Blocked ? LearningErrors.CommentBlocked : comment;
    }

    public async Task<Result<IReadOnlyList<ArticleComment>>> ListCommentsAsync(Actor me, Guid id, CommentStatus? status, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TownId == me.TownId, ct);
        if (article is null)
        {
            return LearningErrors.NotFound;
        }

        if (!CanManage(me, article))
        {
            return LearningErrors.OutOfScope;
        }

        var query = db.ArticleComments.AsNoTracking().Where(c => c.ArticleId == id);
        if (status is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        return await query.OrderBy(c => c.CreatedAt).Take(500).ToListAsync(ct);
    }

    public async Task<Result<ArticleComment>> ModerateAsync(Actor me, Guid commentId, bool accept, CancellationToken ct)
    {
        var comment = await db.ArticleComments.FirstOrDefaultAsync(c => c.Id == commentId, ct);
        var article = comment is null ? null : await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == comment.ArticleId && a.TownId == me.TownId, ct);
        if (comment is null || article is null)
        {
            return CommentNotFound;
        }

        if (!CanManage(me, article))
        {
            return LearningErrors.OutOfScope;
        }

        var moderated = comment.Moderate(accept, me.Id);
        if (!moderated.IsSuccess)
        {
            return moderated.Error;
        }

        await db.SaveChangesAsync(ct);
        return comment;
    }

    /// <summary>
    /// Awards first (idempotent per article and resident), then marks the read complete; when the
    /// daily cap refuses, the read stays open so the resident can finish it another day.
    /// </summary>
    private async Task<Result<ReadView>> CompleteAsync(Article article, ArticleRead read, bool byQuiz, DateTimeOffset now, CancellationToken ct)
    {
        // Persist the read row first (a quiz may have created it) so the ledger's own transaction cannot flush it half-way.
        await db.SaveChangesAsync(ct);
        var awarded = 0;
        if (article.Points > 0)
        {
            var award = await earning.AwardAsync(new EarnRequest(read.ResidentId, article.TownId, TransferReason.Learning, article.Points,
                AwardKey(article.Id, read.ResidentId), SourceType, article.Id.ToString(), TransferRequest.FitNote($"学习：{article.Title}")), ct);
            if (!award.IsSuccess)
            {
                return award.Error;
            }

            awarded = (int)award.Value.Entry.Points;
        }

        db.ChangeTracker.Clear();
        var tracked = await db.ArticleReads.FirstAsync(r => r.Id == read.Id, ct);
        if (!tracked.IsCompleted)
        {
            tracked.Complete(now, byQuiz, awarded);
            await db.SaveChangesAsync(ct);
        }

        return new ReadView(tracked);
    }

    private async Task<Article?> VisibleAsync(Actor me, Guid id, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null || article.TownId != me.TownId)
        {
            return null;
        }

        if (me.IsStaff)
        {
            return CanManage(me, article) || article.Status == ArticleStatus.Published ? article : null;
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        return user is not null && article.IsVisibleTo(user.TownId, user.CommunityId) ? article : null;
    }

    private static bool CanManage(Actor me, Article article) =>
        article.CommunityId is { } c ? me.CanAdminister(article.TownId, c) : me.CanAdministerTown(article.TownId);
}
