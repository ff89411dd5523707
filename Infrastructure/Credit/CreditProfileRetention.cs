using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Credit;

/// <summary>Outcome of one retention run.</summary>
public sealed record RetentionSummary(int Deleted, int Months, int Protected, DateTimeOffset KeepFrom);

/// <summary>
/// Keeps the credit profile history useful without one row per resident per night forever. A profile is kept when
/// any of these holds; every other profile is deleted:
/// <list type="bullet">
/// <item>its as-of is in the last <see cref="KeepDays"/> days (from the start of that Shanghai day);</item>
/// <item>it is the resident's last profile of its calendar month (Asia/Shanghai), by as-of then computed-at;</item>
/// <item>its tier differs from the resident's previous profile (the resident's first profile counts as a change);</item>
/// <item>the resident's latest appeal, latest review request or any open one refers to it: the profile whose id the
/// appeal names as its record, or else the profile the resident saw when filing (the latest computed by then).</item>
/// </list>
/// Deleting what the rule allows never turns a kept profile into a deletable one (a deleted profile has the tier of
/// its predecessor, so tier changes stay changes), so a second run deletes nothing more. Old history is worked
/// through one Shanghai month at a time, in batches of <see cref="BatchSize"/>, with set-based statements only
/// (provider-neutral: PostgreSQL and SQLite).
/// </summary>
public sealed partial class CreditProfileRetention(PointsDbContext db, TimeProvider clock, ILogger<CreditProfileRetention> logger)
{
    public const int KeepDays = 90;
    public const int BatchSize = 5_000;

    public async Task<RetentionSummary> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var keepFrom = ShanghaiTime.StartOfDay(ShanghaiTime.Today(now).AddDays(-KeepDays));
        var oldest = await db.CreditProfiles.AsNoTracking().Where(p => p.AsOf < keepFrom)
            .OrderBy(p => p.AsOf).Select(p => (DateTimeOffset?)p.AsOf).FirstOrDefaultAsync(ct);
        if (oldest is null)
        {
            return new RetentionSummary(0, 0, 0, keepFrom);
        }

        var protectedIds = await ProtectedAsync(ct);
        var deleted = 0;
        var months = 0;
        var first = ShanghaiTime.Today(oldest.Value);
        for (var (year, month) = (first.Year, first.Month); ShanghaiTime.Month(year, month).Start < keepFrom; (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1))
        {
            var (start, end) = ShanghaiTime.Month(year, month);
            months++;
            while (true)
            {
                var batch = await Deletable(start, end, keepFrom, protectedIds).Select(p => p.Id).Take(BatchSize).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }

                // The conditions are checked again by the delete itself (an appeal may have come in meanwhile).
                var removed = await Deletable(start, end, keepFrom, protectedIds).Where(p => batch.Contains(p.Id)).ExecuteDeleteAsync(ct);
                deleted += removed;
                if (batch.Count < BatchSize || removed == 0)
                {
                    break;
                }
            }
        }

        LogRetention(logger, deleted, months, keepFrom);
        return new RetentionSummary(deleted, months, protectedIds.Count, keepFrom);
    }

    /// <summary>Profiles of the Shanghai month [start, end) that the rule lets go.</summary>
    private IQueryable<CreditProfile> Deletable(DateTimeOffset start, DateTimeOffset end, DateTimeOffset keepFrom, List<Guid> protectedIds) =>
        db.CreditProfiles.Where(p =>
            p.AsOf >= start && p.AsOf < end && p.AsOf < keepFrom
            && !protectedIds.Contains(p.Id)

            // Not the month's last: a later profile of the resident exists in the same month.
            && db.CreditProfiles.Any(q => q.ResidentId == p.ResidentId && q.AsOf < end
                && (q.AsOf > p.AsOf || (q.AsOf == p.AsOf && q.ComputedAt > p.ComputedAt)))

            // Not a tier change: the previous profile has the same tier (none before it: a change).
            && db.CreditProfiles
                .Where(q => q.ResidentId == p.ResidentId && (q.AsOf < p.AsOf || (q.AsOf == p.AsOf && q.ComputedAt < p.ComputedAt)))
                .OrderByDescending(q => q.AsOf).ThenByDescending(q => q.ComputedAt)
                .Select(q => q.Tier)
                .FirstOrDefault() == p.Tier);

    /// <summary>
    /// Profiles appeals refer to. An appeal has no profile column: a human review (and a dispute) is about the
    /// profile the resident saw when filing, the latest one computed by then; a dispute may also name a profile id
    /// as its record. Considered: per resident the latest appeal of each kind, and every appeal still open.
    /// </summary>
    private async Task<List<Guid>> ProtectedAsync(CancellationToken ct)
    {
        var appeals = await db.CreditAppeals.AsNoTracking()
            .Where(a => a.Status == CreditAppealStatus.Open
                || !db.CreditAppeals.Any(b => b.ResidentId == a.ResidentId && b.Kind == a.Kind && b.CreatedAt > a.CreatedAt))
            .Select(a => new
            {
                a.RecordRef,
                Seen = db.CreditProfiles
                    .Where(p => p.ResidentId == a.ResidentId && p.ComputedAt <= a.CreatedAt)
                    .OrderByDescending(p => p.AsOf).ThenByDescending(p => p.ComputedAt)
                    .Select(p => (Guid?)p.Id)
                    .FirstOrDefault(),
            })
            .ToListAsync(ct);
        var ids = new HashSet<Guid>();
        foreach (var a in appeals)
        {
            if (a.Seen is { } seen)
            {
                ids.Add(seen);
            }

            if (Guid.TryParse(a.RecordRef, out var named))
            {
                ids.Add(named);
            }
        }

        return [.. ids];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "credit profile retention deleted {Deleted} profiles over {Months} months before {KeepFrom}")]
    private static partial void LogRetention(ILogger logger, int deleted, int months, DateTimeOffset keepFrom);
}

/// <summary>Applies <see cref="CreditProfileRetention"/> once per Shanghai day from 03:00 (after the 02:00 re-score), on one instance (DB lease).</summary>
public sealed class CreditProfileRetentionJob : DailyJob
{
    public static readonly TimeOnly Time = new(3, 0);

    public override string Name => "credit.profile-retention";

    public override TimeOnly RunAt => Time;

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var retention = (CreditProfileRetention)services.GetService(typeof(CreditProfileRetention))!;
        await retention.RunAsync(ct);
    }
}
