using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record CreateArticleRequest(
    [property: Required(ErrorMessage = "请选择类型")]
    ArticleKind? Kind,
    [property: Required(ErrorMessage = "请填写标题")]
    [property: StringLength(Article.TitleMaxLength, ErrorMessage = "标题不超过100字")]
    string? Title,
    [property: Required(ErrorMessage = "请填写正文")]
    [property: StringLength(Article.BodyMaxLength, ErrorMessage = "正文不超过20000字")]
    string? Body,
    [property: Range(0, Article.MaxPoints, ErrorMessage = "积分须在 0 到 100 之间")]
    int Points,
    [property: Range(0, Article.MaxReadSeconds, ErrorMessage = "最短阅读时间须在 0 到 3600 秒之间")]
    int MinReadSeconds,
    Guid? CommunityId,
    [property: StringLength(Article.QuizQuestionMaxLength, ErrorMessage = "题目不超过200字")]
    string? QuizQuestion,
    IReadOnlyList<string>? QuizOptions,
    int? QuizAnswer);

public sealed record QuizAnswerRequest(
    [property: Required(ErrorMessage = "请选择答案")]
    int? Answer);

public sealed record CommentRequest(
    [property: Required(ErrorMessage = "请填写意见")]
    [property: StringLength(ArticleComment.TextMaxLength, MinimumLength = 1, ErrorMessage = "意见不超过1000字")]
    string? Text);

public sealed record ModerateCommentRequest(bool Accept);

/// <summary>Where a resident's reading stands: points come once the reading time and (if any) the quiz are both done.</summary>
public sealed record ReadStateResponse(DateTimeOffset OpenedAt, DateTimeOffset? CompletedAt, bool ByQuiz, int? AwardedPoints, bool QuizPassed = false, int QuizAttemptsLeft = 0, int? SecondsLeft = null);

public sealed record ArticleResponse(
    Guid Id, ArticleKind Kind, string Title, string? Body, int Points, int MinReadSeconds, Guid? CommunityId, ArticleStatus Status,
    DateTimeOffset? PublishedAt, string? QuizQuestion, IReadOnlyList<string>? QuizOptions, ReadStateResponse? MyRead);

public sealed record CommentResponse(Guid Id, Guid ArticleId, Guid ResidentId, string Text, CommentStatus Status, DateTimeOffset CreatedAt);

public static class LearningEndpoints
{
    public const string SourceType = "article";

    public static string AwardKey(Guid articleId, Guid residentId) => $"learning:{articleId}:{residentId}";

