using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;

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

/// <summary>
/// 我要学习 over HTTP: who may call a route is set on its sub-group (signed in, residents, staff); each handler binds,
/// calls <see cref="LearningService"/> with the caller and maps the result.
/// </summary>
public static class LearningEndpoints
{
    public static void MapLearning(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/articles").WithTags("Learning").RequireAuthorization();
        group.MapGet("/", ListArticlesAsync).WithName(nameof(ListArticlesAsync)).WithSummary("我要学习：文章与立法意见征集稿");
        group.MapGet("/{id:guid}", GetArticleAsync).WithName(nameof(GetArticleAsync)).WithSummary("文章详情");

        var residents = group.MapGroup(string.Empty).RequireAuthorization(Policies.Resident);
        residents.MapPost("/{id:guid}/reads", OpenArticleAsync).WithName(nameof(OpenArticleAsync)).WithSummary("开始阅读（服务器计时）");
        residents.MapPost("/{id:guid}/reads/finish", FinishReadingAsync).WithName(nameof(FinishReadingAsync)).WithSummary("完成阅读：达到最短阅读时间得积分，每篇一次，受每日上限约束");
        residents.MapPost("/{id:guid}/quiz", AnswerQuizAsync).WithName(nameof(AnswerQuizAsync)).WithSummary("答题得积分（每篇一次）");
        residents.MapPost("/{id:guid}/comments", CommentAsync).WithName(nameof(CommentAsync)).WithSummary("对立法意见征集稿留言（经内容安全检查）");

        var staff = group.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        staff.MapPost("/", CreateArticleAsync).WithName(nameof(CreateArticleAsync)).WithSummary("新建文章或立法意见征集稿（草稿）");
        staff.MapPost("/{id:guid}/publish", PublishArticleAsync).WithName(nameof(PublishArticleAsync)).WithSummary("发布");
        staff.MapGet("/{id:guid}/comments", ListCommentsAsync).WithName(nameof(ListCommentsAsync)).WithSummary("收集到的意见（工作人员）");
        staff.MapPost("/comments/{commentId:guid}/moderate", ModerateCommentAsync).WithName(nameof(ModerateCommentAsync)).WithSummary("人工审核待定留言");
    }

    public static async Task<Ok<List<ArticleResponse>>> ListArticlesAsync(ClaimsPrincipal principal, LearningService learning, CancellationToken ct) =>
        TypedResults.Ok((await learning.ListAsync(principal.Me().Actor, ct)).Select(v => ToResponse(v.Article, v.Read, includeBody: false)).ToList());

    public static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> GetArticleAsync(Guid id, ClaimsPrincipal principal, LearningService learning, CancellationToken ct) =>
        (await learning.GetAsync(principal.Me().Actor, id, ct)).ToHttp(v => TypedResults.Ok(ToResponse(v.Article, v.Read, includeBody: true)));

    public static async Task<Results<Created<ArticleResponse>, ProblemHttpResult, ValidationProblem>> CreateArticleAsync(
        CreateArticleRequest request, ClaimsPrincipal principal, LearningService learning, CancellationToken ct)
    {
        var created = await learning.CreateAsync(principal.Me().Actor, new NewArticle(request.Kind!.Value, request.Title!, request.Body!, request.Points, request.MinReadSeconds,
            request.CommunityId, request.QuizQuestion, request.QuizOptions, request.QuizAnswer), ct);
        if (created.IsSuccess)
        {
            return TypedResults.Created($"/api/articles/{created.Value.Id}", ToResponse(created.Value, null, includeBody: true));
        }

        return created.Error == LearningService.CommunityInvalid ? Problems.Validation("communityId", created.Error.Title) : Problems.From(created.Error);
    }

    public static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> PublishArticleAsync(Guid id, ClaimsPrincipal principal, LearningService learning, CancellationToken ct) =>
        (await learning.PublishAsync(principal.Me().Actor, id, ct)).ToHttp(a => TypedResults.Ok(ToResponse(a, null, includeBody: true)));

