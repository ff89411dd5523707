using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Identity;
using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Domain.Regions;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>
/// Routes hazard reports: deadlines from the town's settings at intake, the grid worker with the fewest open
/// reports as assignee, escalations one level up, and a notice to the reporter at each step (outbox rows added
/// to the caller's unit of work).
/// </summary>
public static class HazardRouting
{
    public static async Task<HazardSettings> SettingsAsync(PointsDbContext db, Guid townId, CancellationToken ct)
    {
        var json = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => t.HazardSettingsJson).FirstOrDefaultAsync(ct);
        return HazardSettings.Parse(json);
    }

    /// <summary>The grid's worker with the fewest open reports (ties: the earliest assigned); null when the grid has none.</summary>
    public static async Task<Guid?> PickWorkerAsync(PointsDbContext db, Guid? gridId, CancellationToken ct)
    {
        if (gridId is not { } grid)
        {
            return null;
        }

        var workers = await db.GridAssignments.AsNoTracking().Where(a => a.GridId == grid)
            .Join(db.Users.Where(u => u.IsActive && u.Role == Role.GridWorker), a => a.WorkerId, u => u.Id, (a, u) => new { a.WorkerId, a.AssignedAt })
            .Select(w => new
            {
                w.WorkerId,
                w.AssignedAt,
                Open = db.HazardReports.Count(h => h.AssigneeId == w.WorkerId
                    && (h.Status == HazardStatus.Reported || h.Status == HazardStatus.Accepted || h.Status == HazardStatus.Fixing)),
            })
            .ToListAsync(ct);
        return workers.OrderBy(w => w.Open).ThenBy(w => w.AssignedAt).ThenBy(w => w.WorkerId).Select(w => (Guid?)w.WorkerId).FirstOrDefault();
    }

    public static async Task<bool> IsWorkerOfAsync(PointsDbContext db, Guid workerId, Guid? gridId, CancellationToken ct) =>
        gridId is { } grid && await db.GridAssignments.AnyAsync(a => a.GridId == grid && a.WorkerId == workerId, ct);

    public static Task<List<Guid>> GridsOfAsync(PointsDbContext db, Guid workerId, CancellationToken ct) =>
        db.GridAssignments.AsNoTracking().Where(a => a.WorkerId == workerId).Select(a => a.GridId).ToListAsync(ct);

    /// <summary>Tells the reporter what happened; <paramref name="step"/> is part of the dedupe key (one notice per step and version).</summary>
    public static void NotifyReporter(PointsDbContext db, HazardReport report, string step, string decision, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var payload = new
        {
            hazardId = report.Id,
            subject = "隐患报告",
            decision,
            level = LevelName(report.Level),
            reviewedAt = now.ToOffset(TimeSpan.FromHours(8)),
        };
        db.Notifications.Add(Outbox.Create(report.ReporterId, NotificationKind.ReviewResult, payload, $"hazard:{report.Id}:{step}:{report.Version}", now));
    }

    public static string LevelName(HazardLevel level) => level switch
    {
        HazardLevel.Grid => "网格",
        HazardLevel.Community => "村社",
        _ => "镇街",
    };

    /// <summary>Staff of the level a report reached, told through the outbox (community staff, or town staff and admins).</summary>
    public static async Task NotifyLevelAsync(PointsDbContext db, HazardReport report, DateTimeOffset now, CancellationToken ct)
    {
        var staff = report.Level == HazardLevel.Community
            ? db.Users.Where(u => u.IsActive && u.Role == Role.CommunityStaff && u.CommunityId == report.CommunityId)
            : db.Users.Where(u => u.IsActive && (u.Role == Role.TownStaff || u.Role == Role.Admin) && u.TownId == report.TownId);
        var ids = await staff.Select(u => u.Id).Take(50).ToListAsync(ct);
        foreach (var id in ids)
        {
            var payload = new { hazardId = report.Id, subject = "隐患报告已上报", decision = $"超时未处理，已上报至{LevelName(report.Level)}", level = LevelName(report.Level) };
            db.Notifications.Add(Outbox.Create(id, NotificationKind.ReviewResult, payload, $"hazard-escalated:{report.Id}:{report.Level}:{id}", now));
        }
    }
}

/// <summary>
/// Every 5 minutes (under the job lease): every open report whose escalation instant has passed goes one level up,
/// the next level's staff and the reporter are told. A report at the town level is not escalated again.
/// </summary>
public sealed class HazardEscalationJob(TimeProvider clock) : IntervalJob
{
    public const int BatchSize = 200;

    public override string Name => "hazard-escalation";

    public override TimeSpan Interval => TimeSpan.FromMinutes(5);

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        await EscalateDueAsync(services.GetRequiredService<PointsDbContext>(), ct);

    public async Task<int> EscalateDueAsync(PointsDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.HazardReports
            .Where(h => h.EscalateAt != null && h.EscalateAt <= now
                && (h.Status == HazardStatus.Reported || h.Status == HazardStatus.Accepted || h.Status == HazardStatus.Fixing))
            .OrderBy(h => h.EscalateAt).Take(BatchSize).ToListAsync(ct);
        var settings = new Dictionary<Guid, HazardSettings>();
        var escalated = 0;
        foreach (var report in due)
        {
            if (!settings.TryGetValue(report.TownId, out var town))
            {
                town = settings[report.TownId] = await HazardRouting.SettingsAsync(db, report.TownId, ct);
            }

            var next = town.Policy.NextEscalationFrom(now, report.Urgency, report.Status != HazardStatus.Reported, town.Calendar);
            var reason = report.Status == HazardStatus.Reported ? "超过受理时限未受理" : "超过办结时限未办结";
            if (!report.Escalate(reason, now, next).IsSuccess)
            {
                continue;
            }

            db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.HazardReport, report.Id, "Escalated", null, $"{reason}，自动上报至{HazardRouting.LevelName(report.Level)}", null, now));
            HazardRouting.NotifyReporter(db, report, "escalated", $"已上报至{HazardRouting.LevelName(report.Level)}处理", now);
            await HazardRouting.NotifyLevelAsync(db, report, now, ct);
            escalated++;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A member of staff acted on one of them meanwhile; the next run looks again.
            return 0;
        }

        return escalated;
    }
}
