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

/// <summary>负面清单 over HTTP: each handler binds, calls <see cref="NegativeRecordService"/> with the caller and maps the result.</summary>
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
        records.MapGet("/{id:guid}", GetNegativeRecordAsync).WithName(nameof(GetNegativeRecordAsync)).WithSummary("记录详情和处理过程");
        records.MapPost("/{id:guid}/explanation", ExplainAsync).WithName(nameof(ExplainAsync)).WithSummary("居民补充说明");
        records.MapPost("/{id:guid}/appeal", AppealAsync).WithName(nameof(AppealAsync)).WithSummary("居民申诉（一次）").WithMetadata(Points.Api.Audit.ProxyRefused.Instance);

        var staff = records.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        staff.MapGet("/", ListNegativeRecordsAsync).WithName(nameof(ListNegativeRecordsAsync))
            .WithSummary("本村社（镇街）的负面清单：status=Appealed 为待处理申诉（按申诉时间先后）；可按村社筛选；每页1到100条");
        staff.MapPost("/{id:guid}/appeal-decision", DecideAppealAsync).WithName(nameof(DecideAppealAsync)).WithSummary("处理申诉：维持或撤销");
        staff.MapPost("/{id:guid}/revoke", RevokeNegativeRecordAsync).WithName(nameof(RevokeNegativeRecordAsync)).WithSummary("撤销记录");
    }

    public static async Task<Results<Created<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> CreateNegativeRecordAsync(
        Guid residentId, CreateNegativeRecordRequest request, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var created = await records.RecordAsync(me.Actor, residentId, new NewNegativeRecord(request.Kind!.Value, request.Description!, request.Severity!.Value,
            request.OccurredAt!.Value, request.ExpiresAt, request.EvidenceIds ?? []), ct);
        return created.IsSuccess
            ? TypedResults.Created($"/api/negative-records/{created.Value.Id}", await WithHistoryAsync(db, created.Value, me.Id, clock.GetUtcNow(), ct))
            : Problems.From(created.Error);
    }

    public static async Task<Results<Ok<PageResponse<NegativeRecordListItem>>, ProblemHttpResult, ValidationProblem>> ListNegativeRecordsAsync(
        ClaimsPrincipal principal, NegativeRecordService records, NegativeRecordQueue queue, CancellationToken ct,
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
        var scope = await records.ListScopeAsync(me.Actor, community, ct);
        if (!scope.IsSuccess)
        {
            return Problems.From(scope.Error);
        }

        var list = await queue.ListAsync(new NegativeRecordFilter(scope.Value.TownId, scope.Value.CommunityId, wanted, page, pageSize), ct);
        var items = list.Items.Select(r => new NegativeRecordListItem(
            r.Id, r.ResidentId, r.ResidentName, r.CommunityId, r.CommunityName, r.Kind, r.Description, r.Severity, r.OccurredAt, r.ExpiresAt, r.Status,
            r.Counting, r.Explanation, r.AppealReason, r.AppealedAt, r.RecordedBy == me.Id)).ToList();
        return TypedResults.Ok(new PageResponse<NegativeRecordListItem>(items, list.Page, list.PageSize, list.Total));
    }

    public static async Task<Results<Ok<List<NegativeRecordResponse>>, ProblemHttpResult>> ResidentNegativeRecordsAsync(
        Guid residentId, ClaimsPrincipal principal, NegativeRecordService records, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return (await records.OfResidentAsync(principal.Me().Actor, residentId, ct)).ToHttp(list => TypedResults.Ok(list.Select(r => ToResponse(r, now, null)).ToList()));
    }

    public static async Task<Ok<List<NegativeRecordResponse>>> MyNegativeRecordsAsync(ClaimsPrincipal principal, NegativeRecordService records, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok((await records.MineAsync(principal.Me().Actor, ct)).Select(r => ToResponse(r, now, null)).ToList());
    }

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult>> GetNegativeRecordAsync(
        Guid id, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var record = await records.GetAsync(principal.Me().Actor, id, ct);
        return record.IsSuccess ? TypedResults.Ok(await WithHistoryAsync(db, record.Value, principal.Me().Id, clock.GetUtcNow(), ct)) : Problems.From(record.Error);
    }

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> ExplainAsync(
        Guid id, NegativeRecordTextRequest request, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await records.ExplainAsync(principal.Me().Actor, id, request.Text!, ct), principal, db, clock, ct);

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> AppealAsync(
        Guid id, NegativeRecordTextRequest request, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await records.AppealAsync(principal.Me().Actor, id, request.Text!, ct), principal, db, clock, ct);

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> DecideAppealAsync(
        Guid id, AppealDecisionRequest request, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await records.DecideAppealAsync(principal.Me().Actor, id, request.Uphold, request.Note, ct), principal, db, clock, ct);

    public static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> RevokeNegativeRecordAsync(
        Guid id, RevokeNegativeRecordRequest request, ClaimsPrincipal principal, NegativeRecordService records, PointsDbContext db, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await records.RevokeAsync(principal.Me().Actor, id, request.Note!, ct), principal, db, clock, ct);

    /// <summary>The record with its timeline as the caller sees it, or the refusal.</summary>
    private static async Task<Results<Ok<NegativeRecordResponse>, ProblemHttpResult, ValidationProblem>> RespondAsync(
        Result<NegativeRecord> result, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct) =>
        result.IsSuccess ? TypedResults.Ok(await WithHistoryAsync(db, result.Value, principal.Me().Id, clock.GetUtcNow(), ct)) : Problems.From(result.Error);

    private static async Task<NegativeRecordResponse> WithHistoryAsync(PointsDbContext db, NegativeRecord r, Guid viewerId, DateTimeOffset now, CancellationToken ct) =>
        ToResponse(r, now, await ParticipationEndpoints.TimelineAsync(db, r.Id, viewerId, ct));

    private static NegativeRecordResponse ToResponse(NegativeRecord r, DateTimeOffset now, IReadOnlyList<TimelineStepResponse>? history) =>
        new(r.Id, r.ResidentId, r.CommunityId, r.Kind, r.Description, r.Severity, r.EvidenceIdList, r.OccurredAt, r.ExpiresAt, r.Status, r.IsCounting(now),
            r.Explanation, r.AppealReason, r.AppealedAt, r.DecisionNote, r.RevokedAt, r.CreatedAt, history);
}
