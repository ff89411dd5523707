using Microsoft.EntityFrameworkCore;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Identity;

/// <summary>Whether a password attempt may be checked, and the throttle rows it holds a place in.</summary>
public sealed record LoginAdmission(bool Admitted, DateTimeOffset? LockedUntil, IReadOnlyList<string> Sources);

/// <summary>
/// Password-login throttling (<see cref="LoginThrottle"/>). Each attempt takes a place in the per-source row,
/// and in the account-wide row unless the source is trusted, with one conditional update per row: the
/// database decides, so thirty parallel guesses get at most the limit evaluated. A failure that fills a row
/// locks it (one conditional update, so exactly one lock event); a success clears its source and trusts it.
/// </summary>
public sealed class LoginThrottleService(PointsDbContext db, TimeProvider clock)
{
    public async Task<LoginAdmission> AdmitAsync(Guid userId, string source, CancellationToken ct)
    {
        source = Normalise(source);
        var now = clock.GetUtcNow();
        await EnsureRowAsync(userId, source, now, ct);
        var trusted = await db.LoginThrottles.AsNoTracking().AnyAsync(t => t.UserId == userId && t.Source == source && t.TrustedUntil > now, ct);
        var sources = trusted ? new[] { source } : [LoginThrottle.AllSources, source];
        var taken = new List<string>();
        foreach (var row in sources)
        {
            if (row == LoginThrottle.AllSources)
            {
                await EnsureRowAsync(userId, row, now, ct);
            }

            if (!await TakePlaceAsync(userId, row, now, ct))
            {
                foreach (var held in taken)
                {
                    await db.LoginThrottles.Where(t => t.UserId == userId && t.Source == held && t.Attempts > 0)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts - 1), ct);
                }

                var lockedUntil = await db.LoginThrottles.AsNoTracking().Where(t => t.UserId == userId && t.Source == row && t.LockedUntil > now)
                    .Select(t => t.LockedUntil).FirstOrDefaultAsync(ct);
                return new LoginAdmission(false, lockedUntil, []);
            }

            taken.Add(row);
        }

        return new LoginAdmission(true, null, taken);
    }

    /// <summary>Counts the failure in every row the attempt held; returns the lock it caused or met, if any.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(Guid userId, LoginAdmission admission, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + LoginThrottle.LockoutDuration;
        DateTimeOffset? locked = null;
        foreach (var source in admission.Sources)
        {
            var limit = LoginThrottle.LimitFor(source);
            await db.LoginThrottles.Where(t => t.UserId == userId && t.Source == source)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, t => t.Failures + 1), ct);
            var lockedNow = await db.LoginThrottles.Where(t => t.UserId == userId && t.Source == source && t.LockedUntil == null && t.Failures >= limit)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LockedUntil, until), ct);
            if (lockedNow == 1)
            {
                db.AccountLockEvents.Add(AccountLockEvent.Locked(Guid.CreateVersion7(), userId, source, now, until));
                await db.SaveChangesAsync(ct);
                locked = until;
            }
            else if (locked is null)
            {
                locked = await db.LoginThrottles.AsNoTracking().Where(t => t.UserId == userId && t.Source == source && t.LockedUntil > now)
                    .Select(t => t.LockedUntil).FirstOrDefaultAsync(ct);
            }
        }

        return locked;
    }

    /// <summary>The right password: the source starts afresh and is trusted; the account-wide row gives back the place.</summary>
    public async Task RecordSuccessAsync(Guid userId, LoginAdmission admission, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var trustedUntil = now + LoginThrottle.TrustDuration;
        foreach (var source in admission.Sources)
        {
            if (source == LoginThrottle.AllSources)
            {
                await db.LoginThrottles.Where(t => t.UserId == userId && t.Source == source && t.Attempts > 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts - 1), ct);
            }
            else
            {
                await db.LoginThrottles.Where(t => t.UserId == userId && t.Source == source)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(t => t.Attempts, 0)
                        .SetProperty(t => t.Failures, 0)
                        .SetProperty(t => t.LockedUntil, (DateTimeOffset?)null)
                        .SetProperty(t => t.WindowStartedAt, now)
                        .SetProperty(t => t.TrustedUntil, trustedUntil), ct);
            }
        }
    }

    /// <summary>Clears every lock and count of the account (staff action, audited); returns how many rows were locked.</summary>
    public async Task<int> UnlockAsync(Guid userId, Guid actorId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var wasLocked = await db.LoginThrottles.CountAsync(t => t.UserId == userId && t.LockedUntil > now, ct);
        await db.LoginThrottles.Where(t => t.UserId == userId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Attempts, 0)
                .SetProperty(t => t.Failures, 0)
                .SetProperty(t => t.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.WindowStartedAt, now), ct);
        db.AccountLockEvents.Add(AccountLockEvent.Unlocked(Guid.CreateVersion7(), userId, actorId, now));
        await db.SaveChangesAsync(ct);
        return wasLocked;
    }

    /// <summary>
    /// One conditional update: admitted while the row is unlocked and below its limit, or its window or lock
    /// has run out (which starts a new window). SET expressions read the row as it was, on both providers.
    /// </summary>
    private async Task<bool> TakePlaceAsync(Guid userId, string source, DateTimeOffset now, CancellationToken ct)
    {
        var limit = LoginThrottle.LimitFor(source);
        var windowStart = now - LoginThrottle.Window;
        var admitted = await db.LoginThrottles
            .Where(t => t.UserId == userId && t.Source == source
                && ((t.LockedUntil != null && t.LockedUntil <= now) || (t.LockedUntil == null && (t.Attempts < limit || t.WindowStartedAt <= windowStart))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Attempts, t => t.LockedUntil != null || t.WindowStartedAt <= windowStart ? 1 : t.Attempts + 1)
                .SetProperty(t => t.Failures, t => t.LockedUntil != null || t.WindowStartedAt <= windowStart ? 0 : t.Failures)
                .SetProperty(t => t.WindowStartedAt, t => t.LockedUntil != null || t.WindowStartedAt <= windowStart ? now : t.WindowStartedAt)
                .SetProperty(t => t.LockedUntil, (DateTimeOffset?)null), ct);
        return admitted == 1;
    }

    private async Task EnsureRowAsync(Guid userId, string source, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.LoginThrottles.AsNoTracking().AnyAsync(t => t.UserId == userId && t.Source == source, ct))
        {
            return;
        }

        var row = new LoginThrottle(userId, source, now);
        db.LoginThrottles.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // A parallel attempt created it; its row is as good as ours.
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    private static string Normalise(string source) =>
        string.IsNullOrWhiteSpace(source) ? "unknown" : source.Length > LoginThrottle.SourceMaxLength ? source[..LoginThrottle.SourceMaxLength] : source;
}
