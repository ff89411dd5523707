using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record AssignHazardRequest([property: Required(ErrorMessage = "请选择网格员")] Guid? WorkerId, int? Version);

public sealed record EscalateHazardRequest(
    [property: Required(ErrorMessage = "请填写上报原因")]
    [property: StringLength(HazardReport.NoteMaxLength, ErrorMessage = "原因不超过500字")]
    string? Reason,
    int? Version);

public sealed record HazardUrgencyRequest(
    [property: Required(ErrorMessage = "请选择紧急程度")] HazardUrgency? Urgency,
    [property: Required(ErrorMessage = "请填写调整原因")]
    [property: StringLength(HazardReport.NoteMaxLength, ErrorMessage = "原因不超过500字")]
    string? Reason,
    int? Version);

public sealed record RateHazardRequest(
    [property: Required(ErrorMessage = "请选择满意、基本满意或不满意")] HazardRating? Rating,
    [property: StringLength(HazardReport.NoteMaxLength, ErrorMessage = "评价内容不超过500字")]
    string? Comment);

public static partial class HazardEndpoints
{
    private static void MapWorkflow(RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/assign", AssignHazardAsync).WithName(nameof(AssignHazardAsync)).WithSummary("把隐患指派给所在网格的网格员")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:guid}/escalate", EscalateHazardAsync).WithName(nameof(EscalateHazardAsync)).WithSummary("上报上一级：网格→村社→镇街")
            .RequireAuthorization(Policies.GridStaff);
        group.MapPost("/{id:guid}/urgency", ChangeHazardUrgencyAsync).WithName(nameof(ChangeHazardUrgencyAsync)).WithSummary("调整紧急程度（须填原因），时限重新计算")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:guid}/rating", RateHazardAsync).WithName(nameof(RateHazardAsync)).WithSummary("上报人评价办结结果；不满意可重新办理一次")
            .RequireAuthorization(Policies.Resident);
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> AssignHazardAsync(
        Guid id, AssignHazardRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var (report, refused) = await LoadForWorkAsync(db, me, id, request.Version, ct);
        if (refused is not null)
        {
            return refused;
        }

        if (!await HazardRouting.IsWorkerOfAsync(db, request.WorkerId!.Value, report!.GridId, ct))
        {
            return Problems.From(HazardErrors.WorkerNotInGrid);
        }

        var now = clock.GetUtcNow();
        var assigned = report.Assign(request.WorkerId.Value, now);
        if (!assigned.IsSuccess)
        {
            return Problems.From(assigned.Error);
        }

        var name = await db.Users.Where(u => u.Id == request.WorkerId).Select(u => u.DisplayName).FirstAsync(ct);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, id, "Assigned", me.Id, $"指派给网格员{name}", null, now));
        HazardRouting.NotifyReporter(db, report, "assigned", "已指派网格员处理", now);
        return await SaveAsync(db, report, me, now, ct);
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> EscalateHazardAsync(
        Guid id, EscalateHazardRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var (report, refused) = await LoadForWorkAsync(db, me, id, request.Version, ct);
        if (refused is not null)
        {
            return refused;
        }

        var now = clock.GetUtcNow();
        var settings = await HazardRouting.SettingsAsync(db, report!.TownId, ct);
        var next = settings.Policy.NextEscalationFrom(now, report.Urgency, report.Status != HazardStatus.Reported, settings.Calendar);
        var escalated = report.Escalate(request.Reason, now, next);
        if (!escalated.IsSuccess)
        {
            return Problems.From(escalated.Error);
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, id, "Escalated", me.Id, $"上报至{HazardRouting.LevelName(report.Level)}：{request.Reason!.Trim()}", null, now));
        HazardRouting.NotifyReporter(db, report, "escalated", $"已上报至{HazardRouting.LevelName(report.Level)}处理", now);
        await HazardRouting.NotifyLevelAsync(db, report, now, ct);
        return await SaveAsync(db, report, me, now, ct);
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> ChangeHazardUrgencyAsync(
        Guid id, HazardUrgencyRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var (report, refused) = await LoadForWorkAsync(db, me, id, request.Version, ct);
        if (refused is not null)
        {
            return refused;
        }

        var now = clock.GetUtcNow();
        var settings = await HazardRouting.SettingsAsync(db, report!.TownId, ct);
        var changed = report.ChangeUrgency(request.Urgency!.Value, request.Reason, settings.Policy, settings.Calendar, now);
        if (!changed.IsSuccess)
        {
            return Problems.From(changed.Error);
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, id, "UrgencyChanged", me.Id, $"紧急程度调整为{UrgencyName(report.Urgency)}：{report.UrgencyReason}", null, now));
        return await SaveAsync(db, report, me, now, ct);
    }

    public static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> RateHazardAsync(
        Guid id, RateHazardRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var report = await db.HazardReports.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (report is null)
        {
            return Problems.From(HazardErrors.NotFound);
        }

        var now = clock.GetUtcNow();
        var rated = report.Rate(me.Id, request.Rating!.Value, request.Comment, now);
        if (!rated.IsSuccess)
        {
            return Problems.From(rated.Error);
        }

        var verdict = request.Rating switch
        {
            HazardRating.Satisfied => "满意",
            HazardRating.BasicallySatisfied => "基本满意",
            _ => "不满意",
        };
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, id, rated.Value ? "Reopened" : "Rated", me.Id,
            rated.Value ? $"评价：{verdict}，重新办理" : $"评价：{verdict}", null, now));
        return await SaveAsync(db, report, me, now, ct);
    }

    internal static string UrgencyName(HazardUrgency urgency) => urgency switch
    {
        HazardUrgency.Red => "红色（紧急）",
        HazardUrgency.Yellow => "黄色",
        _ => "绿色",
    };

    private static async Task<(HazardReport? Report, ProblemHttpResult? Refused)> LoadForWorkAsync(PointsDbContext db, CurrentUser me, Guid id, int? version, CancellationToken ct)
    {
        var report = await db.HazardReports.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (report is null)
        {
            return (null, Problems.From(HazardErrors.NotFound));
        }

        if (!await CanWorkAsync(db, me, report, ct))
        {
            return (null, Problems.From(HazardErrors.OutOfScope));
        }

        return version is { } expected && expected != report.Version ? (null, Problems.From(HazardErrors.Conflict)) : (report, null);
    }

    private static async Task<Results<Ok<HazardResponse>, ProblemHttpResult, ValidationProblem>> SaveAsync(
        PointsDbContext db, HazardReport report, CurrentUser me, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.From(HazardErrors.Conflict);
        }

        return TypedResults.Ok(await ToResponseAsync(db, report, me.Id, now, ct));
    }
}
