using Points.Domain.Common;

namespace Points.Domain.Participation;

public enum HazardCategory
{
    Fire,
    Electrical,
    Gas,
    Traffic,
    Building,
    Water,
    Environment,
    Other,
}

public enum HazardStatus
{
    Reported,
    Accepted,
    Fixing,
    Closed,
    Rejected,
}

public enum HazardRejection
{
    Duplicate,
    NotAHazard,
}

public enum HazardAction
{
    Accept,
    StartFixing,
    Close,
    Reject,
}

/// <summary>
/// A hazard a resident photographed (一起查隐患 / 随手拍), routed to the staff of the resident's
/// community (and grid). Reported → Accepted → Fixing → Closed, or Rejected as a duplicate or not a
/// hazard. Closing verifies it and earns the reporter points.
/// </summary>
public sealed class HazardReport
{
    public const int DescriptionMaxLength = 1000;
    public const int AddressMaxLength = 200;
    public const int NoteMaxLength = 500;
    public const int DefaultPoints = 10;

    private HazardReport()
    {
        Description = string.Empty;
        Address = string.Empty;
        PhotoIds = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid ReporterId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    public HazardCategory Category { get; private set; }

    public string Description { get; private set; }

    public double Latitude { get; private set; }

    public double Longitude { get; private set; }

    public string Address { get; private set; }

    public string PhotoIds { get; private set; }

    public HazardStatus Status { get; private set; }

    public HazardRejection? Rejection { get; private set; }

    public int? AwardedPoints { get; private set; }

    public DateTimeOffset ReportedAt { get; private set; }

    public DateTimeOffset LastActionAt { get; private set; }

    public int Version { get; private set; }

    public HazardUrgency Urgency { get; private set; }

    /// <summary>Why staff changed the urgency from the category's default; null while it is the default.</summary>
    public string? UrgencyReason { get; private set; }

    /// <summary>The grid worker it is routed to, if any.</summary>
    public Guid? AssigneeId { get; private set; }

    public HazardLevel Level { get; private set; }

    /// <summary>Deadlines from the report's own time and urgency (what the monthly statistics judge by).</summary>
    public DateTimeOffset AcceptDueAt { get; private set; }

    public DateTimeOffset CloseDueAt { get; private set; }

    /// <summary>When the escalation job moves it one level up if nobody has acted; null at the town level.</summary>
    public DateTimeOffset? EscalateAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public HazardRating? Rating { get; private set; }

    public string? RatingComment { get; private set; }

    public DateTimeOffset? RatedAt { get; private set; }

    /// <summary>Reopened once after a 不满意 rating; a second 不满意 stays closed.</summary>
    public bool Reopened { get; private set; }

    public bool IsOpen => Status is HazardStatus.Reported or HazardStatus.Accepted or HazardStatus.Fixing;

    /// <summary>Past its accept deadline while unaccepted, or past its close deadline while open.</summary>
    public bool IsOverdue(DateTimeOffset now) => (Status == HazardStatus.Reported && now > AcceptDueAt) || (IsOpen && now > CloseDueAt);

    public IReadOnlyList<Guid> PhotoIdList => Declaration.ParseIds(PhotoIds);

    public static Result<HazardReport> Report(Guid id, Guid reporterId, Guid townId, Guid communityId, Guid? gridId, HazardCategory category, string description, double latitude, double longitude, string address, IReadOnlyList<Guid> photoIds, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(description) || description.Trim().Length > DescriptionMaxLength)
        {
            return HazardErrors.DescriptionInvalid;
        }

        if (latitude is < -90 or > 90 || longitude is < -180 or > 180 || double.IsNaN(latitude) || double.IsNaN(longitude))
        {
            return HazardErrors.LocationInvalid;
        }

        if (string.IsNullOrWhiteSpace(address) || address.Trim().Length > AddressMaxLength)
        {
            return HazardErrors.AddressInvalid;
        }

        if (photoIds.Count > Declaration.MaxPhotos || photoIds.Distinct().Count() != photoIds.Count)
        {
            return DeclarationErrors.TooManyPhotos;
        }

        return new HazardReport
        {
            Id = id,
            ReporterId = reporterId,
            TownId = townId,
            CommunityId = communityId,
            GridId = gridId,
            Category = category,
            Description = description.Trim(),
            Latitude = latitude,
            Longitude = longitude,
            Address = address.Trim(),
            PhotoIds = Declaration.JoinIds(photoIds),
            Status = HazardStatus.Reported,
            ReportedAt = now,
            LastActionAt = now,
        };
    }

