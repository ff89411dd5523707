using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
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

public static class DeclarationEndpoints
{
    public const int ReviewQueuePageSize = 50;

    public static void MapDeclarations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/declarations").WithTags("Declarations").RequireAuthorization();
        group.MapPost("/", SubmitDeclarationAsync).WithName(nameof(SubmitDeclarationAsync)).WithSummary("群众申报：好人好事、矛盾调解、安全巡查等")
            .RequireAuthorization(Policies.Resident);
        group.MapGet("/mine", MyDeclarationsAsync).WithName(nameof(MyDeclarationsAsync)).WithSummary("我的申报");
        group.MapGet("/{id:guid}", GetDeclarationAsync).WithName(nameof(GetDeclarationAsync)).WithSummary("申报详情和处理进度");
        group.MapPost("/{id:guid}/resubmit", ResubmitDeclarationAsync).WithName(nameof(ResubmitDeclarationAsync)).WithSummary("补充材料后重新提交");
        group.MapPost("/{id:guid}/withdraw", WithdrawDeclarationAsync).WithName(nameof(WithdrawDeclarationAsync)).WithSummary("撤回尚未审结的申报");
        group.MapPost("/{id:guid}/review", ReviewDeclarationAsync).WithName(nameof(ReviewDeclarationAsync)).WithSummary("审核（村社一级、镇街二级）")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:guid}/revoke", RevokeDeclarationAsync).WithName(nameof(RevokeDeclarationAsync)).WithSummary("撤销已通过的申报并收回积分")
            .RequireAuthorization(Policies.Staff);
        group.MapGet("/settings", GetCategorySettingsAsync).WithName(nameof(GetCategorySettingsAsync)).WithSummary("本镇街各申报类别的默认积分和是否需镇街复审");
        group.MapPut("/settings/{category}", PutCategorySettingAsync).WithName(nameof(PutCategorySettingAsync)).WithSummary("设置申报类别的默认积分和是否需镇街复审")
            .RequireAuthorization(Policies.TownStaff);

        var reviews = app.MapGroup("/api/reviews").WithTags("Declarations").RequireAuthorization(Policies.Staff);
        reviews.MapGet("/", ReviewQueueAsync).WithName(nameof(ReviewQueueAsync)).WithSummary("审核队列（含等待时长，超期标记）");
    }

    public static async Task<Results<Created<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> SubmitDeclarationAsync(
        SubmitDeclarationRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Forum, ct, request.Text) is { } risky)
        {
            return Problems.From(risky);
        }

        var user = await ParticipationEndpoints.UserAsync(db, me.Id, ct);
        if (user?.CommunityId is not { } communityId)
        {
            return Problems.From(DomainError.Unprocessable("declaration.no_community", "请先在“我的”里选择所属村社"));
        }

        var photos = request.PhotoIds ?? [];
        if (!await ParticipationEndpoints.OwnsPhotosAsync(db, photos, me.Id, ct))
        {
            return Problems.From(DeclarationErrors.PhotoNotOwned);
        }

        var now = clock.GetUtcNow();
        var created = Declaration.Submit(Guid.CreateVersion7(), me.Id, user.TownId, communityId, request.Category!.Value, request.Text!, photos, now);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var declaration = created.Value;
        db.Declarations.Add(declaration);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, declaration.Id, DeclarationAction.Submitted, me.Id, null, null, now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/declarations/{declaration.Id}", await ToResponseAsync(db, declaration, me.Id, ct));
    }

    public static async Task<Ok<List<DeclarationResponse>>> MyDeclarationsAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var list = await db.Declarations.AsNoTracking().Where(d => d.ResidentId == me.Id)
            .OrderByDescending(d => d.SubmittedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(list.Select(d => ToResponse(d, d.PhotoIdList, null)).ToList());
    }

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult>> GetDeclarationAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var declaration = await db.Declarations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null || (declaration.ResidentId != me.Id && !me.IsStaff))
        {
            return Problems.From(DeclarationErrors.NotFound);
        }

        if (declaration.ResidentId != me.Id && !me.CanAdminister(declaration.TownId, declaration.CommunityId))
        {
            return Problems.From(DeclarationErrors.OutOfScope);
        }

        return TypedResults.Ok(await ToResponseAsync(db, declaration, me.Id, ct));
    }

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> ResubmitDeclarationAsync(
        Guid id, ResubmitDeclarationRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Forum, ct, request.Text) is { } risky)
        {
            return Problems.From(risky);
        }

        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id && d.ResidentId == me.Id, ct);
        if (declaration is null)
        {
            return Problems.From(DeclarationErrors.NotFound);
        }

        var photos = request.PhotoIds ?? [];
        if (!await ParticipationEndpoints.OwnsPhotosAsync(db, photos, me.Id, ct))
        {
            return Problems.From(DeclarationErrors.PhotoNotOwned);
        }

        var now = clock.GetUtcNow();
        var resubmitted = declaration.Resubmit(request.Text!, photos, now);
        if (!resubmitted.IsSuccess)
        {
            return Problems.From(resubmitted.Error);
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Resubmitted, me.Id, null, null, now));
        if (!await TrySaveAsync(db, ct))
        {
            return Problems.From(DeclarationErrors.ReviewConflict);
        }

        return TypedResults.Ok(await ToResponseAsync(db, declaration, me.Id, ct));
    }

    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult>> WithdrawDeclarationAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id && d.ResidentId == me.Id, ct);
        if (declaration is null)
        {
            return Problems.From(DeclarationErrors.NotFound);
        }

        var now = clock.GetUtcNow();
        var withdrawn = declaration.Withdraw(now);
        if (!withdrawn.IsSuccess)
        {
            return Problems.From(withdrawn.Error);
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Withdrawn, me.Id, null, null, now));
        if (!await TrySaveAsync(db, ct))
        {
            return Problems.From(DeclarationErrors.ReviewConflict);
        }

        return TypedResults.Ok(await ToResponseAsync(db, declaration, me.Id, ct));
    }

    /// <summary>
    /// The state change is saved first with the version as concurrency token (UPDATE ... WHERE
    /// version = @v): of two reviewers only one row update succeeds, the other gets review.conflict.
    /// Only the winner then awards, under the idempotency key declaration:{id}.
    /// </summary>
    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> ReviewDeclarationAsync(
        Guid id, ReviewDeclarationRequest request, ClaimsPrincipal principal, PointsDbContext db, EarningService earning, IResidentNotifier notifier, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null)
        {
            return Problems.From(DeclarationErrors.NotFound);
        }

        if (!me.CanAdminister(declaration.TownId, declaration.CommunityId))
        {
            return Problems.From(DeclarationErrors.OutOfScope);
        }

        if (declaration.Status != DeclarationStatus.Pending || (request.Version is { } expected && expected != declaration.Version))
        {
            return Problems.From(DeclarationErrors.ReviewConflict);
        }

        var level = declaration.Level;
        if (level == ReviewLevel.Town && !me.CanAdministerTown(declaration.TownId))
        {
            return Problems.From(DeclarationErrors.TownLevelOnly);
        }

        var setting = await SettingAsync(db, declaration.TownId, declaration.Category, ct);
        var points = request.Points ?? declaration.DefaultReviewPoints(setting.DefaultPoints);
        var now = clock.GetUtcNow();
        var reviewed = declaration.Review(level, request.Decision!.Value, request.Reason, points, setting.NeedsTownReview, me.Id, now);
        if (!reviewed.IsSuccess)
        {
            return Problems.From(reviewed.Error);
        }

        var outcome = reviewed.Value;
        var shownPoints = outcome.Action is DeclarationAction.Approved or DeclarationAction.ForwardedToTown ? points : (int?)null;
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, outcome.Action, me.Id, declaration.LastReason, shownPoints, now));
        notifier.DeclarationReviewed(declaration, outcome.Action, now);
        if (!await TrySaveAsync(db, ct))
        {
            return Problems.From(DeclarationErrors.ReviewConflict);
        }

        if (outcome.PointsToAward > 0)
        {
            var award = new EarnRequest(declaration.ResidentId, declaration.TownId, TransferReason.Declaration, outcome.PointsToAward, ParticipationAwards.DeclarationKey(id), ParticipationAwards.DeclarationSource, id.ToString(), "申报审核通过", me.Id);
            if (await ParticipationAwards.PayAsync(db, earning, TimelineSubject.Declaration, id, award, now, ct) != outcome.PointsToAward)
            {
                // The town's daily cap cut the award: the approval stands, the timeline says what was paid.
                declaration = await db.Declarations.AsNoTracking().FirstAsync(d => d.Id == id, ct);
            }
        }

        return TypedResults.Ok(await ToResponseAsync(db, declaration, me.Id, ct));
    }

    /// <summary>Reverses the award first (idempotent), then marks the declaration revoked.</summary>
    public static async Task<Results<Ok<DeclarationResponse>, ProblemHttpResult, ValidationProblem>> RevokeDeclarationAsync(
        Guid id, RevokeDeclarationRequest request, ClaimsPrincipal principal, PointsDbContext db, EarningService earning, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var declaration = await db.Declarations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null)
        {
            return Problems.From(DeclarationErrors.NotFound);
        }

        if (!me.CanAdminister(declaration.TownId, declaration.CommunityId))
        {
            return Problems.From(DeclarationErrors.OutOfScope);
        }

        var revokerLevel = me.CanAdministerTown(declaration.TownId) ? ReviewLevel.Town : ReviewLevel.Community;
        if (declaration.RevokeRefusal(revokerLevel) is { } refusal)
        {
            return Problems.From(refusal);
        }

        var reversed = await earning.RevokeAsync(ParticipationAwards.DeclarationKey(id), ParticipationEndpoints.Truncate($"申报撤销：{request.Reason}", TransferRequest.NoteMaxLength), me.Id, ct);
        if (!reversed.IsSuccess && reversed.Error.Code != LedgerErrors.AlreadyReversed.Code)
        {
            return Problems.From(reversed.Error);
        }

        db.ChangeTracker.Clear();
        declaration = await db.Declarations.FirstAsync(d => d.Id == id, ct);
        var now = clock.GetUtcNow();
        var revoked = declaration.Revoke(request.Reason!, revokerLevel, now);
        if (!revoked.IsSuccess)
        {
            return Problems.From(revoked.Error);
        }

        var taken = reversed.IsSuccess && reversed.Value is { } r ? -(int)r.Entry.Points : (int?)null;
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Revoked, me.Id, declaration.LastReason, taken, now));
        if (!await TrySaveAsync(db, ct))
        {
            return Problems.From(DeclarationErrors.ReviewConflict);
        }

        return TypedResults.Ok(await ToResponseAsync(db, declaration, me.Id, ct));
    }

    public static async Task<Results<Ok<ReviewQueueResponse>, ValidationProblem>> ReviewQueueAsync(
        string? level, string? category, Guid? communityId, bool? staleOnly, int? page,
        ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, IOptions<ParticipationOptions> options, CancellationToken ct)
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

        var me = principal.Me();
        // Town staff and admins work the second level: their queue opens there unless they ask for the community level.
        var queueLevel = parsedLevel ?? (me.Role is Role.TownStaff or Role.Admin ? ReviewLevel.Town : ReviewLevel.Community);
        var query = db.Declarations.AsNoTracking().Where(d => d.Status == DeclarationStatus.Pending && d.Level == queueLevel && d.TownId == me.TownId);
        if (me.Role == Role.CommunityStaff)
        {
            query = query.Where(d => d.CommunityId == me.CommunityId);
        }

        if (communityId is { } c)
        {
            query = query.Where(d => d.CommunityId == c);
        }

        if (parsedCategory is { } cat)
        {
            query = query.Where(d => d.Category == cat);
        }

        var now = clock.GetUtcNow();
        var staleAfter = TimeSpan.FromDays(Math.Max(1, options.Value.StaleAfterDays));
        var staleBefore = now - staleAfter;
        if (staleOnly == true)
        {
            query = query.Where(d => d.LastActionAt <= staleBefore);
        }

        var total = await query.CountAsync(ct);
        var staleCount = await query.CountAsync(d => d.LastActionAt <= staleBefore, ct);
        var items = await query.OrderBy(d => d.LastActionAt).ThenBy(d => d.Id)
            .Skip(paging.Skip).Take(paging.PageSize)
            .Join(db.Users, d => d.ResidentId, u => u.Id, (d, u) => new { d, u.DisplayName })
            .ToListAsync(ct);
        var settings = await SettingsAsync(db, me.TownId ?? Guid.Empty, ct);
        return TypedResults.Ok(new ReviewQueueResponse(queueLevel, total, staleCount, items.Select(x => new ReviewItemResponse(
            x.d.Id, x.d.ResidentId, x.DisplayName, x.d.CommunityId, x.d.Category, x.d.Text, x.d.PhotoIdList, x.d.Level, x.d.ProposedPoints,
            settings[x.d.Category].DefaultPoints, x.d.SubmittedAt, x.d.LastActionAt, Math.Round((now - x.d.LastActionAt).TotalDays, 2),
            x.d.IsStale(now, staleAfter), x.d.Version)).ToList()));
    }

    public static async Task<Results<Ok<List<CategorySettingResponse>>, ProblemHttpResult>> GetCategorySettingsAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.Forbidden();
        }

        var settings = await SettingsAsync(db, townId, ct);
        return TypedResults.Ok(settings.Values.Select(s => new CategorySettingResponse(s.Category, s.DefaultPoints, s.NeedsTownReview)).ToList());
    }

    public static async Task<Results<Ok<CategorySettingResponse>, ProblemHttpResult, ValidationProblem>> PutCategorySettingAsync(
        string category, CategorySettingRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<DeclarationCategory>(category, out var parsed) || parsed is null)
        {
            return Problems.Validation("category", "申报类别不正确");
        }

        var me = principal.Me();
        if (me.TownId is not { } townId || !me.CanAdministerTown(townId))
        {
            return Problems.Forbidden("declaration.out_of_scope", "只能设置本镇街");
        }

        var setting = await db.DeclarationCategorySettings.FirstOrDefaultAsync(s => s.TownId == townId && s.Category == parsed.Value, ct);
        if (setting is null)
        {
            setting = DeclarationCategorySetting.Default(townId, parsed.Value);
            db.DeclarationCategorySettings.Add(setting);
        }

        var updated = setting.Update(request.DefaultPoints, request.NeedsTownReview);
        if (!updated.IsSuccess)
        {
            return Problems.From(updated.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new CategorySettingResponse(setting.Category, setting.DefaultPoints, setting.NeedsTownReview));
    }

    private static async Task<DeclarationCategorySetting> SettingAsync(PointsDbContext db, Guid townId, DeclarationCategory category, CancellationToken ct) =>
        await db.DeclarationCategorySettings.AsNoTracking().FirstOrDefaultAsync(s => s.TownId == townId && s.Category == category, ct)
        ?? DeclarationCategorySetting.Default(townId, category);

    private static async Task<Dictionary<DeclarationCategory, DeclarationCategorySetting>> SettingsAsync(PointsDbContext db, Guid townId, CancellationToken ct)
    {
        var stored = await db.DeclarationCategorySettings.AsNoTracking().Where(s => s.TownId == townId).ToListAsync(ct);
        return Enum.GetValues<DeclarationCategory>().ToDictionary(c => c, c => stored.FirstOrDefault(s => s.Category == c) ?? DeclarationCategorySetting.Default(townId, c));
    }

    private static async Task<bool> TrySaveAsync(PointsDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // A concurrent review of the same version queued the same notification first (dedupe key
            // declaration-review:{id}:{version}): the same conflict, seen on the outbox row.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static async Task<DeclarationResponse> ToResponseAsync(PointsDbContext db, Declaration d, Guid viewerId, CancellationToken ct) =>
        ToResponse(d, await ParticipationEndpoints.VisiblePhotosAsync(db, d.PhotoIdList, ct), await ParticipationEndpoints.TimelineAsync(db, d.Id, viewerId, ct));

    private static DeclarationResponse ToResponse(Declaration d, IReadOnlyList<Guid> photos, IReadOnlyList<TimelineStepResponse>? history) =>
        new(d.Id, d.ResidentId, d.CommunityId, d.Category, d.Text, photos, d.Status, d.Level, d.ProposedPoints, d.AwardedPoints, d.LastReason,
            d.SubmittedAt, d.LastActionAt, d.DecidedAt, d.Version, history);
}
