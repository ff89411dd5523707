using Microsoft.EntityFrameworkCore;
using Points.Domain.Activities;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Activities;

/// <summary>One resident on an activity's waitlist; the caller masks the name.</summary>
public sealed record WaitlistRow(Guid ResidentId, string ResidentName, int Position, DateTimeOffset JoinedAt);

/// <summary>Who is still waiting for a place, in the order places go to them (earliest first).</summary>
public sealed class WaitlistRoster(PointsDbContext db)
{
    public async Task<IReadOnlyList<WaitlistRow>> WaitingAsync(Guid activityId, CancellationToken ct)
    {
        var rows = await db.WaitlistEntries.AsNoTracking().Where(w => w.ActivityId == activityId && w.Status == WaitlistStatus.Waiting)
            .Join(db.Users.AsNoTracking(), w => w.ResidentId, u => u.Id, (w, u) => new { w.ResidentId, u.DisplayName, w.JoinedAt, w.Id })
            .OrderBy(x => x.JoinedAt).ThenBy(x => x.Id)
            .ToListAsync(ct);
        return rows.Select((x, i) => new WaitlistRow(x.ResidentId, x.DisplayName, i + 1, x.JoinedAt)).ToList();
    }
}
