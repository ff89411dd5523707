using System.Linq.Expressions;
using Points.Domain.Common;

namespace Points.Domain.Activities;

/// <summary>What staff enter when creating or editing an activity.</summary>
public sealed record ActivityDetails(
    string Title,
    string? Description,
    ActivityCategory Category,
    string? Address,
    double? Latitude,
    double? Longitude,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset SignUpOpensAt,
    DateTimeOffset SignUpClosesAt,
    DateTimeOffset CancellationDeadline,
    int Capacity,
    int Points,
    Eligibility Eligibility);

/// <summary>
/// A volunteer activity with a limited number of places. <see cref="Taken"/> counts the places held
/// (active sign-ups); the database updates it with <c>WHERE taken &lt; capacity</c> in the same
/// transaction as the sign-up insert, so the table can never hold more sign-ups than places.
/// </summary>
public sealed class Activity
{
    public const int TitleMaxLength = 64;
    public const int DescriptionMaxLength = 2000;
    public const int AddressMaxLength = 200;
    public const int MinCapacity = 1;
    public const int MaxCapacity = 10_000;
    public const int MaxPoints = 1000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    /// <summary>Present at least this share of the activity's length to count as attended.</summary>
    public const double AttendanceShare = 0.6;

    private Activity()
    {
        Title = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public string Title { get; private set; }

    public string? Description { get; private set; }

    public ActivityCategory Category { get; private set; }

    public string? Address { get; private set; }

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public DateTimeOffset StartsAt { get; private set; }

    public DateTimeOffset EndsAt { get; private set; }

    public DateTimeOffset SignUpOpensAt { get; private set; }

    public DateTimeOffset SignUpClosesAt { get; private set; }

    public DateTimeOffset CancellationDeadline { get; private set; }

    public int Capacity { get; private set; }

    /// <summary>Places held by active sign-ups (kept by guarded updates, never above <see cref="Capacity"/>).</summary>
    public int Taken { get; private set; }

    public int Points { get; private set; }

    public Eligibility Eligibility { get; private set; }

    public ActivityStatus Status { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int PlacesLeft => Math.Max(0, Capacity - Taken);

    public TimeSpan Duration => EndsAt - StartsAt;

    public static Result<Activity> Create(Guid id, Guid townId, Guid communityId, ActivityDetails details, Guid createdBy, DateTimeOffset now)
    {
        if (Validate(details) is { } invalid)
        {
            return invalid;
        }

        var activity = new Activity
        {
            Id = id,
            TownId = townId,
            CommunityId = communityId,
            Status = ActivityStatus.Draft,
            CreatedBy = createdBy,
            CreatedAt = now,
        };
        activity.Apply(details, now);
        return activity;
    }

    public ActivityDetails Details => new(Title, Description, Category, Address, Latitude, Longitude, StartsAt, EndsAt, SignUpOpensAt, SignUpClosesAt, CancellationDeadline, Capacity, Points, Eligibility);

    /// <summary>Edits a draft or published activity. Capacity may not drop below the places already taken.</summary>
    public Result<Activity> Update(ActivityDetails details, DateTimeOffset now)
    {
        if (Status is ActivityStatus.Cancelled or ActivityStatus.Completed)
        {
            return ActivityErrors.InvalidTransition;
        }

        if (Validate(details) is { } invalid)
        {
            return invalid;
        }

        if (details.Capacity < Taken)
        {
            return ActivityErrors.CapacityBelowSignUps.With("taken", Taken);
        }

        Apply(details, now);
        return this;
    }

    public Result<Activity> Publish(DateTimeOffset now)
    {
        if (Status != ActivityStatus.Draft)
        {
            return ActivityErrors.InvalidTransition;
        }

        if (EndsAt <= now)
        {
            return DomainError.Conflict("activity.already_over", "活动结束时间已过，不能发布");
        }

        Status = ActivityStatus.Published;
        UpdatedAt = now;
        return this;
    }

    public Result<Activity> Cancel(DateTimeOffset now)
    {
        if (Status is not (ActivityStatus.Draft or ActivityStatus.Published))
        {
            return ActivityErrors.InvalidTransition;
        }

        Status = ActivityStatus.Cancelled;
        Taken = 0;
        UpdatedAt = now;
        return this;
    }

    public Result<Activity> Complete(DateTimeOffset now)
    {
        if (Status != ActivityStatus.Published)
        {
            return ActivityErrors.InvalidTransition;
        }

        if (now < EndsAt)
        {
            return DomainError.Conflict("activity.not_over", "活动尚未结束，不能标记为完成");
        }

        Status = ActivityStatus.Completed;
        UpdatedAt = now;
        return this;
    }

    /// <summary>
    /// The sign-up window: published, opened at or before the instant, closing after it. Stated once:
    /// <see cref="IsSignUpOpen"/> runs it compiled, the guarded UPDATE that takes a place filters by <see cref="SignUpOpenAt"/>.
    /// </summary>
    private static readonly Rule<Activity, DateTimeOffset> SignUpOpenRule =
        new((a, now) => a.Status == ActivityStatus.Published && a.SignUpOpensAt <= now && a.SignUpClosesAt > now);

    public static Expression<Func<Activity, bool>> SignUpOpenAt(DateTimeOffset now) => SignUpOpenRule.At(now);

    public bool IsSignUpOpen(DateTimeOffset now) => SignUpOpenRule.Holds(this, now);

    public bool IsEligible(Guid? townId, Guid? communityId) => IsEligible(Eligibility, TownId, CommunityId, townId, communityId);

    public static bool IsEligible(Eligibility eligibility, Guid activityTownId, Guid activityCommunityId, Guid? townId, Guid? communityId) => eligibility switch
    {
        Eligibility.Anyone => true,
        Eligibility.TownResidents => townId == activityTownId,
        Eligibility.CommunityResidents => communityId == activityCommunityId,
        _ => false,
    };

    /// <summary>Residents may join the waitlist from the opening of sign-up until the start (a freed place is still given before it).</summary>
    public bool IsWaitlistOpen(DateTimeOffset now) => Status == ActivityStatus.Published && now >= SignUpOpensAt && now < StartsAt;

    /// <summary>A freed place goes to the waitlist only before the start; afterwards it goes back to the pool.</summary>
    public bool PromotesFromWaitlist(DateTimeOffset now) => now < StartsAt;

    /// <summary>How early before the start residents may check in.</summary>
    public static readonly TimeSpan CheckInOpensBefore = TimeSpan.FromMinutes(30);

    /// <summary>How long after the end staff may still record a check-in or check-out time.</summary>
    public static readonly TimeSpan StaffRecordingGrace = TimeSpan.FromHours(12);

    /// <summary>Check-in opens 30 minutes before the start and closes at the end.</summary>
    public bool IsCheckInOpen(DateTimeOffset now) =>
        Status is ActivityStatus.Published or ActivityStatus.Completed && now >= StartsAt - CheckInOpensBefore && now <= EndsAt;

    /// <summary>
    /// Why a resident's own check-in at <paramref name="now"/> from (<paramref name="latitude"/>, <paramref name="longitude"/>)
    /// is refused, or null: check-in must be open, and when the activity has a place and <paramref name="radiusMeters"/> is
    /// positive the resident must be within that distance of it.
    /// </summary>
    public DomainError? CheckInRefusal(DateTimeOffset now, double? latitude, double? longitude, double radiusMeters)
    {
        if (!IsCheckInOpen(now))
        {
            return ActivityErrors.CheckInClosed;
        }

        if (radiusMeters <= 0 || Latitude is not { } lat || Longitude is not { } lng)
        {
            return null;
        }

        if (latitude is not { } myLat || longitude is not { } myLng)
        {
            return ActivityErrors.CheckInLocationRequired;
        }

        var distance = Geo.DistanceMeters(lat, lng, myLat, myLng);
        return distance > radiusMeters ? ActivityErrors.CheckInTooFar.With("distanceMeters", Math.Round(distance)) : null;
    }

    /// <summary>Staff may record a check-in or check-out time from when check-in opens until 12 hours after the end, never in the future.</summary>
    public DomainError? StaffCheckTimeRefusal(DateTimeOffset at, DateTimeOffset now) =>
        at > now || at < StartsAt - CheckInOpensBefore || at > EndsAt + StaffRecordingGrace ? ActivityErrors.CheckTimeInvalid : null;

    /// <summary>Attendance is confirmed once the activity is over, while it is published or completed.</summary>
    public DomainError? AttendanceRefusal(DateTimeOffset now) =>
        Status is not (ActivityStatus.Published or ActivityStatus.Completed) ? ActivityErrors.InvalidTransition
        : now < EndsAt ? ActivityErrors.AttendanceTooEarly
        : null;

    /// <summary>Minutes present inside the activity's time, from check-in to check-out (or the end).</summary>
    public int PresentMinutes(DateTimeOffset checkedIn, DateTimeOffset? checkedOut)
    {
        var from = checkedIn > StartsAt ? checkedIn : StartsAt;
        var to = checkedOut is { } o && o < EndsAt ? o : EndsAt;
        return to <= from ? 0 : (int)Math.Floor((to - from).TotalMinutes);
    }

    public bool MeetsAttendanceRule(int presentMinutes) => presentMinutes >= Math.Ceiling(Duration.TotalMinutes * AttendanceShare);

    public static DomainError? Validate(ActivityDetails d)
    {
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Trim().Length > TitleMaxLength)
        {
            return DomainError.Validation("activity.title_invalid", "活动标题不能为空且不超过64个字");
        }

        if (d.Description is { Length: > DescriptionMaxLength })
        {
            return DomainError.Validation("activity.description_too_long", "活动介绍不能超过2000个字");
        }

        if (d.Address is { Length: > AddressMaxLength })
        {
            return DomainError.Validation("activity.address_too_long", "活动地址不能超过200个字");
        }

        if (!Enum.IsDefined(d.Category) || !Enum.IsDefined(d.Eligibility))
        {
            return DomainError.Validation("activity.category_invalid", "活动类别或报名范围不正确");
        }

        if (d.Latitude.HasValue != d.Longitude.HasValue || d.Latitude is < -90 or > 90 || d.Longitude is < -180 or > 180)
        {
            return DomainError.Validation("activity.coordinates_invalid", "活动地点的经纬度不正确（须同时提供，纬度 -90 到 90，经度 -180 到 180）");
        }

        if (d.EndsAt <= d.StartsAt)
        {
            return DomainError.Validation("activity.time_invalid", "活动结束时间须晚于开始时间");
        }

        if (d.EndsAt - d.StartsAt > MaxDuration)
        {
            return DomainError.Validation("activity.too_long", "单次活动不能超过7天");
        }

        if (d.SignUpClosesAt <= d.SignUpOpensAt)
        {
            return DomainError.Validation("activity.signup_window_invalid", "报名截止时间须晚于报名开始时间");
        }

        if (d.SignUpClosesAt > d.StartsAt)
        {
            return DomainError.Validation("activity.signup_window_invalid", "报名须在活动开始前截止");
        }

        if (d.CancellationDeadline > d.StartsAt)
        {
            return DomainError.Validation("activity.cancellation_deadline_invalid", "取消报名截止时间不能晚于活动开始时间");
        }

        if (d.Capacity is < MinCapacity or > MaxCapacity)
        {
            return DomainError.Validation("activity.capacity_invalid", "活动名额须在 1 到 10000 之间");
        }

        if (d.Points is < 0 or > MaxPoints)
        {
            return DomainError.Validation("activity.points_invalid", "活动积分须在 0 到 1000 之间");
        }

        return null;
    }

    private void Apply(ActivityDetails d, DateTimeOffset now)
    {
        Title = d.Title.Trim();
        Description = d.Description;
        Category = d.Category;
        Address = d.Address;
        Latitude = d.Latitude;
        Longitude = d.Longitude;
        StartsAt = d.StartsAt;
        EndsAt = d.EndsAt;
        SignUpOpensAt = d.SignUpOpensAt;
        SignUpClosesAt = d.SignUpClosesAt;
        CancellationDeadline = d.CancellationDeadline;
        Capacity = d.Capacity;
        Points = d.Points;
        Eligibility = d.Eligibility;
        UpdatedAt = now;
    }
}
