using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Administration;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record SubmitDeclarationRequest(
    [property: Required(ErrorMessage = "请选择申报类别")]
    DeclarationCategory? Category,
    [property: Required(ErrorMessage = "请填写申报内容")]
    [property: StringLength(Declaration.TextMaxLength, ErrorMessage = "申报内容不超过1000字")]
    string? Text,
    [property: MaxLength(Declaration.MaxPhotos, ErrorMessage = "最多上传9张照片")]
    IReadOnlyList<Guid>? PhotoIds);

public sealed record ResubmitDeclarationRequest(
    [property: Required(ErrorMessage = "请填写申报内容")]
    [property: StringLength(Declaration.TextMaxLength, ErrorMessage = "申报内容不超过1000字")]
    string? Text,
    [property: MaxLength(Declaration.MaxPhotos, ErrorMessage = "最多上传9张照片")]
    IReadOnlyList<Guid>? PhotoIds);

public sealed record ReviewDeclarationRequest(
    [property: Required(ErrorMessage = "请选择审核结果")]
    ReviewDecision? Decision,
    [property: StringLength(Declaration.ReasonMaxLength, ErrorMessage = "理由不超过500字")]
    string? Reason,
    [property: Range(0, Declaration.MaxPoints, ErrorMessage = "积分须在 0 到 1000 之间")]
    int? Points,
    int? Version);

public sealed record RevokeDeclarationRequest(
    [property: Required(ErrorMessage = "请填写撤销理由")]
    [property: StringLength(Declaration.ReasonMaxLength, ErrorMessage = "理由不超过500字")]
    string? Reason);

public sealed record CategorySettingRequest(
    [property: Range(0, Declaration.MaxPoints, ErrorMessage = "积分须在 0 到 1000 之间")]
    int DefaultPoints,
    bool NeedsTownReview);

public sealed record CategorySettingResponse(DeclarationCategory Category, int DefaultPoints, bool NeedsTownReview);

public sealed record DeclarationResponse(
    Guid Id, Guid ResidentId, Guid CommunityId, DeclarationCategory Category, string Text, IReadOnlyList<Guid> PhotoIds,
    DeclarationStatus Status, ReviewLevel Level, int? ProposedPoints, int? AwardedPoints, string? LastReason,
    DateTimeOffset SubmittedAt, DateTimeOffset LastActionAt, DateTimeOffset? DecidedAt, int Version, IReadOnlyList<TimelineStepResponse>? History);

public sealed record ReviewItemResponse(
    Guid Id, Guid ResidentId, string ResidentName, Guid CommunityId, DeclarationCategory Category, string Text, IReadOnlyList<Guid> PhotoIds,
    ReviewLevel Level, int? ProposedPoints, int DefaultPoints, DateTimeOffset SubmittedAt, DateTimeOffset LastActionAt, double AgeDays, bool Stale, int Version);

public sealed record ReviewQueueResponse(ReviewLevel Level, int Total, int StaleCount, IReadOnlyList<ReviewItemResponse> Items);

/// <summary>
/// 群众申报 over HTTP: who may call a route is set on its group or sub-group (signed in, residents, staff, town staff);
/// each handler binds, calls <see cref="DeclarationService"/> with the caller and maps the result.
/// </summary>
public static class DeclarationEndpoints
{
    public const int ReviewQueuePageSize = 50;

    public static void MapDeclarations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/declarations").WithTags("Declarations").RequireAuthorization();
        group.MapGet("/mine", MyDeclarationsAsync).WithName(nameof(MyDeclarationsAsync)).WithSummary("我的申报");
        group.MapGet("/{id:guid}", GetDeclarationAsync).WithName(nameof(GetDeclarationAsync)).WithSummary("申报详情和处理进度");
        group.MapPost("/{id:guid}/resubmit", ResubmitDeclarationAsync).WithName(nameof(ResubmitDeclarationAsync)).WithSummary("补充材料后重新提交");
        group.MapPost("/{id:guid}/withdraw", WithdrawDeclarationAsync).WithName(nameof(WithdrawDeclarationAsync)).WithSummary("撤回尚未审结的申报");
        group.MapGet("/settings", GetCategorySettingsAsync).WithName(nameof(GetCategorySettingsAsync)).WithSummary("本镇街各申报类别的默认积分和是否需镇街复审");