    /// <summary>Starts the server-side reading clock; opening again keeps the first time.</summary>
    public static async Task<Results<Created<ReadStateResponse>, Ok<ReadStateResponse>, ProblemHttpResult>> OpenArticleAsync(
        Guid id, ClaimsPrincipal principal, LearningService learning, CancellationToken ct)
    {
        var opened = await learning.OpenAsync(principal.Me().Actor, id, ct);
        if (!opened.IsSuccess)
        {
            return Problems.From(opened.Error);
        }

        return opened.Value.Created ? TypedResults.Created($"/api/articles/{id}", ToRead(opened.Value)) : TypedResults.Ok(ToRead(opened.Value));
    }

    public static async Task<Results<Ok<ReadStateResponse>, ProblemHttpResult>> FinishReadingAsync(Guid id, ClaimsPrincipal principal, LearningService learning, CancellationToken ct) =>
        (await learning.FinishAsync(principal.Me().Actor, id, ct)).ToHttp(r => TypedResults.Ok(ToRead(r)));

    public static async Task<Results<Ok<ReadStateResponse>, ProblemHttpResult, ValidationProblem>> AnswerQuizAsync(
        Guid id, QuizAnswerRequest request, ClaimsPrincipal principal, LearningService learning, CancellationToken ct)
    {
        var answered = await learning.AnswerAsync(principal.Me().Actor, id, request.Answer!.Value, ct);
        return answered.IsSuccess ? TypedResults.Ok(ToRead(answered.Value)) : Problems.From(answered.Error);
    }

    public static async Task<Results<Created<CommentResponse>, ProblemHttpResult, ValidationProblem>> CommentAsync(
        Guid id, CommentRequest request, ClaimsPrincipal principal, LearningService learning, CancellationToken ct)
    {
        var text = request.Text!.Trim();
        if (text.Length == 0)
        {
            return Problems.Validation("text", "请填写意见");
        }

        var comment = await learning.CommentAsync(principal.Me().Actor, id, text, ct);
        return comment.IsSuccess ? TypedResults.Created($"/api/articles/{id}/comments", ToResponse(comment.Value)) : Problems.From(comment.Error);
    }

    public static async Task<Results<Ok<List<CommentResponse>>, ProblemHttpResult, ValidationProblem>> ListCommentsAsync(
        Guid id, string? status, ClaimsPrincipal principal, LearningService learning, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<CommentStatus>(status, out var parsed))
        {
            return Problems.Validation("status", "状态不正确");
        }

        var comments = await learning.ListCommentsAsync(principal.Me().Actor, id, parsed, ct);
        return comments.IsSuccess ? TypedResults.Ok(comments.Value.Select(ToResponse).ToList()) : Problems.From(comments.Error);
    }

    public static async Task<Results<Ok<CommentResponse>, ProblemHttpResult>> ModerateCommentAsync(
        Guid commentId, ModerateCommentRequest request, ClaimsPrincipal principal, LearningService learning, CancellationToken ct) =>
        (await learning.ModerateAsync(principal.Me().Actor, commentId, request.Accept, ct)).ToHttp(c => TypedResults.Ok(ToResponse(c)));

    private static ReadStateResponse ToRead(ArticleRead r) => new(r.OpenedAt, r.CompletedAt, r.ByQuiz, r.AwardedPoints, r.QuizPassedAt is not null, Math.Max(0, ArticleRead.MaxQuizAttempts - r.QuizAttempts));

    private static ReadStateResponse ToRead(ReadView v) => v.Article is not { } article
        ? ToRead(v.Read)
        : ToRead(v.Read) with
        {
            QuizAttemptsLeft = article.HasQuiz ? Math.Max(0, ArticleRead.MaxQuizAttempts - v.Read.QuizAttempts) : 0,
            SecondsLeft = v.Read.IsCompleted ? null : v.Read.SecondsLeft(article, v.At),
        };

    private static ArticleResponse ToResponse(Article a, ArticleRead? read, bool includeBody) =>
        new(a.Id, a.Kind, a.Title, includeBody ? a.Body : null, a.Points, a.MinReadSeconds, a.CommunityId, a.Status, a.PublishedAt,
            a.QuizQuestion, a.HasQuiz ? a.QuizOptionList : null, read is null ? null : ToRead(read));

    private static CommentResponse ToResponse(ArticleComment c) => new(c.Id, c.ArticleId, c.ResidentId, c.Text, c.Status, c.CreatedAt);
}
