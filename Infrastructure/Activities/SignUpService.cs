using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Notifications;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Quotas;
using StackExchange.Redis;

namespace Points.Infrastructure.Activities;

/// <summary>Who is trying to take a place (from the access token: no database read needed).</summary>
public sealed record Applicant(Guid ResidentId, Guid? TownId, Guid? CommunityId);

/// <summary>
/// Sign-up, cancellation and waitlist. The admit decision is the quota store's (one atomic step);
/// a refusal returns at once without touching the database, except "already in", which the database
/// confirms (the store may hold a place whose attempt never wrote its row). An admitted attempt is written in the
/// same request: the activity's counter moves with <c>WHERE taken &lt; capacity</c> in the same
/// transaction as the sign-up insert (unique on activity + resident), so the database can never hold
/// more sign-ups than places, whatever the store says. If the write fails the place is given back.
/// When the store is unreachable or its state is lost and cannot be rebuilt, the attempt takes the
/// database-guarded path instead: slower, equally exact.
/// </summary>
public sealed partial class SignUpService(
    PointsDbContext db,
    IQuotaStore quotas,
    QuotaRebuilder rebuilder,
    ActivityDirectory directory,
    TimeProvider clock,
    Diagnostics.PointsMetrics metrics,
    ILogger<SignUpService> logger)
{
    private enum WriteOutcome
    {
        Written,
        NoPlace,
        AlreadyIn,
        Closed,
    }

    public static DomainError FullWithWaitlistOffer(Guid activityId) =>
        ActivityErrors.Full.With("waitlist", new { join = $"/api/activities/{activityId}/waitlist", method = "POST" });

    public async Task<Result<SignUp>> SignUpAsync(Guid activityId, Applicant applicant, CancellationToken ct)
    {
        var result = await AdmitAsync(activityId, applicant, ct);
        if (result.IsSuccess)
        {
            metrics.SignUpAdmitted();
        }
        else
        {
            metrics.SignUpRefused(result.Error.Code);
        }

        return result;
    }

    private async Task<Result<SignUp>> AdmitAsync(Guid activityId, Applicant applicant, CancellationToken ct)
    {
        var card = await directory.GetAsync(activityId, db, ct);
        if (card is null)
        {
            return ActivityErrors.NotFound;
        }

        var eligible = Activity.IsEligible(card.Eligibility, card.TownId, card.CommunityId, applicant.TownId, applicant.CommunityId);
        var now = clock.GetUtcNow();
        var attemptId = Guid.CreateVersion7();
        ReserveOutcome outcome;
        try
        {
            outcome = await ReserveAsync(activityId, applicant.ResidentId, eligible, now, attemptId, ct);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            LogStoreUnavailable(logger, ex, activityId);
            outcome = ReserveOutcome.Unknown;
        }

        switch (outcome)
        {
            case ReserveOutcome.Full:
                return FullWithWaitlistOffer(activityId);
            case ReserveOutcome.NotOpen:
                return ActivityErrors.NotOpen;
            case ReserveOutcome.NotEligible:
                return ActivityErrors.NotEligible;
            case ReserveOutcome.Duplicate:
            // The store holds a place for this resident. The database decides whether they have one: the holder may be
            // an attempt still writing (its row then wins the unique key), or one that never wrote (its reply was lost
            // with the connection and it took the database path, or it failed while the store was unreachable).
            case ReserveOutcome.Unknown:
                return await SignUpThroughDatabaseAsync(activityId, applicant.ResidentId, eligible, now, ct);
        }

        (WriteOutcome Outcome, SignUp? SignUp) written;
        try
        {
            written = await WriteAsync(activityId, applicant.ResidentId, now, fromWaitlist: false, ct);
        }
        catch (Exception)
        {
            await QuietlyAsync(() => quotas.ReleaseAsync(activityId, applicant.ResidentId, CancellationToken.None));
            throw;
        }

        switch (written.Outcome)
        {
            case WriteOutcome.Written:
                return written.SignUp!;
            case WriteOutcome.NoPlace:
                await QuietlyAsync(() => quotas.ForfeitAsync(activityId, applicant.ResidentId, CancellationToken.None));
                return FullWithWaitlistOffer(activityId);
            case WriteOutcome.AlreadyIn:
                // The database already counts this resident, and now so does the store.
                return ActivityErrors.Duplicate;
            default:
                await QuietlyAsync(() => quotas.ReleaseAsync(activityId, applicant.ResidentId, CancellationToken.None));
                directory.Invalidate(activityId);
                return ActivityErrors.NotOpen;
        }
    }

    /// <summary>One attempt on the store; a missing state is rebuilt from the database (under a lock) and the attempt retried.</summary>
    private async Task<ReserveOutcome> ReserveAsync(Guid activityId, Guid residentId, bool eligible, DateTimeOffset now, Guid attemptId, CancellationToken ct)
    {
        var outcome = await quotas.TryReserveAsync(activityId, residentId, eligible, now, attemptId, ct);
        for (var i = 0; outcome == ReserveOutcome.Unknown && i < 2; i++)
        {
            await rebuilder.EnsureLoadedAsync(activityId, ct);
            outcome = await quotas.TryReserveAsync(activityId, residentId, eligible, now, attemptId, ct);
        }

        return outcome;
    }

    /// <summary>Used while the store is unreachable: every rule checked against the database, the counter still guarded.</summary>
    private async Task<Result<SignUp>> SignUpThroughDatabaseAsync(Guid activityId, Guid residentId, bool eligible, DateTimeOffset now, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == activityId, ct);
        if (activity is null)
        {
            return ActivityErrors.NotFound;
        }

        if (!activity.IsSignUpOpen(now))
        {
            return ActivityErrors.NotOpen;
        }

        if (!eligible)
        {
            return ActivityErrors.NotEligible;
        }

        if (await db.SignUps.AnyAsync(s => s.ActivityId == activityId && s.ResidentId == residentId && s.Status != SignUpStatus.Cancelled, ct))
        {
            return ActivityErrors.Duplicate;
        }

        if (activity.Taken >= activity.Capacity)
        {
            return FullWithWaitlistOffer(activityId);
        }

        var written = await WriteAsync(activityId, residentId, now, fromWaitlist: false, ct);
        switch (written.Outcome)
        {
            case WriteOutcome.Written:
                await QuietlyAsync(() => quotas.AddAsync(activityId, residentId, CancellationToken.None));
                return written.SignUp!;
            case WriteOutcome.NoPlace:
                return FullWithWaitlistOffer(activityId);
            case WriteOutcome.AlreadyIn:
                return ActivityErrors.Duplicate;
            default:
                return ActivityErrors.NotOpen;
        }
    }

    /// <summary>Takes a place in the database: guarded counter, then the sign-up row, one transaction.</summary>
    private async Task<(WriteOutcome Outcome, SignUp? SignUp)> WriteAsync(Guid activityId, Guid residentId, DateTimeOffset now, bool fromWaitlist, CancellationToken ct)
    {
        // The row goes in first and the counter moves last, so the activity row stays locked only for
        // the guarded UPDATE and the COMMIT: admissions queue on that lock for as short as possible.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await PlaceResidentAsync(activityId, residentId, now, fromWaitlist, ct);
        if (result is null)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (WriteOutcome.AlreadyIn, null);
        }

        var taken = await db.Activities
            .Where(a => a.Id == activityId && a.Taken < a.Capacity).Where(Activity.SignUpOpenAt(now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Taken, a => a.Taken + 1), ct);
        if (taken != 1)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var open = await db.Activities.Where(a => a.Id == activityId).AnyAsync(Activity.SignUpOpenAt(now), ct);
            return (open ? WriteOutcome.NoPlace : WriteOutcome.Closed, null);
        }

        await tx.CommitAsync(ct);
        return (WriteOutcome.Written, result);
    }

    /// <summary>Inserts the sign-up, or reactivates the resident's cancelled one; null when they already hold a place.</summary>
    private async Task<SignUp?> PlaceResidentAsync(Guid activityId, Guid residentId, DateTimeOffset now, bool fromWaitlist, CancellationToken ct)
    {
        var existing = await db.SignUps.AsNoTracking().FirstOrDefaultAsync(s => s.ActivityId == activityId && s.ResidentId == residentId, ct);
        if (existing is not null)
        {
            if (!existing.Rejoin(now, fromWaitlist).IsSuccess)
            {
                return null;
            }

            // The domain decided on the read copy; the guard on the status it came from makes the write exact.
            var reactivated = await db.SignUps.Where(s => s.Id == existing.Id && s.Status == SignUpStatus.Cancelled)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, existing.Status)
                    .SetProperty(x => x.SignedUpAt, existing.SignedUpAt)
                    .SetProperty(x => x.FromWaitlist, existing.FromWaitlist)
                    .SetProperty(x => x.CancelledAt, existing.CancelledAt)
                    .SetProperty(x => x.CancelledLate, existing.CancelledLate), ct);
            if (reactivated != 1)
            {
                return null;
            }

            // Free for residents (not audited); a proxy's rejoin leaves its row like a tracked insert would.
            await AuditLog.AppendAsync(db, now, nameof(SignUp), existing.Id, new { Status = SignUpStatus.Cancelled }, new { existing.Status, existing.SignedUpAt }, ct);
            return await db.SignUps.AsNoTracking().FirstAsync(s => s.Id == existing.Id, ct);
        }

        var signUp = new SignUp(Guid.CreateVersion7(), activityId, residentId, now, fromWaitlist);
        db.SignUps.Add(signUp);
        try
        {
            await db.SaveChangesAsync(ct);
            return signUp;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// Cancels the resident's sign-up (before the start). After the cancellation deadline it still
    /// frees the place but is recorded as late. The freed place goes to the first on the waitlist in
    /// the same transaction; otherwise back to the pool.
    /// </summary>
    public async Task<Result<SignUp>> CancelAsync(Guid activityId, Guid residentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == activityId, ct);
        if (activity is null)
        {
            return ActivityErrors.NotFound;
        }

        var signUp = await db.SignUps.AsNoTracking().FirstOrDefaultAsync(s => s.ActivityId == activityId && s.ResidentId == residentId, ct);
        if (signUp is null)
        {
            return ActivityErrors.SignUpNotFound;
        }

        var rule = signUp.Cancel(activity, now);
        if (!rule.IsSuccess)
        {
            return rule.Error;
        }

        Guid? promoted;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await LockActivityAsync(activityId, ct);
            var cancelled = await db.SignUps.Where(s => s.Id == signUp.Id && s.Status == SignUpStatus.Active)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, SignUpStatus.Cancelled)
                    .SetProperty(x => x.CancelledAt, now)
                    .SetProperty(x => x.CancelledLate, signUp.CancelledLate)
                    // The domain kept the first late cancellation; COALESCE keeps one the row got meanwhile.
                    .SetProperty(x => x.LateCancelledAt, x => x.LateCancelledAt ?? signUp.LateCancelledAt), ct);
            if (cancelled != 1)
            {
                await tx.RollbackAsync(ct);
                return ActivityErrors.SignUpNotFound;
            }

            promoted = activity.Status == ActivityStatus.Published ? await PromoteNextAsync(activity, now, ct) : null;
            if (promoted is null)
            {
                await db.Activities.Where(a => a.Id == activityId && a.Taken > 0).ExecuteUpdateAsync(s => s.SetProperty(a => a.Taken, a => a.Taken - 1), ct);
            }

            await tx.CommitAsync(ct);
        }

        await QuietlyAsync(() => promoted is { } joining
            ? quotas.TransferAsync(activityId, residentId, joining, CancellationToken.None)
            : quotas.ReleaseAsync(activityId, residentId, CancellationToken.None));
        return signUp;
    }

    /// <summary>
    /// Gives a place to the earliest waiting resident, inside the caller's transaction (which holds the
    /// activity row lock) and with their notification. Returns who got it, or null when nobody waits.
    /// The caller keeps the counter: the place passes from one resident to the next.
    /// </summary>
    public async Task<Guid?> PromoteNextAsync(Activity activity, DateTimeOffset now, CancellationToken ct)
    {
        if (!activity.PromotesFromWaitlist(now))
        {
            return null;
        }

        for (var i = 0; i < 20; i++)
        {
            var next = await db.WaitlistEntries.AsNoTracking()
                .Where(w => w.ActivityId == activity.Id && w.Status == WaitlistStatus.Waiting)
                .OrderBy(w => w.JoinedAt).ThenBy(w => w.Id)
                .FirstOrDefaultAsync(ct);
            if (next is null)
            {
                return null;
            }

            next.Promote(now);
            var claimed = await db.WaitlistEntries.Where(w => w.Id == next.Id && w.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, next.Status).SetProperty(w => w.PromotedAt, next.PromotedAt), ct);
            if (claimed != 1)
            {
                continue;
            }

            var placed = await PlaceResidentAsync(activity.Id, next.ResidentId, now, fromWaitlist: true, ct);
            if (placed is null)
            {
                continue;
            }

            db.Notifications.Add(Outbox.Create(next.ResidentId, NotificationKind.WaitlistPromoted, Outbox.ActivityPayload(activity), $"waitlist-promoted:{next.Id}:{now.UtcTicks}", now));
            await db.SaveChangesAsync(ct);
            return next.ResidentId;
        }

        return null;
    }

    /// <summary>Serialises the writes that move one activity's places (row lock on PostgreSQL; SQLite serialises writers anyway).</summary>
    public Task LockActivityAsync(Guid activityId, CancellationToken ct) =>
        db.Activities.Where(a => a.Id == activityId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Taken, a => a.Taken), ct);

    public async Task<Result<(WaitlistEntry Entry, int Position)>> JoinWaitlistAsync(Guid activityId, Applicant applicant, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == activityId, ct);
        if (activity is null)
        {
            return ActivityErrors.NotFound;
        }

        if (!activity.IsWaitlistOpen(now))
        {
            return ActivityErrors.NotOpen;
        }

        if (!activity.IsEligible(applicant.TownId, applicant.CommunityId))
        {
            return ActivityErrors.NotEligible;
        }

        if (await db.SignUps.AnyAsync(s => s.ActivityId == activityId && s.ResidentId == applicant.ResidentId && s.Status != SignUpStatus.Cancelled, ct))
        {
            return ActivityErrors.Duplicate;
        }

        if (activity.Taken < activity.Capacity)
        {
            return ActivityErrors.WaitlistNotFull;
        }

        var entry = await db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(w => w.ActivityId == activityId && w.ResidentId == applicant.ResidentId, ct);
        if (entry is not null)
        {
            var was = entry.Status;
            if (entry.Rejoin(now) is { IsSuccess: false } refused)
            {
                return refused.Error;
            }

            var rejoined = await db.WaitlistEntries.Where(w => w.Id == entry.Id && w.Status == was)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, entry.Status).SetProperty(w => w.JoinedAt, entry.JoinedAt).SetProperty(w => w.PromotedAt, entry.PromotedAt), ct);
            if (rejoined != 1)
            {
                return ActivityErrors.WaitlistDuplicate;
            }
        }
        else
        {
            db.WaitlistEntries.Add(new WaitlistEntry(Guid.CreateVersion7(), activityId, applicant.ResidentId, now));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
            {
                return ActivityErrors.WaitlistDuplicate;
            }
        }

        var mine = await db.WaitlistEntries.AsNoTracking().FirstAsync(w => w.ActivityId == activityId && w.ResidentId == applicant.ResidentId, ct);
        return (mine, await PositionAsync(mine, ct));
    }

    /// <summary>1-based place in the queue, in the order promotion uses (joined time, then id).</summary>
    public async Task<int> PositionAsync(WaitlistEntry entry, CancellationToken ct)
    {
        var queue = await db.WaitlistEntries.AsNoTracking()
            .Where(w => w.ActivityId == entry.ActivityId && w.Status == WaitlistStatus.Waiting && w.JoinedAt <= entry.JoinedAt)
            .Select(w => new { w.Id, w.JoinedAt })
            .ToListAsync(ct);
        return queue.Count(w => w.JoinedAt < entry.JoinedAt || string.CompareOrdinal(w.Id.ToString(), entry.Id.ToString()) <= 0);
    }

    public async Task<DomainError?> LeaveWaitlistAsync(Guid activityId, Guid residentId, CancellationToken ct)
    {
        var entry = await db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(w => w.ActivityId == activityId && w.ResidentId == residentId, ct);
        if (entry is null || entry.Leave() is { IsSuccess: false })
        {
            return ActivityErrors.WaitlistNotFound;
        }

        var left = await db.WaitlistEntries.Where(w => w.Id == entry.Id && w.Status == WaitlistStatus.Waiting)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, entry.Status), ct);
        return left == 1 ? null : ActivityErrors.WaitlistNotFound;
    }

    public static bool IsStoreFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>Store updates after a committed database change: a failure only delays agreement until the next reconcile.</summary>
    private async Task QuietlyAsync(Func<Task> update)
    {
        try
        {
            await update();
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            LogStoreUpdateFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "quota store unavailable for activity {ActivityId}; signing up through the database")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception ex, Guid activityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "quota store update failed; the reconciler will repair it")]
    private static partial void LogStoreUpdateFailed(ILogger logger, Exception ex);
}