    /// <summary>Moves the report along; returns the points to award when closing (verified).</summary>
    public Result<int> Apply(HazardAction action, HazardRejection? rejection, int points, DateTimeOffset now)
    {
        var next = (Status, action) switch
        {
            (HazardStatus.Reported, HazardAction.Accept) => HazardStatus.Accepted,
            (HazardStatus.Accepted, HazardAction.StartFixing) => HazardStatus.Fixing,
            (HazardStatus.Accepted or HazardStatus.Fixing, HazardAction.Close) => HazardStatus.Closed,
            (HazardStatus.Reported or HazardStatus.Accepted, HazardAction.Reject) => HazardStatus.Rejected,
            _ => (HazardStatus?)null,
        };
        if (next is null)
        {
            return HazardErrors.InvalidTransition.With("currentStatus", Status.ToString());
        }

        if (action == HazardAction.Reject && rejection is null)
        {
            return HazardErrors.RejectionRequired;
        }

        if (points is < 0 or > Declaration.MaxPoints)
        {
            return DeclarationErrors.PointsInvalid;
        }

        Status = next.Value;
        Rejection = action == HazardAction.Reject ? rejection : null;
        LastActionAt = now;
        AcceptedAt ??= action == HazardAction.Accept ? now : null;
        if (next is HazardStatus.Closed or HazardStatus.Rejected)
        {
            ClosedAt = now;
            EscalateAt = null;
        }
        else if (action == HazardAction.Accept && EscalateAt is not null)
        {
            EscalateAt = Level == HazardLevel.Town ? null : CloseDueAt;
        }

        Version++;
        if (next == HazardStatus.Closed)
        {
            AwardedPoints = points;
            return points;
        }

        return 0;
    }

    public void RecordAward(int posted) => AwardedPoints = posted;

