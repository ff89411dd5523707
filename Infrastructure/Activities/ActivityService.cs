using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Points.Domain.Activities;
using Points.Domain.Audit;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Domain.Notifications;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Quotas;

namespace Points.Infrastructure.Activities;

/// <summary>
/// One line of a bulk attendance confirmation: what this call did. <see cref="PointsAwarded"/> is what this call paid;
/// a confirmation repeated after the points were paid pays nothing again and says so in <see cref="PointsPaidEarlier"/>.
/// </summary>
public sealed record AttendanceResult(Guid ResidentId, string Outcome, string? Title, long? PointsAwarded, long? PointsPaidEarlier = null);

/// <summary>
/// The staff side of activities: lifecycle (publish, edit, cancel, complete) keeping the quota store
/// in step with the database, manual check-in/out and attendance with the points it earns.
/// </summary>
public sealed partial class ActivityService(
    PointsDbContext db,
    IQuotaStore quotas,
    SignUpService signUps,
    ActivityDirectory directory,
    EarningService earning,
    TimeProvider clock,
    ILogger<ActivityService> logger)
{
    public async Task<Result<Activity>> PublishAsync(Activity activity, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var published = activity.Publish(now);
        if (!published.IsSuccess)
        {
            return published;
        }

        var changed = await db.Activities.Where(a => a.Id == activity.Id && a.Status == ActivityStatus.Draft)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActivityStatus.Published).SetProperty(a => a.UpdatedAt, now), ct);
        if (changed != 1)
        {
            return ActivityErrors.InvalidTransition;
        }

        await AuditLog.AppendAsync(db, now, nameof(Activity), activity.Id, new { Status = ActivityStatus.Draft }, new { Status = ActivityStatus.Published }, ct);

        await SyncAsync(activity.Id, ct);
        return activity;
    }

    /// <summary>
    /// Edits an activity. The row is locked first so the place counter read is current: capacity can
    /// never drop below the places taken. New places go to the waitlist first, in the same transaction.
    /// </summary>
    public async Task<Result<Activity>> UpdateAsync(Guid id, Func<Activity, ActivityDetails> edit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var promoted = new List<Guid>();
        Activity activity;
        int oldCapacity;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await signUps.LockActivityAsync(id, ct);
            var found = await db.Activities.FirstOrDefaultAsync(a => a.Id == id, ct);
            if (found is null)
            {
                return ActivityErrors.NotFound;
            }

            activity = found;
            oldCapacity = activity.Capacity;
            var updated = activity.Update(edit(activity), now);
            if (!updated.IsSuccess)
            {
                return updated;
            }

            await db.SaveChangesAsync(ct);
            if (activity.Status == ActivityStatus.Published)
            {
                for (var free = activity.Capacity - activity.Taken; free > 0; free--)
                {
                    if (await signUps.PromoteNextAsync(activity, now, ct) is not { } resident)
                    {
                        break;
                    }

                    promoted.Add(resident);
                }

                if (promoted.Count > 0)
                {
                    var count = promoted.Count;
                    await db.Activities.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Taken, a => a.Taken + count), ct);
                }
            }

            await tx.CommitAsync(ct);
        }

        directory.Invalidate(id);
        try
        {
            var open = activity.Status == ActivityStatus.Published;
            if (!await quotas.UpdateSettingsAsync(id, activity.Capacity, open, activity.SignUpOpensAt, activity.SignUpClosesAt, QuotaStateReader.ExpiresAt(activity), ct))
            {
                await SyncAsync(id, ct);
            }
            else
            {
                foreach (var resident in promoted)
                {
                    await quotas.AddAsync(id, resident, ct);
                }
            }
        }
        catch (Exception ex) when (SignUpService.IsStoreFailure(ex))
        {
            LogStoreFailed(logger, ex, id);
        }

        _ = oldCapacity;
        return await db.Activities.AsNoTracking().FirstAsync(a => a.Id == id, ct);
    }

    /// <summary>Cancels the activity: every place is released and every signed-up resident notified, in one transaction.</summary>
    public async Task<Result<Activity>> CancelAsync(Activity activity, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rule = activity.Cancel(now);
        if (!rule.IsSuccess)
        {
            return rule;
        }

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var changed = await db.Activities
                .Where(a => a.Id == activity.Id && (a.Status == ActivityStatus.Draft || a.Status == ActivityStatus.Published))
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActivityStatus.Cancelled).SetProperty(a => a.Taken, 0).SetProperty(a => a.UpdatedAt, now), ct);
            if (changed != 1)
            {
                await tx.RollbackAsync(ct);
                return ActivityErrors.InvalidTransition;
            }

            var residents = await db.SignUps.Where(s => s.ActivityId == activity.Id && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync(ct);
            await db.SignUps.Where(s => s.ActivityId == activity.Id && s.Status == SignUpStatus.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SignUpStatus.Cancelled).SetProperty(x => x.CancelledAt, now), ct);
            await db.WaitlistEntries.Where(w => w.ActivityId == activity.Id && w.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WaitlistStatus.Left), ct);
            foreach (var resident in residents)
            {
                db.Notifications.Add(Outbox.Create(resident, NotificationKind.ActivityCancelled, Outbox.ActivityPayload(activity), $"activity-cancelled:{activity.Id}:{resident}", now));
            }

            if (AuditLog.For(now, nameof(Activity), activity.Id, AuditAction.Modified, null, new { Status = ActivityStatus.Cancelled, CancelledSignUps = residents.Count }) is { } audit)
            {
                db.AuditEntries.Add(audit);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        await SyncAsync(activity.Id, ct);
        return activity;
    }

    public async Task<Result<Activity>> CompleteAsync(Activity activity, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rule = activity.Complete(now);
        if (!rule.IsSuccess)
        {
            return rule;
        }

        var changed = await db.Activities.Where(a => a.Id == activity.Id && a.Status == ActivityStatus.Published)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActivityStatus.Completed).SetProperty(a => a.UpdatedAt, now), ct);
        if (changed != 1)
        {
            return ActivityErrors.InvalidTransition;
        }

        await AuditLog.AppendAsync(db, now, nameof(Activity), activity.Id, new { Status = ActivityStatus.Published }, new { Status = ActivityStatus.Completed }, ct);

        await SyncAsync(activity.Id, ct);
        return activity;
    }

    /// <summary>Rewrites the activity's quota state from the database (after a lifecycle change).</summary>
    private async Task SyncAsync(Guid id, CancellationToken ct)
    {
        directory.Invalidate(id);
        try
        {
            var state = await new QuotaStateReader(db).ReadAsync(id, ct);
            if (state is not null)
            {
                await quotas.LoadAsync(state, onlyIfMissing: false, ct);
            }
        }
        catch (Exception ex) when (SignUpService.IsStoreFailure(ex))
        {
            LogStoreFailed(logger, ex, id);
        }
    }

    /// <summary>Check-in (by code or by staff) or check-out of one signed-up resident.</summary>
    public async Task<Result<SignUp>> CheckAsync(Activity activity, Guid residentId, bool checkOut, CheckInMethod method, DateTimeOffset at, CancellationToken ct)
    {
        var signUp = await db.SignUps.FirstOrDefaultAsync(s => s.ActivityId == activity.Id && s.ResidentId == residentId, ct);
        if (signUp is null)
        {
            return ActivityErrors.SignUpNotFound;
        }

        var result = checkOut ? signUp.CheckOut(activity, at) : signUp.CheckIn(activity, method, at);
        if (!result.IsSuccess)
        {
            return result;
        }

        await db.SaveChangesAsync(ct);
        return signUp;
    }

    /// <summary>
    /// Confirms attended or no-show for many residents. Attended earns the activity's points once:
    /// the award's idempotency key is <c>attendance:{signUpId}</c>, so confirming again never pays twice.
    /// </summary>
    public async Task<Result<IReadOnlyList<AttendanceResult>>> ConfirmAttendanceAsync(Activity activity, IReadOnlyCollection<Guid> residentIds, AttendanceDecision decision, Guid staffId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (activity.AttendanceRefusal(now) is { } refused)
        {
            return refused;
        }

        var ids = residentIds.Distinct().ToList();
        var rows = await db.SignUps.Where(s => s.ActivityId == activity.Id && ids.Contains(s.ResidentId)).ToListAsync(ct);
        var results = new List<AttendanceResult>();
        foreach (var residentId in ids)
        {
            var signUp = rows.FirstOrDefault(s => s.ResidentId == residentId);
            if (signUp is null)
            {
                results.Add(new AttendanceResult(residentId, ActivityErrors.SignUpNotFound.Code, ActivityErrors.SignUpNotFound.Title, null));
                continue;
            }

            var outcome = decision == AttendanceDecision.Attended ? signUp.ConfirmAttended(activity, staffId, now) : signUp.ConfirmNoShow(staffId, now);
            if (!outcome.IsSuccess)
            {
                results.Add(new AttendanceResult(residentId, outcome.Error.Code, outcome.Error.Title, null));
                continue;
            }

            await db.SaveChangesAsync(ct);
            if (decision == AttendanceDecision.NoShow || activity.Points == 0)
            {
                results.Add(new AttendanceResult(residentId, decision.ToString(), null, decision == AttendanceDecision.NoShow ? null : 0));
                continue;
            }

            var award = await earning.AwardAsync(
                new EarnRequest(residentId, activity.TownId, TransferReason.ActivityAttendance, activity.Points, $"attendance:{signUp.Id}", "activity", activity.Id.ToString(), activity.Title.Length > 100 ? activity.Title[..100] : activity.Title, staffId),
                ct);
            results.Add(award.IsSuccess
                ? award.Value.Replayed
                    ? new AttendanceResult(residentId, decision.ToString(), "积分此前已发放，本次未重复发放", 0, award.Value.Entry.Points)
                    : new AttendanceResult(residentId, decision.ToString(), null, award.Value.Entry.Points)
                : new AttendanceResult(residentId, award.Error.Code, award.Error.Title, 0));
        }

        return results;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "quota store update for activity {ActivityId} failed; the reconciler will repair it")]
    private static partial void LogStoreFailed(ILogger logger, Exception ex, Guid activityId);
}
