using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Administration;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record CreateNegativeRecordRequest(
    [property: Required(ErrorMessage = "请选择记录类型")]
    NegativeRecordKind? Kind,
    [property: Required(ErrorMessage = "请填写事由")]
    [property: StringLength(NegativeRecord.DescriptionMaxLength, ErrorMessage = "事由不超过500字")]
    string? Description,
    [property: Required(ErrorMessage = "请选择严重程度")]
    [property: Range(1, 3, ErrorMessage = "严重程度须为 1、2 或 3")]
    int? Severity,
    [property: Required(ErrorMessage = "请填写发生时间")]
    DateTimeOffset? OccurredAt,
    DateTimeOffset? ExpiresAt,
    [property: MaxLength(NegativeRecord.MaxEvidence, ErrorMessage = "证据照片最多9张")]
    IReadOnlyList<Guid>? EvidenceIds);

public sealed record NegativeRecordTextRequest(
    [property: Required(ErrorMessage = "请填写内容")]
    [property: StringLength(NegativeRecord.TextMaxLength, ErrorMessage = "内容不超过500字")]
    string? Text);

public sealed record AppealDecisionRequest(
    bool Uphold,
    [property: StringLength(NegativeRecord.TextMaxLength, ErrorMessage = "说明不超过500字")]
    string? Note);

public sealed record RevokeNegativeRecordRequest(
    [property: Required(ErrorMessage = "请填写撤销说明")]
    [property: StringLength(NegativeRecord.TextMaxLength, ErrorMessage = "说明不超过500字")]
    string? Note);

public sealed record NegativeRecordResponse(
    Guid Id, Guid ResidentId, Guid CommunityId, NegativeRecordKind Kind, string Description, int Severity, IReadOnlyList<Guid> EvidenceIds,
    DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, NegativeRecordStatus Status, bool Counting, string? Explanation, string? AppealReason,
    DateTimeOffset? AppealedAt, string? DecisionNote, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt, IReadOnlyList<TimelineStepResponse>? History);

/// <summary>A negative record in the staff list: who, where, what, and where its appeal stands.</summary>
public sealed record NegativeRecordListItem(
    Guid Id, Guid ResidentId, string ResidentName, Guid CommunityId, string CommunityName, NegativeRecordKind Kind, string Description, int Severity,
    DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, NegativeRecordStatus Status, bool Counting, string? Explanation, string? AppealReason,
    DateTimeOffset? AppealedAt, bool RecordedByMe);

public static class NegativeRecordEndpoints
{
    public static void MapNegativeRecords(this IEndpointRouteBuilder app)
    {
        var residents = app.MapGroup("/api/residents/{residentId:guid}/negative-records").WithTags("NegativeList")
            .RequireAuthorization(Policies.Staff);
        residents.MapPost("/", CreateNegativeRecordAsync).WithName(nameof(CreateNegativeRecordAsync)).WithSummary("记入负面清单（违规或未化解纠纷，附证据）");
        residents.MapGet("/", ResidentNegativeRecordsAsync).WithName(nameof(ResidentNegativeRecordsAsync)).WithSummary("某居民的负面清单记录");

        var mine = app.MapGroup("/api/me/negative-records").WithTags("NegativeList").RequireAuthorization();
        mine.MapGet("/", MyNegativeRecordsAsync).WithName(nameof(MyNegativeRecordsAsync)).WithSummary("我的负面清单记录（含已过期）");

        var records = app.MapGroup("/api/negative-records").WithTags("NegativeList").RequireAuthorization();
        records.MapGet("/", ListNegativeRecordsAsync).WithName(nameof(ListNegativeRecordsAsync))
            .WithSummary("本村社（镇街）的负面清单：status=Appealed 为待处理申诉（按申诉时间先后）；可按村社筛选；每页1到100条")
            .RequireAuthorization(Policies.Staff);
        records.MapGet("/{id:guid}", GetNegativeRecordAsync).WithName(nameof(GetNegativeRecordAsync)).WithSummary("记录详情和处理过程");
        records.MapPost("/{id:guid}/explanation", ExplainAsync).WithName(nameof(ExplainAsync)).WithSummary("居民补充说明");
        records.MapPost("/{id:guid}/appeal", AppealAsync).WithName(nameof(AppealAsync)).WithSummary("居民申诉（一次）").WithMetadata(Points.Api.Audit.ProxyRefused.Instance);
        records.MapPost("/{id:guid}/appeal-decision", DecideAppealAsync).WithName(nameof(DecideAppealAsync)).WithSummary("处理申诉：维持或撤销")
            .RequireAuthorization(Policies.Staff);
        records.MapPost("/{id:guid}/revoke", RevokeNegativeRecordAsync).WithName(nameof(RevokeNegativeRecordAsync)).WithSummary("撤销记录")
            .RequireAuthorization(Policies.Staff);
    }

