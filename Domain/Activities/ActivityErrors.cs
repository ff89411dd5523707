using Points.Domain.Common;

namespace Points.Domain.Activities;

/// <summary>Expected failures of activities and sign-ups: stable codes clients switch on, titles residents read.</summary>
public static class ActivityErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("activity.not_found", "活动不存在");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("activity.out_of_scope", "只能管理本村社（或本镇街）的活动");
    public static readonly DomainError Full = DomainError.Conflict("activity.full", "名额已满，可以加入候补名单");
    public static readonly DomainError NotOpen = DomainError.Conflict("activity.not_open", "活动当前不在报名时间内");
    public static readonly DomainError NotEligible = DomainError.Forbidden("signup.not_eligible", "该活动仅限指定村社或镇街的居民报名");
    public static readonly DomainError Duplicate = DomainError.Conflict("signup.duplicate", "您已报名该活动");
    public static readonly DomainError SignUpNotFound = DomainError.NotFound("signup.not_found", "您没有报名该活动");
    public static readonly DomainError CancelTooLate = DomainError.Conflict("signup.cancel_closed", "活动已开始，不能再取消报名");
    public static readonly DomainError InvalidTransition = DomainError.Conflict("activity.invalid_state", "活动当前状态不允许此操作");
    public static readonly DomainError CapacityBelowSignUps = DomainError.Conflict("activity.capacity_below_signups", "名额不能少于已报名人数");
    public static readonly DomainError WaitlistNotFull = DomainError.Conflict("waitlist.not_full", "活动还有名额，请直接报名");
    public static readonly DomainError WaitlistDuplicate = DomainError.Conflict("waitlist.duplicate", "您已在候补名单中");
    public static readonly DomainError WaitlistNotFound = DomainError.NotFound("waitlist.not_found", "您不在候补名单中");
    public static readonly DomainError CheckInCodeInvalid = DomainError.Validation("checkin.code_invalid", "签到码无效");
    public static readonly DomainError CheckInCodeExpired = DomainError.Conflict("checkin.code_expired", "签到码已过期，请扫描最新的签到码");
    public static readonly DomainError CheckInClosed = DomainError.Conflict("checkin.closed", "当前不在签到时间内");
    public static readonly DomainError CheckInTooFar = DomainError.Conflict("checkin.too_far", "您距离活动地点太远，无法签到");
    public static readonly DomainError CheckInLocationRequired = DomainError.Validation("checkin.location_required", "签到需要提供您的位置");
    public static readonly DomainError NotCheckedIn = DomainError.Conflict("checkin.not_checked_in", "尚未签到，不能签退");
    public static readonly DomainError CheckTimeInvalid = DomainError.Validation("checkin.time_invalid", "签到/签退时间须在活动时间附近且不晚于现在");
    public static readonly DomainError AttendanceTooEarly = DomainError.Conflict("attendance.too_early", "活动结束后才能确认出勤");
}