    /// <summary>Sets urgency and deadlines at intake (the category's default urgency) and routes it to a grid worker.</summary>
    public void Schedule(HazardUrgency urgency, HazardDeadlinePolicy policy, WorkCalendar calendar, Guid? assigneeId)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Urgency = urgency;
        (AcceptDueAt, CloseDueAt) = policy.DueFrom(ReportedAt, urgency, calendar);
        EscalateAt = AcceptDueAt;
        Level = HazardLevel.Grid;
        AssigneeId = assigneeId;
    }

    /// <summary>Staff change the urgency, with a reason; the deadlines are counted again from the report's time.</summary>
    public Result<HazardReport> ChangeUrgency(HazardUrgency urgency, string? reason, HazardDeadlinePolicy policy, WorkCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > NoteMaxLength)
        {
            return HazardErrors.ReasonRequired;
        }

        if (!IsOpen)
        {
            return HazardErrors.InvalidTransition.With("currentStatus", Status.ToString());
        }

        Urgency = urgency;
        UrgencyReason = reason.Trim();
        (AcceptDueAt, CloseDueAt) = policy.DueFrom(ReportedAt, urgency, calendar);
        if (Level != HazardLevel.Town)
        {
            EscalateAt = Status == HazardStatus.Reported ? AcceptDueAt : CloseDueAt;
        }

        LastActionAt = now;
        Version++;
        return this;
    }

    /// <summary>Routes an open report to a grid worker of its grid (the caller checks the assignment).</summary>
    public Result<HazardReport> Assign(Guid workerId, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return HazardErrors.InvalidTransition.With("currentStatus", Status.ToString());
        }

        AssigneeId = workerId;
        LastActionAt = now;
        Version++;
        return this;
    }

    /// <summary>Moves an open report one level up (grid → community → town); <paramref name="nextEscalationAt"/> is the new level's window.</summary>
    public Result<HazardLevel> Escalate(string? reason, DateTimeOffset now, DateTimeOffset nextEscalationAt)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > NoteMaxLength)
        {
            return HazardErrors.ReasonRequired;
        }

        if (!IsOpen)
        {
            return HazardErrors.InvalidTransition.With("currentStatus", Status.ToString());
        }

        if (Level == HazardLevel.Town)
        {
            return HazardErrors.AtTopLevel;
        }

        Level = Level + 1;
        EscalateAt = Level == HazardLevel.Town ? null : nextEscalationAt;
        LastActionAt = now;
        Version++;
        return Level;
    }

    /// <summary>The reporter rates a closed report once per closing; 不满意 the first time reopens it (accepted, to be fixed again).</summary>
    public Result<bool> Rate(Guid reporterId, HazardRating rating, string? comment, DateTimeOffset now)
    {
        if (reporterId != ReporterId)
        {
            return HazardErrors.NotFound;
        }

        if (Status != HazardStatus.Closed || RatedAt is not null)
        {
            return HazardErrors.NotRatable;
        }

        if (comment is { Length: > NoteMaxLength })
        {
            return HazardErrors.CommentTooLong;
        }

        Rating = rating;
        RatingComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        RatedAt = now;
        Version++;
        if (rating != HazardRating.Dissatisfied || Reopened)
        {
            return false;
        }

        // The 不满意 stays on record until the reporter rates the second closing.
        Reopened = true;
        Status = HazardStatus.Accepted;
        ClosedAt = null;
        RatedAt = null;
        LastActionAt = now;
        return true;
    }
}

public static class HazardErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("hazard.not_found", "隐患报告不存在");
    public static readonly DomainError DescriptionInvalid = DomainError.Validation("hazard.description_invalid", "隐患描述不能为空且不超过1000字");
    public static readonly DomainError LocationInvalid = DomainError.Validation("hazard.location_invalid", "位置坐标不正确");
    public static readonly DomainError AddressInvalid = DomainError.Validation("hazard.address_invalid", "地址不能为空且不超过200字");
    public static readonly DomainError InvalidTransition = DomainError.Conflict("hazard.invalid_transition", "隐患报告当前状态不允许此操作");
    public static readonly DomainError RejectionRequired = DomainError.Validation("hazard.rejection_required", "不予受理时须选择原因：重复上报或不构成隐患");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("hazard.out_of_scope", "只能处理本村社（镇街）的隐患报告");
    public static readonly DomainError Conflict = DomainError.Conflict("hazard.conflict", "该隐患报告已被其他工作人员处理，请刷新后再看");
    public static readonly DomainError ReasonRequired = DomainError.Validation("hazard.reason_required", "请填写原因（不超过500字）");
    public static readonly DomainError AtTopLevel = DomainError.Conflict("hazard.at_top_level", "已上报至镇街，不能再上报");
    public static readonly DomainError NotRatable = DomainError.Conflict("hazard.not_ratable", "只能对已办结的隐患报告评价一次");
    public static readonly DomainError CommentTooLong = DomainError.Validation("hazard.comment_too_long", "评价内容不超过500字");
    public static readonly DomainError WorkerNotInGrid = DomainError.Unprocessable("hazard.worker_not_in_grid", "只能指派给该隐患所在网格的网格员");
    public static readonly DomainError NoCommunity = DomainError.Unprocessable("hazard.no_community", "请先在“我的”里选择所属村社");
}
