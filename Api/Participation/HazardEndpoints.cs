using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record ReportHazardRequest(
    [property: Required(ErrorMessage = "请选择隐患类别")]
    HazardCategory? Category,
    [property: Required(ErrorMessage = "请描述隐患情况")]
    [property: StringLength(HazardReport.DescriptionMaxLength, ErrorMessage = "隐患描述不超过1000字")]
    string? Description,
    [property: Required(ErrorMessage = "请提供隐患位置")]
    [property: Range(-90.0, 90.0, ErrorMessage = "纬度须在 -90 到 90 之间")]
    double? Latitude,
    [property: Required(ErrorMessage = "请提供隐患位置")]
    [property: Range(-180.0, 180.0, ErrorMessage = "经度须在 -180 到 180 之间")]
    double? Longitude,
    [property: Required(ErrorMessage = "请填写隐患地址")]
    [property: StringLength(HazardReport.AddressMaxLength, ErrorMessage = "地址不超过200字")]
    string? Address,
    [property: MaxLength(Declaration.MaxPhotos, ErrorMessage = "最多上传9张照片")]
    IReadOnlyList<Guid>? PhotoIds);

public sealed record HazardTransitionRequest(
    [property: Required(ErrorMessage = "请选择处理动作")]
    HazardAction? Action,
    HazardRejection? Rejection,
    [property: StringLength(HazardReport.NoteMaxLength, ErrorMessage = "说明不超过500字")]
    string? Note,
    [property: Range(0, Declaration.MaxPoints, ErrorMessage = "积分须在 0 到 1000 之间")]
    int? Points,
    int? Version);

public sealed record HazardResponse(
    Guid Id, Guid ReporterId, Guid CommunityId, Guid? GridId, HazardCategory Category, string Description, double Latitude, double Longitude, string Address,
    IReadOnlyList<Guid> PhotoIds, HazardStatus Status, HazardRejection? Rejection, int? AwardedPoints, DateTimeOffset ReportedAt, DateTimeOffset LastActionAt,
    int Version, IReadOnlyList<TimelineStepResponse>? History,
    HazardUrgency Urgency, string? UrgencyReason, Guid? AssigneeId, DateTimeOffset AcceptDueAt, DateTimeOffset CloseDueAt, bool Overdue, HazardLevel Level,
    DateTimeOffset? AcceptedAt, DateTimeOffset? ClosedAt, HazardRating? Rating, string? RatingComment, bool Reopened);

public static partial class HazardEndpoints
{
    public static void MapHazards(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/hazards").WithTags("Hazards").RequireAuthorization();
        group.MapPost("/", ReportHazardAsync).WithName(nameof(ReportHazardAsync)).WithSummary("一起查隐患：随手拍上报")
            .RequireAuthorization(Policies.Resident);
        group.MapGet("/mine", MyHazardsAsync).WithName(nameof(MyHazardsAsync)).WithSummary("我上报的隐患");
        group.MapGet("/", ListHazardsAsync).WithName(nameof(ListHazardsAsync)).WithSummary("本村社（镇街、网格）的隐患报告；可按网格、状态、紧急程度、是否超时筛选，分页")
            .RequireAuthorization(Policies.GridStaff);
        group.MapGet("/{id:guid}", GetHazardAsync).WithName(nameof(GetHazardAsync)).WithSummary("隐患报告详情和处理进度");
        group.MapPost("/{id:guid}/transitions", TransitionHazardAsync).WithName(nameof(TransitionHazardAsync))
            .WithSummary("受理、整改中、办结（核实后奖励积分）或不予受理（重复/不构成隐患）")
            .RequireAuthorization(Policies.GridStaff);
        MapWorkflow(group);
    }

