using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Participation;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>One grid's counts in one community for a month (<see cref="Guid.Empty"/>: outside any grid).</summary>
public sealed record GridMonthCounts(Guid CommunityId, Guid GridId, ReportCounts Counts);

/// <summary>
/// A town's monthly report figures by grid. Every count reads only what had happened before the month's end (reported,
/// accepted, closed and rated instants inside the bound); a month that is over is then frozen into
/// <see cref="ReportStatsMonth"/> rows the first time it is asked for and read from them ever after, so later work on
/// its reports (a late closing, a reopening, a changed urgency) never moves a past month's answer.
/// </summary>
public sealed class ReportStatistics(PointsDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<GridMonthCounts>> MonthAsync(Guid townId, int year, int month, CancellationToken ct)
    {
        var key = $"{year:D4}-{month:D2}";
        var (start, end) = ShanghaiTime.Month(year, month);
        var now = clock.GetUtcNow();
        if (now < end)
        {
            return await ComputeAsync(townId, start, end, ct);
        }

        var frozen = await FrozenAsync(townId, key, ct);
        if (frozen.Count > 0)
        {
            return frozen;
        }

        var computed = await ComputeAsync(townId, start, end, ct);
        if (computed.Count == 0)
        {
            return computed; // no report was made that month, and none can be made in it any more
        }

        db.ReportStatsMonths.AddRange(computed.Select(c => new ReportStatsMonth(Guid.CreateVersion7(now), townId, key, c.CommunityId, c.GridId, c.Counts, now)));
        try
        {
            // The freeze is the system's bookkeeping, not the caller's write: it leaves no audit row.
            using (AuditScope.Begin(null))
            {
                await db.SaveChangesAsync(ct);
            }

            return computed;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // Another request froze the month first: its rows are the answer.
            db.ChangeTracker.Clear();
            return await FrozenAsync(townId, key, ct);
        }
    }

    private async Task<List<GridMonthCounts>> FrozenAsync(Guid townId, string month, CancellationToken ct) =>
        (await db.ReportStatsMonths.AsNoTracking().Where(r => r.TownId == townId && r.Month == month).ToListAsync(ct))
            .Select(r => new GridMonthCounts(r.CommunityId, r.GridId, r.Counts)).ToList();

    private async Task<List<GridMonthCounts>> ComputeAsync(Guid townId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var rows = await db.HazardReports.AsNoTracking()
            .Where(h => h.TownId == townId && h.ReportedAt >= start && h.ReportedAt < end)
            .GroupBy(h => new { h.CommunityId, h.GridId })
            .Select(x => new
            {
                x.Key.CommunityId,
                x.Key.GridId,
                Received = x.Count(),
                AcceptedOnTime = x.Count(h => h.AcceptedAt != null && h.AcceptedAt < end && h.AcceptedAt <= h.AcceptDueAt),
                ClosedOnTime = x.Count(h => h.Status == HazardStatus.Closed && h.ClosedAt != null && h.ClosedAt < end && h.ClosedAt <= h.CloseDueAt),
                Closed = x.Count(h => h.Status == HazardStatus.Closed && h.ClosedAt != null && h.ClosedAt < end),
                Rated = x.Count(h => h.Rating != null && h.RatedAt != null && h.RatedAt < end),
                Satisfied = x.Count(h => h.RatedAt != null && h.RatedAt < end && (h.Rating == HazardRating.Satisfied || h.Rating == HazardRating.BasicallySatisfied)),
            }).ToListAsync(ct);
        return rows.Select(r => new GridMonthCounts(r.CommunityId, r.GridId ?? Guid.Empty,
            new ReportCounts(r.Received, r.AcceptedOnTime, r.ClosedOnTime, r.Closed, r.Rated, r.Satisfied))).ToList();
    }
}