    public static void MapLearning(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/articles").WithTags("Learning").RequireAuthorization();
        group.MapGet("/", ListArticlesAsync).WithName(nameof(ListArticlesAsync)).WithSummary("我要学习：文章与立法意见征集稿");
        group.MapGet("/{id:guid}", GetArticleAsync).WithName(nameof(GetArticleAsync)).WithSummary("文章详情");
        group.MapPost("/", CreateArticleAsync).WithName(nameof(CreateArticleAsync)).WithSummary("新建文章或立法意见征集稿（草稿）")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:guid}/publish", PublishArticleAsync).WithName(nameof(PublishArticleAsync)).WithSummary("发布")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:guid}/reads", OpenArticleAsync).WithName(nameof(OpenArticleAsync)).WithSummary("开始阅读（服务器计时）")
            .RequireAuthorization(Policies.Resident);
        group.MapPost("/{id:guid}/reads/finish", FinishReadingAsync).WithName(nameof(FinishReadingAsync)).WithSummary("完成阅读：达到最短阅读时间得积分，每篇一次，受每日上限约束")
            .RequireAuthorization(Policies.Resident);
        group.MapPost("/{id:guid}/quiz", AnswerQuizAsync).WithName(nameof(AnswerQuizAsync)).WithSummary("答题得积分（每篇一次）")
            .RequireAuthorization(Policies.Resident);
        group.MapPost("/{id:guid}/comments", CommentAsync).WithName(nameof(CommentAsync)).WithSummary("对立法意见征集稿留言（经内容安全检查）")
            .RequireAuthorization(Policies.Resident);
        group.MapGet("/{id:guid}/comments", ListCommentsAsync).WithName(nameof(ListCommentsAsync)).WithSummary("收集到的意见（工作人员）")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/comments/{commentId:guid}/moderate", ModerateCommentAsync).WithName(nameof(ModerateCommentAsync)).WithSummary("人工审核待定留言")
            .RequireAuthorization(Policies.Staff);
    }

    public static async Task<Ok<List<ArticleResponse>>> ListArticlesAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var query = db.Articles.AsNoTracking().Where(a => a.TownId == me.TownId);
        query = me.IsStaff
            ? query.Where(a => me.Role != Role.CommunityStaff || a.CommunityId == null || a.CommunityId == me.CommunityId)
            : query.Where(a => a.Status == ArticleStatus.Published && (a.CommunityId == null || a.CommunityId == me.CommunityId));
        var articles = await query.OrderByDescending(a => a.PublishedAt ?? a.CreatedAt).Take(200).ToListAsync(ct);
        var ids = articles.Select(a => a.Id).ToList();
        var reads = await db.ArticleReads.AsNoTracking().Where(r => r.ResidentId == me.Id && ids.Contains(r.ArticleId)).ToDictionaryAsync(r => r.ArticleId, ct);
        return TypedResults.Ok(articles.Select(a => ToResponse(a, reads.GetValueOrDefault(a.Id), includeBody: false)).ToList());
    }

    public static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> GetArticleAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var article = await VisibleAsync(db, id, me, ct);
        if (article is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        var read = await db.ArticleReads.AsNoTracking().FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        return TypedResults.Ok(ToResponse(article, read, includeBody: true));
    }

    public static async Task<Results<Created<ArticleResponse>, ProblemHttpResult, ValidationProblem>> CreateArticleAsync(
        CreateArticleRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.From(LearningErrors.OutOfScope);
        }

        var communityId = me.Role == Role.CommunityStaff ? me.CommunityId : request.CommunityId;
        if (communityId is { } c && !await db.Communities.AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return Problems.Validation("communityId", "村社不存在或不在本镇街");
        }

        var created = Article.Create(Guid.CreateVersion7(), townId, communityId, request.Kind!.Value, request.Title!, request.Body!, request.Points, request.MinReadSeconds,
            string.IsNullOrWhiteSpace(request.QuizQuestion) ? null : request.QuizQuestion, request.QuizOptions, request.QuizAnswer, me.Id, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        db.Articles.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/articles/{created.Value.Id}", ToResponse(created.Value, null, includeBody: true));
    }

    public static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> PublishArticleAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null || article.TownId != me.TownId)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        if (!CanManage(me, article))
        {
            return Problems.From(LearningErrors.OutOfScope);
        }

        var published = article.Publish(clock.GetUtcNow());
        if (!published.IsSuccess)
        {
            return Problems.From(published.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(article, null, includeBody: true));
    }

    /// <summary>Starts the server-side reading clock; opening again keeps the first time.</summary>
    public static async Task<Results<Created<ReadStateResponse>, Ok<ReadStateResponse>, ProblemHttpResult>> OpenArticleAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await VisibleAsync(db, id, me, ct) is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        var existing = await db.ArticleReads.AsNoTracking().FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        if (existing is not null)
        {
            return TypedResults.Ok(ToRead(existing));
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
            return TypedResults.Ok(ToRead(await db.ArticleReads.AsNoTracking().FirstAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct)));
        }

        return TypedResults.Created($"/api/articles/{id}", ToRead(read));
    }

    public static async Task<Results<Ok<ReadStateResponse>, ProblemHttpResult>> FinishReadingAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, EarningService earning, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var article = await VisibleAsync(db, id, me, ct);
        if (article is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        var read = await db.ArticleReads.FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
        if (read is null)
        {
            return Problems.From(LearningErrors.NotOpened);
        }

        var now = clock.GetUtcNow();
        var finished = read.Finish(article, now);
        return finished.IsSuccess ? await CompleteAsync(db, earning, article, read, byQuiz: false, now, ct) : Problems.From(finished.Error);
    }

    public static async Task<Results<Ok<ReadStateResponse>, ProblemHttpResult, ValidationProblem>> AnswerQuizAsync(
        Guid id, QuizAnswerRequest request, ClaimsPrincipal principal, PointsDbContext db, EarningService earning, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var article = await VisibleAsync(db, id, me, ct);
        if (article is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        var now = clock.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var read = await db.ArticleReads.FirstOrDefaultAsync(r => r.ArticleId == id && r.ResidentId == me.Id, ct);
            if (read is null)
            {
                // Answering first starts the reading clock: the quiz alone never skips the reading time.
                read = new ArticleRead(Guid.CreateVersion7(), id, me.Id, now);
                db.ArticleReads.Add(read);
            }

            var answered = read.Answer(article, request.Answer!.Value, now);
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
                return Problems.From(answered.Error);
            }

            if (read.IsCompleted)
            {
                return TypedResults.Ok(ToRead(read, article, now));
            }

            var finished = read.Finish(article, now);
            if (!finished.IsSuccess)
            {
                // Passed, but the reading time is not over: nothing is paid yet; finishing later pays.
                return finished.Error.Code == LearningErrors.TooFast.Code ? TypedResults.Ok(ToRead(read, article, now)) : Problems.From(finished.Error);
            }

            var result = await CompleteAsync(db, earning, article, read, byQuiz: true, now, ct);
            return result.Result switch
            {
                Ok<ReadStateResponse> ok => ok,
                ProblemHttpResult problem => problem,
                _ => throw new InvalidOperationException("unexpected result"),
            };
        }
    }

    public static async Task<Results<Created<CommentResponse>, ProblemHttpResult, ValidationProblem>> CommentAsync(
        Guid id, CommentRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var article = await VisibleAsync(db, id, me, ct);
        if (article is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        if (article.Kind != ArticleKind.DraftRegulation)
        {
            return Problems.From(LearningErrors.NotDraftRegulation);
        }

        var text = request.Text!.Trim();
        if (text.Length == 0)
        {
            return Problems.Validation("text", "请填写意见");
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
        if (status == CommentStatus.Blocked)
        {
            return Problems.From(LearningErrors.CommentBlocked);
        }

        return TypedResults.Created($"/api/articles/{id}/comments", ToResponse(comment));
    }

    public static async Task<Results<Ok<List<CommentResponse>>, ProblemHttpResult, ValidationProblem>> ListCommentsAsync(
        Guid id, string? status, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<CommentStatus>(status, out var parsed))
        {
            return Problems.Validation("status", "状态不正确");
        }

        var me = principal.Me();
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TownId == me.TownId, ct);
        if (article is null)
        {
            return Problems.From(LearningErrors.NotFound);
        }

        if (!CanManage(me, article))
        {
            return Problems.From(LearningErrors.OutOfScope);
        }

        var query = db.ArticleComments.AsNoTracking().Where(c => c.ArticleId == id);
        if (parsed is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        var comments = await query.OrderBy(c => c.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(comments.Select(ToResponse).ToList());
    }

    public static async Task<Results<Ok<CommentResponse>, ProblemHttpResult>> ModerateCommentAsync(
        Guid commentId, ModerateCommentRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var comment = await db.ArticleComments.FirstOrDefaultAsync(c => c.Id == commentId, ct);
        var article = comment is null ? null : await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == comment.ArticleId && a.TownId == me.TownId, ct);
        if (comment is null || article is null)
        {
            return Problems.NotFound("comment.not_found", "留言不存在");
        }

        if (!CanManage(me, article))
        {
            return Problems.From(LearningErrors.OutOfScope);
        }

        var moderated = comment.Moderate(request.Accept, me.Id);
        if (!moderated.IsSuccess)
        {
            return Problems.From(moderated.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(comment));
    }

    /// <summary>
    /// Awards first (idempotent per article and resident), then marks the read complete; when the
    /// daily cap refuses, the read stays open so the resident can finish it another day.
    /// </summary>
    private static async Task<Results<Ok<ReadStateResponse>, ProblemHttpResult>> CompleteAsync(
        PointsDbContext db, EarningService earning, Article article, ArticleRead read, bool byQuiz, DateTimeOffset now, CancellationToken ct)
    {
        // Persist the read row first (a quiz may have created it) so the ledger's own transaction cannot flush it half-way.
        await db.SaveChangesAsync(ct);
        var awarded = 0;
        if (article.Points > 0)
        {
            var award = await earning.AwardAsync(new EarnRequest(read.ResidentId, article.TownId, TransferReason.Learning, article.Points,
                AwardKey(article.Id, read.ResidentId), SourceType, article.Id.ToString(), ParticipationEndpoints.Truncate($"学习：{article.Title}", TransferRequest.NoteMaxLength)), ct);
            if (!award.IsSuccess)
            {
                return Problems.From(award.Error);
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

        return TypedResults.Ok(ToRead(tracked));
    }

    private static async Task<Article?> VisibleAsync(PointsDbContext db, Guid id, CurrentUser me, CancellationToken ct)
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

        var user = await ParticipationEndpoints.UserAsync(db, me.Id, ct);
        return user is not null && article.IsVisibleTo(user.TownId, user.CommunityId) ? article : null;
    }

    private static bool CanManage(CurrentUser me, Article article) =>
        article.CommunityId is { } c ? me.CanAdminister(article.TownId, c) : me.CanAdministerTown(article.TownId);

    private static ReadStateResponse ToRead(ArticleRead r) => new(r.OpenedAt, r.CompletedAt, r.ByQuiz, r.AwardedPoints, r.QuizPassedAt is not null, Math.Max(0, ArticleRead.MaxQuizAttempts - r.QuizAttempts));

    private static ReadStateResponse ToRead(ArticleRead r, Article article, DateTimeOffset now) =>
        ToRead(r) with { QuizAttemptsLeft = article.HasQuiz ? Math.Max(0, ArticleRead.MaxQuizAttempts - r.QuizAttempts) : 0, SecondsLeft = r.IsCompleted ? null : r.SecondsLeft(article, now) };

    private static ArticleResponse ToResponse(Article a, ArticleRead? read, bool includeBody) =>
        new(a.Id, a.Kind, a.Title, includeBody ? a.Body : null, a.Points, a.MinReadSeconds, a.CommunityId, a.Status, a.PublishedAt,
            a.QuizQuestion, a.HasQuiz ? a.QuizOptionList : null, read is null ? null : ToRead(read));

    private static CommentResponse ToResponse(ArticleComment c) => new(c.Id, c.ArticleId, c.ResidentId, c.Text, c.Status, c.CreatedAt);

}
