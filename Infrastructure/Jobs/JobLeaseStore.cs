using Microsoft.EntityFrameworkCore;
using Points.Domain.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Jobs;

/// <summary>
/// Leases on named jobs, kept in the database every instance shares. Taking a lease is one
/// conditional UPDATE (free, expired, or already ours) or, the first time, an INSERT that a primary
/// key settles; so at most one holder owns a job at any instant, on PostgreSQL and SQLite alike.
/// </summary>
public sealed class JobLeaseStore(PointsDbContext db, TimeProvider clock)
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + ttl;
        var taken = await db.JobLeases
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
        {
            return true;
        }

        if (await db.JobLeases.AnyAsync(l => l.Name == name, ct))
        {
            return false;
        }

        var lease = new JobLease(name, holder, until);
        db.JobLeases.Add(lease);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.Entry(lease).State = EntityState.Detached;
            return false;
        }
    }

    public async Task<DateTimeOffset?> LastRunAsync(string name, CancellationToken ct) =>
        await db.JobLeases.Where(l => l.Name == name).Select(l => l.LastRunAt).FirstOrDefaultAsync(ct);

    /// <summary>Records a finished run and frees the lease at once.</summary>
    public async Task CompleteAsync(string name, string holder, bool ran, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (ran)
        {
            await db.JobLeases.Where(l => l.Name == name && l.Holder == holder)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, now).SetProperty(l => l.LastRunAt, now), ct);
        }
        else
        {
            await db.JobLeases.Where(l => l.Name == name && l.Holder == holder)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, now), ct);
        }
    }
}
