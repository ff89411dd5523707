using Points.Domain.Common;

namespace Points.Domain.Activities;

/// <summary>
/// A resident's place on an activity; one row per (activity, resident), reused when a resident who
/// cancelled signs up again. The fields the credit profile reads later stay queryable:
/// <see cref="Status"/>, <see cref="CancelledLate"/>, <see cref="NoShow"/>, check-in/out times and
/// <see cref="AttendedMinutes"/>.
/// </summary>
public sealed class SignUp
{
    private SignUp()
    {
    }

    public SignUp(Guid id, Guid activityId, Guid residentId, DateTimeOffset now, bool fromWaitlist = false)
    {
        Id = id;
        ActivityId = activityId;
        ResidentId = residentId;
        Status = SignUpStatus.Active;
        SignedUpAt = now;
        FromWaitlist = fromWaitlist;
    }

    public Guid Id { get; private set; }

    public Guid ActivityId { get; private set; }

    public Guid ResidentId { get; private set; }

    public SignUpStatus Status { get; private set; }

    public DateTimeOffset SignedUpAt { get; private set; }

    /// <summary>The place came from the waitlist.</summary>
    public bool FromWaitlist { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    /// <summary>Cancelled after the activity's cancellation deadline.</summary>
    public bool CancelledLate { get; private set; }

    /// <summary>
    /// When the resident first cancelled this sign-up after the deadline. Kept when they sign up again, as
    /// <see cref="NoShowAt"/> is kept: the credit features as of any later instant still see the late cancellation.
    /// </summary>
    public DateTimeOffset? LateCancelledAt { get; private set; }

    /// <summary>Staff confirmed the resident did not come.</summary>
    public bool NoShow { get; private set; }

    /// <summary>
    /// When staff recorded the no-show. Kept when the no-show is later corrected to attended, so the
    /// credit features as of an earlier instant still see what was on record then.
    /// </summary>
    public DateTimeOffset? NoShowAt { get; private set; }

    public DateTimeOffset? CheckedInAt { get; private set; }

    public CheckInMethod? CheckInMethod { get; private set; }

    public DateTimeOffset? CheckedOutAt { get; private set; }

    public int? AttendedMinutes { get; private set; }

    /// <summary>When staff last decided attended or no-show: the status holds from this instant on.</summary>
    public DateTimeOffset? ConfirmedAt { get; private set; }

    public Guid? ConfirmedBy { get; private set; }

    public bool HoldsPlace => Status == SignUpStatus.Active;

    /// <summary>
    /// A resident who cancelled takes a place again on the same row: active from <paramref name="now"/>, the cancellation
    /// cleared. <see cref="LateCancelledAt"/> and <see cref="NoShowAt"/> stay, so the credit history keeps them.
    /// </summary>
    public Result<SignUp> Rejoin(DateTimeOffset now, bool fromWaitlist)
    {
        if (Status != SignUpStatus.Cancelled)
        {
            return ActivityErrors.Duplicate;
        }

        Status = SignUpStatus.Active;
        SignedUpAt = now;
        FromWaitlist = fromWaitlist;
        CancelledAt = null;
        CancelledLate = false;
        return this;
    }

    public Result<SignUp> Cancel(Activity activity, DateTimeOffset now)
    {
        if (Status != SignUpStatus.Active)
        {
            return ActivityErrors.SignUpNotFound;
        }

        if (now >= activity.StartsAt)
        {
            return ActivityErrors.CancelTooLate;
        }

        Status = SignUpStatus.Cancelled;
        CancelledAt = now;
        CancelledLate = now > activity.CancellationDeadline;
        if (CancelledLate)
        {
            LateCancelledAt ??= now;
        }

        return this;
    }

    public Result<SignUp> CheckIn(Activity activity, CheckInMethod method, DateTimeOffset at)
    {
        if (Status != SignUpStatus.Active)
        {
            return ActivityErrors.SignUpNotFound;
        }

        if (CheckedInAt is null)
        {
            CheckedInAt = at;
            CheckInMethod = method;
        }

        _ = activity;
        return this;
    }

    public Result<SignUp> CheckOut(Activity activity, DateTimeOffset at)
    {
        if (Status != SignUpStatus.Active)
        {
            return ActivityErrors.SignUpNotFound;
        }

        if (CheckedInAt is not { } checkedIn)
        {
            return ActivityErrors.NotCheckedIn;
        }

        CheckedOutAt = at < checkedIn ? checkedIn : at;
        AttendedMinutes = activity.PresentMinutes(checkedIn, CheckedOutAt);
        return this;
    }

    /// <summary>
    /// Staff confirm the resident attended: they must have checked in and been present for at least
    /// 60% of the activity (up to check-out, or the end when they never checked out).
    /// </summary>
    public Result<SignUp> ConfirmAttended(Activity activity, Guid staffId, DateTimeOffset now)
    {
        if (Status == SignUpStatus.Attended)
        {
            return this;
        }

        if (Status is not (SignUpStatus.Active or SignUpStatus.NoShow))
        {
            return DomainError.Conflict("attendance.not_signed_up", "该居民没有有效的报名");
        }

        if (CheckedInAt is not { } checkedIn)
        {
            return DomainError.Conflict("attendance.not_checked_in", "该居民没有签到记录，请先补签到");
        }

        var minutes = activity.PresentMinutes(checkedIn, CheckedOutAt);
        if (!activity.MeetsAttendanceRule(minutes))
        {
            return DomainError.Conflict("attendance.too_short", "在场时间不足活动时长的60%，不能记为出勤").With("attendedMinutes", minutes);
        }

        Status = SignUpStatus.Attended;
        NoShow = false;
        AttendedMinutes = minutes;
        ConfirmedAt = now;
        ConfirmedBy = staffId;
        return this;
    }

    public Result<SignUp> ConfirmNoShow(Guid staffId, DateTimeOffset now)
    {
        if (Status == SignUpStatus.NoShow)
        {
            return this;
        }

        if (Status == SignUpStatus.Attended)
        {
            return DomainError.Conflict("attendance.already_attended", "该居民已确认出勤并获得积分");
        }

        if (Status != SignUpStatus.Active)
        {
            return DomainError.Conflict("attendance.not_signed_up", "该居民没有有效的报名");
        }

        Status = SignUpStatus.NoShow;
        NoShow = true;
        NoShowAt = now;
        ConfirmedAt = now;
        ConfirmedBy = staffId;
        return this;
    }
}

/// <summary>A resident waiting for a place; the earliest waiting entry gets the next freed place.</summary>
public sealed class WaitlistEntry
{
    private WaitlistEntry()
    {
    }

