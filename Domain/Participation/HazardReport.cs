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
        Version++;
        if (next == HazardStatus.Closed)
        {
            AwardedPoints = points;
            return points;
        }

        return 0;
    }

    public void RecordAward(int posted) => AwardedPoints = posted;
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
    public static readonly DomainError NoCommunity = DomainError.Unprocessable("hazard.no_community", "请先在“我的”里选择所属村社");
}