    public static async Task<Results<Created<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> CreateNegativeRecordAsync(
        Guid residentId, CreateNegativeRecordRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock,
        IOptions<ParticipationOptions> options, IResidentNotifier notifier, CreditProfileService credit, CancellationToken ct)
    {
        var me = principal.Me();
        var resident = await ParticipationEndpoints.UserAsync(db, residentId, ct);
        if (resident is null || resident.Role != Role.Resident || resident.CommunityId is not { } communityId)
        {
            return Problems.From(NegativeRecordErrors.ResidentNotFound);
        }

        if (!me.CanAdminister(resident.TownId, communityId))
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        var evidence = request.EvidenceIds ?? [];
        if (!await ParticipationEndpoints.OwnedByAnyAsync(db, evidence, [residentId, me.Id], ct))
        {
            return Problems.From(NegativeRecordErrors.EvidenceInvalid);
        }

        var now = clock.GetUtcNow();
        var occurred = request.OccurredAt!.Value;
        var years = Math.Clamp(options.Value.NegativeRecordDefaultYears, 1, NegativeRecord.MaxYears);
        var expires = request.ExpiresAt ?? occurred.AddYears(years);
        var created = NegativeRecord.Record(Guid.CreateVersion7(), residentId, resident.TownId, communityId, request.Kind!.Value, request.Description!,
            request.Severity!.Value, evidence, occurred, expires, me.Id, now);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var record = created.Value;
        db.NegativeRecords.Add(record);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.NegativeRecord, record.Id, "Recorded", me.Id, null, null, now));
        notifier.NegativeRecordAdded(record, now);
        await db.SaveChangesAsync(ct);
        await credit.RescoreAsync(residentId, ct);
        return TypedResults.Created($"/api/negative-records/{record.Id}", await ToResponseAsync(db, record, me.Id, now, ct));
    }

    public static async Task<Results<Ok<PageResponse<NegativeRecordListItem>>, ProblemHttpResult, ValidationProblem>> ListNegativeRecordsAsync(
        ClaimsPrincipal principal, NegativeRecordQueue queue, PointsDbContext db, CancellationToken ct,
        string? status = null, Guid? community = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out _, out var invalid))
        {
            return invalid!;
        }

        if (!ParticipationEndpoints.TryParse<NegativeRecordStatus>(status, out var wanted))
        {
            return Problems.Validation("status", "状态不正确");
        }

        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        var scope = me.Role == Role.CommunityStaff ? me.CommunityId : community;
        if (me.Role == Role.CommunityStaff && community is { } asked && asked != me.CommunityId)
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        if (scope is { } c && !await db.Communities.AsNoTracking().AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        var list = await queue.ListAsync(new NegativeRecordFilter(townId, scope, wanted, page, pageSize), ct);
        var items = list.Items.Select(r => new NegativeRecordListItem(
            r.Id, r.ResidentId, r.ResidentName, r.CommunityId, r.CommunityName, r.Kind, r.Description, r.Severity, r.OccurredAt, r.ExpiresAt, r.Status,
            r.Counting, r.Explanation, r.AppealReason, r.AppealedAt, r.RecordedBy == me.Id)).ToList();
        return TypedResults.Ok(new PageResponse<NegativeRecordListItem>(items, list.Page, list.PageSize, list.Total));
    }

    public static async Task<Results<Ok<List<NegativeRecordResponse>>, ProblemHttpResult>> ResidentNegativeRecordsAsync(
        Guid residentId, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var resident = await ParticipationEndpoints.UserAsync(db, residentId, ct);
        if (resident is null || resident.Role != Role.Resident || resident.CommunityId is not { } communityId)
        {
            return Problems.From(NegativeRecordErrors.ResidentNotFound);
        }

        if (!me.CanAdminister(resident.TownId, communityId))
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        var now = clock.GetUtcNow();
        var list = await db.NegativeRecords.AsNoTracking().Where(r => r.ResidentId == residentId).OrderByDescending(r => r.OccurredAt).ToListAsync(ct);
        return TypedResults.Ok(list.Select(r => ToResponse(r, now, null)).ToList());
    }

    public static async Task<Ok<List<NegativeRecordResponse>>> MyNegativeRecordsAsync(ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var now = clock.GetUtcNow();
        var list = await db.NegativeRecords.AsNoTracking().Where(r => r.ResidentId == me.Id).OrderByDescending(r => r.OccurredAt).ToListAsync(ct);
        return TypedResults.Ok(list.Select(r => ToResponse(r, now, null)).ToList());
    }

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult>> GetNegativeRecordAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var record = await db.NegativeRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (record is null || (record.ResidentId != me.Id && !me.IsStaff))
        {
            return Problems.From(NegativeRecordErrors.NotFound);
        }

        if (record.ResidentId != me.Id && !me.CanAdminister(record.TownId, record.CommunityId))
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        return TypedResults.Ok(await ToResponseAsync(db, record, me.Id, clock.GetUtcNow(), ct));
    }

    public static Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> ExplainAsync(
        Guid id, NegativeRecordTextRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct) =>
        ResidentActAsync(id, principal, db, checker, clock, "Explained", request.Text, (r, now) => r.Explain(request.Text!), ct);

    public static Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> AppealAsync(
        Guid id, NegativeRecordTextRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct) =>
        ResidentActAsync(id, principal, db, checker, clock, "Appealed", request.Text, (r, now) => r.Appeal(request.Text!, now), ct);

    public static Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> DecideAppealAsync(
        Guid id, AppealDecisionRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CreditProfileService credit, IResidentNotifier notifier, CancellationToken ct) =>
        StaffActAsync(id, principal, db, clock, credit, request.Uphold ? "AppealRejected" : "AppealAccepted", request.Note, (r, actor, now) =>
        {
            var decided = r.DecideAppeal(request.Uphold, request.Note, actor, now);
            if (decided.IsSuccess)
            {
                notifier.AppealDecided(r, request.Uphold, now);
            }

            return decided;
        }, ct);

    public static Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> RevokeNegativeRecordAsync(
        Guid id, RevokeNegativeRecordRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CreditProfileService credit, CancellationToken ct) =>
        StaffActAsync(id, principal, db, clock, credit, "Revoked", request.Note, (r, _, now) => r.Revoke(request.Note, now), ct);

    private static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> ResidentActAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, string action, string? note,
        Func<NegativeRecord, DateTimeOffset, Domain.Common.Result<NegativeRecord>> act, CancellationToken ct)
    {
        var me = principal.Me();
        var record = await db.NegativeRecords.FirstOrDefaultAsync(r => r.Id == id && r.ResidentId == me.Id, ct);
        if (record is null)
        {
            return Problems.From(NegativeRecordErrors.NotFound);
        }

        return await checker.RefuseRiskyAsync(me.Id, ContentScene.SocialLog, ct, note) is { } risky
            ? Problems.From(risky)
            : await ApplyAsync(db, record, me.Id, clock.GetUtcNow(), action, note, act, ct);
    }

    private static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> StaffActAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CreditProfileService credit, string action, string? note,
        Func<NegativeRecord, Guid, DateTimeOffset, Domain.Common.Result<NegativeRecord>> act, CancellationToken ct)
    {
        var me = principal.Me();
        var record = await db.NegativeRecords.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            return Problems.From(NegativeRecordErrors.NotFound);
        }

        if (!me.CanAdminister(record.TownId, record.CommunityId))
        {
            return Problems.From(NegativeRecordErrors.OutOfScope);
        }

        var applied = await ApplyAsync(db, record, me.Id, clock.GetUtcNow(), action, note, (r, now) => act(r, me.Id, now), ct);
        if (applied.Result is Ok<NegativeRecordResponse>)
        {
            // A revoked record stops weighing on the credit profile at once, not at the nightly re-score.
            await credit.RescoreAsync(record.ResidentId, ct);
        }

        return applied;
    }

    private static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> ApplyAsync(
        PointsDbContext db, NegativeRecord record, Guid actorId, DateTimeOffset now, string action, string? note,
        Func<NegativeRecord, DateTimeOffset, Domain.Common.Result<NegativeRecord>> act, CancellationToken ct)
    {
        var result = act(record, now);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.NegativeRecord, record.Id, action, actorId, note, null, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.From(NegativeRecordErrors.Conflict);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // A concurrent decision queued the same notification (its dedupe key) first.
            return Problems.From(NegativeRecordErrors.Conflict);
        }

        return TypedResults.Ok(await ToResponseAsync(db, record, actorId, now, ct));
    }

    private static async Task<NegativeRecordResponse> ToResponseAsync(PointsDbContext db, NegativeRecord r, Guid viewerId, DateTimeOffset now, CancellationToken ct) =>
        ToResponse(r, now, await ParticipationEndpoints.TimelineAsync(db, r.Id, viewerId, ct));

    private static NegativeRecordResponse ToResponse(NegativeRecord r, DateTimeOffset now, IReadOnlyList<TimelineStepResponse>? history) =>
        new(r.Id, r.ResidentId, r.CommunityId, r.Kind, r.Description, r.Severity, r.EvidenceIdList, r.OccurredAt, r.ExpiresAt, r.Status, r.IsCounting(now),
            r.Explanation, r.AppealReason, r.AppealedAt, r.DecisionNote, r.RevokedAt, r.CreatedAt, history);
}