        var residents = group.MapGroup(string.Empty).RequireAuthorization(Policies.Resident);
        residents.MapPost("/", SubmitDeclarationAsync).WithName(nameof(SubmitDeclarationAsync)).WithSummary("群众申报：好人好事、矛盾调解、安全巡查等");

        var staff = group.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        staff.MapPost("/{id:guid}/review", ReviewDeclarationAsync).WithName(nameof(ReviewDeclarationAsync)).WithSummary("审核（村社一级、镇街二级）");
        staff.MapPost("/{id:guid}/revoke", RevokeDeclarationAsync).WithName(nameof(RevokeDeclarationAsync)).WithSummary("撤销已通过的申报并收回积分");

        var town = group.MapGroup(string.Empty).RequireAuthorization(Policies.TownStaff);
        town.MapPut("/settings/{category}", PutCategorySettingAsync).WithName(nameof(PutCategorySettingAsync)).WithSummary("设置申报类别的默认积分和是否需镇街复审");

        var reviews = app.MapGroup("/api/reviews").WithTags("Declarations").RequireAuthorization(Policies.Staff);
        reviews.MapGet("/", ReviewQueueAsync).WithName(nameof(ReviewQueueAsync)).WithSummary("审核队列（含等待时长，超期标记）");
    }

    public static async Task<Results<Created<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> SubmitDeclarationAsync(
        SubmitDeclarationRequest request, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var submitted = await declarations.SubmitAsync(me.Actor, request.Category!.Value, request.Text!, request.PhotoIds ?? [], ct);
        return submitted.IsSuccess
            ? TypedResults.Created($"/api/declarations/{submitted.Value.Id}", await ToResponseAsync(db, submitted.Value, me.Id, ct))
            : Problems.From(submitted.Error);
    }

    public static async Task<Ok<List<DeclarationResponse>>> MyDeclarationsAsync(ClaimsPrincipal principal, DeclarationService declarations, CancellationToken ct) =>
        TypedResults.Ok((await declarations.MineAsync(principal.Me().Actor, ct)).Select(d => ToResponse(d, d.PhotoIdList, null)).ToList());

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult>> GetDeclarationAsync(
        Guid id, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct)
    {
        var found = await declarations.GetAsync(principal.Me().Actor, id, ct);
        return found.IsSuccess ? TypedResults.Ok(await ToResponseAsync(db, found.Value, principal.Me().Id, ct)) : Problems.From(found.Error);
    }

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> ResubmitDeclarationAsync(
        Guid id, ResubmitDeclarationRequest request, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct) =>
        await RespondAsync(await declarations.ResubmitAsync(principal.Me().Actor, id, request.Text!, request.PhotoIds ?? [], ct), principal, db, ct);

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult>> WithdrawDeclarationAsync(
        Guid id, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct)
    {
        var withdrawn = await declarations.WithdrawAsync(principal.Me().Actor, id, ct);
        return withdrawn.IsSuccess ? TypedResults.Ok(await ToResponseAsync(db, withdrawn.Value, principal.Me().Id, ct)) : Problems.From(withdrawn.Error);
    }

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> ReviewDeclarationAsync(
        Guid id, ReviewDeclarationRequest request, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct) =>
        await RespondAsync(await declarations.ReviewAsync(principal.Me().Actor, id, new ReviewCommand(request.Decision!.Value, request.Reason, request.Points, request.Version), ct), principal, db, ct);

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> RevokeDeclarationAsync(
        Guid id, RevokeDeclarationRequest request, ClaimsPrincipal principal, DeclarationService declarations, PointsDbContext db, CancellationToken ct) =>
        await RespondAsync(await declarations.RevokeAsync(principal.Me().Actor, id, request.Reason!, ct), principal, db, ct);

    public static async Task<Results<Ok<ReviewQueueResponse>, ValidationProblem>> ReviewQueueAsync(
        string? level, string? category, Guid? communityId, bool? staleOnly, int? page,
        ClaimsPrincipal principal, DeclarationService declarations, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<ReviewLevel>(level, out var parsedLevel))
        {
            return Problems.Validation("level", "审核级别须为 community 或 town");
        }

        if (!ParticipationEndpoints.TryParse<DeclarationCategory>(category, out var parsedCategory))
        {
            return Problems.Validation("category", "申报类别不正确");
        }

        if (!Paging.TryCreate(page ?? 1, ReviewQueuePageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var queue = await declarations.QueueAsync(principal.Me().Actor,
            new ReviewQueueFilter(parsedLevel, parsedCategory, communityId, staleOnly == true, paging.Skip, paging.PageSize), ct);
        return TypedResults.Ok(new ReviewQueueResponse(queue.Level, queue.Total, queue.StaleCount, queue.Items.Select(x => new ReviewItemResponse(
            x.Declaration.Id, x.Declaration.ResidentId, x.ResidentName, x.Declaration.CommunityId, x.Declaration.Category, x.Declaration.Text, x.Declaration.PhotoIdList,
            x.Declaration.Level, x.Declaration.ProposedPoints, x.DefaultPoints, x.Declaration.SubmittedAt, x.Declaration.LastActionAt, x.AgeDays, x.Stale,
            x.Declaration.Version)).ToList()));
    }

    public static async Task<Results<Ok<List<CategorySettingResponse>>, ProblemHttpResult>> GetCategorySettingsAsync(
        ClaimsPrincipal principal, DeclarationService declarations, CancellationToken ct) =>
        (await declarations.SettingsAsync(principal.Me().Actor, ct)).ToHttp(list => TypedResults.Ok(list.Select(ToResponse).ToList()));

    public static async Task<Results<Ok<CategorySettingResponse>, ProblemHttpResult, ValidationProblem>> PutCategorySettingAsync(
        string category, CategorySettingRequest request, ClaimsPrincipal principal, DeclarationService declarations, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<DeclarationCategory>(category, out var parsed) || parsed is null)
        {
            return Problems.Validation("category", "申报类别不正确");
        }

        var set = await declarations.SetAsync(principal.Me().Actor, parsed.Value, request.DefaultPoints, request.NeedsTownReview, ct);
        return set.IsSuccess ? TypedResults.Ok(ToResponse(set.Value)) : Problems.From(set.Error);
    }

    /// <summary>The declaration with its visible photos and timeline as the caller sees it, or the refusal.</summary>
    private static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> RespondAsync(
        Result<Declaration> result, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct) =>
        result.IsSuccess ? TypedResults.Ok(await ToResponseAsync(db, result.Value, principal.Me().Id, ct)) : Problems.From(result.Error);

    private static CategorySettingResponse ToResponse(DeclarationCategorySetting s) => new(s.Category, s.DefaultPoints, s.NeedsTownReview);

    private static async Task<DeclarationResponse> ToResponseAsync(PointsDbContext db, Declaration d, Guid viewerId, CancellationToken ct) =>
        ToResponse(d, await ParticipationEndpoints.VisiblePhotosAsync(db, d.PhotoIdList, ct), await ParticipationEndpoints.TimelineAsync(db, d.Id, viewerId, ct));

    private static DeclarationResponse ToResponse(Declaration d, IReadOnlyList<Guid> photos, IReadOnlyList<TimelineStepResponse>? history) =>
        new(d.Id, d.ResidentId, d.CommunityId, d.Category, d.Text, photos, d.Status, d.Level, d.ProposedPoints, d.AwardedPoints, d.LastReason,
            d.SubmittedAt, d.LastActionAt, d.DecidedAt, d.Version, history);
}