    public static async Task<Results<Created<HazardResponse>, ProblemHttpResult, ValidationProblem>> ReportHazardAsync(
        ReportHazardRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Forum, ct, request.Description) is { } risky)
        {
            return Problems.From(risky);
        }

        var user = await ParticipationEndpoints.UserAsync(db, me.Id, ct);
        if (user?.CommunityId is not { } communityId)
        {
            return Problems.From(HazardErrors.NoCommunity);
        }

        var photos = request.PhotoIds ?? [];
        if (!await ParticipationEndpoints.OwnsPhotosAsync(db, photos, me.Id, ct))
        {
            return Problems.From(DeclarationErrors.PhotoNotOwned);
        }

        var now = clock.GetUtcNow();
        var created = HazardReport.Report(Guid.CreateVersion7(), me.Id, user.TownId, communityId, user.GridId, request.Category!.Value, request.Description!,
            request.Latitude!.Value, request.Longitude!.Value, request.Address!, photos, now);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var report = created.Value;
        var settings = await HazardRouting.SettingsAsync(db, user.TownId, ct);
        report.Schedule(HazardDeadlinePolicy.DefaultUrgency(report.Category), settings.Policy, settings.Calendar, await HazardRouting.PickWorkerAsync(db, report.GridId, ct));
        db.HazardReports.Add(report);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, report.Id, nameof(HazardStatus.Reported), me.Id, null, null, now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/hazards/{report.Id}", await ToResponseAsync(db, report, me.Id, now, ct));
    }

    public const int MaxPageSize = 200;

    public static async Task<Ok<List<HazardResponse>>> MyHazardsAsync(ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var list = await db.HazardReports.AsNoTracking().Where(h => h.ReporterId == me.Id).OrderByDescending(h => h.ReportedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(list.Select(h => ToResponse(h, h.PhotoIdList, null, clock.GetUtcNow())).ToList());
    }

    public static async Task<Results<Ok<List<HazardResponse>>, ValidationProblem>> ListHazardsAsync(
        string? status, Guid? communityId, Guid? gridId, string? urgency, bool? overdue, int? page, int? pageSize,
        HttpContext http, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<HazardStatus>(status, out var parsed))
        {
            return Problems.Validation("status", "状态不正确");
        }

        if (!ParticipationEndpoints.TryParse<HazardUrgency>(urgency, out var parsedUrgency))
        {
            return Problems.Validation("urgency", "紧急程度须为 Red、Yellow 或 Green");
        }

        if (page is < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return Problems.Validation("page", "页码从1开始，每页最多200条");
        }

        var me = principal.Me();
        var now = clock.GetUtcNow();
        var query = db.HazardReports.AsNoTracking().Where(h => h.TownId == me.TownId);
        if (me.Role == Role.CommunityStaff)
        {
            query = query.Where(h => h.CommunityId == me.CommunityId);
        }
        else if (me.Role == Role.GridWorker)
        {
            var grids = await HazardRouting.GridsOfAsync(db, me.Id, ct);
            query = query.Where(h => h.GridId != null && grids.Contains(h.GridId.Value));
        }

        if (gridId is { } g)
        {
            query = query.Where(h => h.GridId == g);
        }

        if (parsedUrgency is { } u)
        {
            query = query.Where(h => h.Urgency == u);
        }

        if (overdue is { } late)
        {
            var open = new[] { HazardStatus.Reported, HazardStatus.Accepted, HazardStatus.Fixing };
            query = late
                ? query.Where(h => (h.Status == HazardStatus.Reported && h.AcceptDueAt < now) || (open.Contains(h.Status) && h.CloseDueAt < now))
                : query.Where(h => !((h.Status == HazardStatus.Reported && h.AcceptDueAt < now) || (open.Contains(h.Status) && h.CloseDueAt < now)));
        }

        if (communityId is { } c)
        {
            query = query.Where(h => h.CommunityId == c);
        }

        if (parsed is { } s)
        {
            query = query.Where(h => h.Status == s);
        }

        var size = pageSize ?? MaxPageSize;
        http.Response.Headers["X-Total-Count"] = (await query.CountAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var list = await query.OrderBy(h => h.LastActionAt).ThenBy(h => h.Id).Skip(((page ?? 1) - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(list.Select(h => ToResponse(h, h.PhotoIdList, null, now)).ToList());
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult>> GetHazardAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var report = await db.HazardReports.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id, ct);
        if (report is null || (report.ReporterId != me.Id && !me.IsStaff && me.Role != Role.GridWorker))
        {
            return Problems.From(HazardErrors.NotFound);
        }

        if (report.ReporterId != me.Id && !await CanWorkAsync(db, me, report, ct))
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        return TypedResults.Ok(await ToResponseAsync(db, report, me.Id, clock.GetUtcNow(), ct));
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> TransitionHazardAsync(
        Guid id, HazardTransitionRequest request, ClaimsPrincipal principal, PointsDbContext db, EarningService earning, TimeProvider clock,
        IOptions<ParticipationOptions> options, CancellationToken ct)
    {
        var me = principal.Me();
        var report = await db.HazardReports.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (report is null)
        {
            return Problems.From(HazardErrors.NotFound);
        }

        if (!await CanWorkAsync(db, me, report, ct))
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        if (request.Version is { } expected && expected != report.Version)
        {
            return Problems.From(HazardErrors.Conflict);
        }

        var now = clock.GetUtcNow();
        var points = request.Points ?? options.Value.HazardReportPoints;
        var applied = report.Apply(request.Action!.Value, request.Rejection, points, now);
        if (!applied.IsSuccess)
        {
            return Problems.From(applied.Error);
        }

        var note = request.Rejection is { } why && report.Status == HazardStatus.Rejected ? $"{TimelineTitles.Rejection(why)}{(request.Note is null ? string.Empty : "：" + request.Note)}" : request.Note;
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, id, report.Status.ToString(), me.Id, note,
            report.Status == HazardStatus.Closed ? applied.Value : null, now));
        HazardRouting.NotifyReporter(db, report, report.Status.ToString(), report.Status switch
        {
            HazardStatus.Accepted => "已受理",
            HazardStatus.Fixing => "整改中",
            HazardStatus.Closed => "已办结，请评价",
            _ => "不予受理",
        }, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.From(HazardErrors.Conflict);
        }

        if (applied.Value > 0)
        {
            var award = new EarnRequest(report.ReporterId, report.TownId, TransferReason.HazardReport, applied.Value, ParticipationAwards.HazardKey(id), ParticipationAwards.HazardSource, id.ToString(), "隐患报告核实办结", me.Id);
            if (await ParticipationAwards.PayAsync(db, earning, TimelineSubject.HazardReport, id, award, now, ct) != applied.Value)
            {
                report = await db.HazardReports.AsNoTracking().FirstAsync(h => h.Id == id, ct);
            }
        }

        return TypedResults.Ok(await ToResponseAsync(db, report, me.Id, now, ct));
    }

    /// <summary>Staff in their community or town; a grid worker only on reports of their grids.</summary>
    internal static async Task<bool> CanWorkAsync(PointsDbContext db, CurrentUser me, HazardReport report, CancellationToken ct) =>
        me.Role == Role.GridWorker
            ? me.TownId == report.TownId && await HazardRouting.IsWorkerOfAsync(db, me.Id, report.GridId, ct)
            : me.CanAdminister(report.TownId, report.CommunityId);

    internal static async Task<HazardResponse> ToResponseAsync(PointsDbContext db, HazardReport h, Guid viewerId, DateTimeOffset now, CancellationToken ct) =>
        ToResponse(h, await ParticipationEndpoints.VisiblePhotosAsync(db, h.PhotoIdList, ct), await ParticipationEndpoints.TimelineAsync(db, h.Id, viewerId, ct), now);

    private static HazardResponse ToResponse(HazardReport h, IReadOnlyList<Guid> photos, IReadOnlyList<TimelineStepResponse>? history, DateTimeOffset now) =>
        new(h.Id, h.ReporterId, h.CommunityId, h.GridId, h.Category, h.Description, h.Latitude, h.Longitude, h.Address, photos, h.Status, h.Rejection,
            h.AwardedPoints, h.ReportedAt, h.LastActionAt, h.Version, history,
            h.Urgency, h.UrgencyReason, h.AssigneeId, h.AcceptDueAt, h.CloseDueAt, h.IsOverdue(now), h.Level, h.AcceptedAt, h.ClosedAt, h.Rating, h.RatingComment, h.Reopened);
}
