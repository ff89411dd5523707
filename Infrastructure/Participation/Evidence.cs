using Microsoft.EntityFrameworkCore;
using Points.Domain.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>The rule for photos attached anywhere (declarations, hazards, negative records).</summary>
public static class Evidence
{
    /// <summary>
    /// Upload ids accepted anywhere must be uploads of one of <paramref name="owners"/> (the resident concerned,
    /// or the staff member recording), visible, so nobody can attach, and thereby expose, another person's photo.
    /// </summary>
    public static async Task<bool> OwnedByAnyAsync(PointsDbContext db, IReadOnlyList<Guid> ids, IReadOnlyList<Guid> owners, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return true;
        }

        var distinct = ids.Distinct().ToList();
        var found = await db.Uploads.CountAsync(u => distinct.Contains(u.Id) && owners.Contains(u.OwnerId) && u.Moderation != ModerationStatus.Risky, ct);
        return found == distinct.Count;
    }
}