    public WaitlistEntry(Guid id, Guid activityId, Guid residentId, DateTimeOffset now)
    {
        Id = id;
        ActivityId = activityId;
        ResidentId = residentId;
        JoinedAt = now;
        Status = WaitlistStatus.Waiting;
    }

    public Guid Id { get; private set; }

    public Guid ActivityId { get; private set; }

    public Guid ResidentId { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    public WaitlistStatus Status { get; private set; }

    public DateTimeOffset? PromotedAt { get; private set; }

    /// <summary>The waiting entry gets a freed place.</summary>
    public Result<WaitlistEntry> Promote(DateTimeOffset now)
    {
        if (Status != WaitlistStatus.Waiting)
        {
            return ActivityErrors.WaitlistNotFound;
        }

        Status = WaitlistStatus.Promoted;
        PromotedAt = now;
        return this;
    }

    public Result<WaitlistEntry> Leave()
    {
        if (Status != WaitlistStatus.Waiting)
        {
            return ActivityErrors.WaitlistNotFound;
        }

        Status = WaitlistStatus.Left;
        return this;
    }

    /// <summary>A resident who left (or was promoted and later cancelled) waits again, at the back of the queue.</summary>
    public Result<WaitlistEntry> Rejoin(DateTimeOffset now)
    {
        if (Status == WaitlistStatus.Waiting)
        {
            return ActivityErrors.WaitlistDuplicate;
        }

        Status = WaitlistStatus.Waiting;
        JoinedAt = now;
        PromotedAt = null;
        return this;
    }
}
