using System.ComponentModel.DataAnnotations;
using Points.Domain.Activities;
using Points.Infrastructure.Activities;

namespace Points.Api.Activities;

public sealed record CreateActivityRequest(
    [property: Required(ErrorMessage = "请填写活动标题")]
    [property: StringLength(Activity.TitleMaxLength, ErrorMessage = "活动标题不能超过64个字")]
    string? Title,
    [property: StringLength(Activity.DescriptionMaxLength, ErrorMessage = "活动介绍不能超过2000个字")]
    string? Description,
    [property: Required(ErrorMessage = "请选择活动类别")]
    ActivityCategory? Category,
    Guid? CommunityId,
    [property: StringLength(Activity.AddressMaxLength, ErrorMessage = "活动地址不能超过200个字")]
    string? Address,
    [property: Range(-90.0, 90.0, ErrorMessage = "纬度须在 -90 到 90 之间")]
    double? Latitude,
    [property: Range(-180.0, 180.0, ErrorMessage = "经度须在 -180 到 180 之间")]
    double? Longitude,
    [property: Required(ErrorMessage = "请填写活动开始时间")]
    DateTimeOffset? StartsAt,
    [property: Required(ErrorMessage = "请填写活动结束时间")]
    DateTimeOffset? EndsAt,
    DateTimeOffset? SignUpOpensAt,
    DateTimeOffset? SignUpClosesAt,
    DateTimeOffset? CancellationDeadline,
    [property: Range(Activity.MinCapacity, Activity.MaxCapacity, ErrorMessage = "活动名额须在 1 到 10000 之间")]
    int Capacity,
    [property: Range(0, Activity.MaxPoints, ErrorMessage = "活动积分须在 0 到 1000 之间")]
    int Points,
    Eligibility? Eligibility);

/// <summary>Only the fields present change.</summary>
public sealed record UpdateActivityRequest(
    [property: StringLength(Activity.TitleMaxLength, ErrorMessage = "活动标题不能超过64个字")]
    string? Title,
    [property: StringLength(Activity.DescriptionMaxLength, ErrorMessage = "活动介绍不能超过2000个字")]
    string? Description,
    ActivityCategory? Category,
    [property: StringLength(Activity.AddressMaxLength, ErrorMessage = "活动地址不能超过200个字")]
    string? Address,
    [property: Range(-90.0, 90.0, ErrorMessage = "纬度须在 -90 到 90 之间")]
    double? Latitude,
    [property: Range(-180.0, 180.0, ErrorMessage = "经度须在 -180 到 180 之间")]
    double? Longitude,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? SignUpOpensAt,
    DateTimeOffset? SignUpClosesAt,
    DateTimeOffset? CancellationDeadline,
    [property: Range(Activity.MinCapacity, Activity.MaxCapacity, ErrorMessage = "活动名额须在 1 到 10000 之间")]
    int? Capacity,
    [property: Range(0, Activity.MaxPoints, ErrorMessage = "活动积分须在 0 到 1000 之间")]
    int? Points,
    Eligibility? Eligibility);

public sealed record CheckInRequest(
    [property: Required(ErrorMessage = "请扫描签到码")]
    [property: StringLength(200, ErrorMessage = "签到码无效")]
    string? Code,
    [property: Range(-90.0, 90.0, ErrorMessage = "纬度须在 -90 到 90 之间")]
    double? Lat,
    [property: Range(-180.0, 180.0, ErrorMessage = "经度须在 -180 到 180 之间")]
    double? Lng);

/// <summary>Staff check a resident in or out by hand; <c>at</c> defaults to now.</summary>
public sealed record StaffCheckRequest(DateTimeOffset? At);

public sealed record AttendanceRequest(
    [property: Required(ErrorMessage = "请选择居民")]
    [property: MinLength(1, ErrorMessage = "请至少选择一位居民")]
    [property: MaxLength(1000, ErrorMessage = "一次最多确认1000位居民")]
    Guid[]? ResidentIds,
    [property: Required(ErrorMessage = "请选择出勤或缺席")]
    AttendanceDecision? Status);

public sealed record SignUpResponse(
    Guid Id,
    Guid ActivityId,
    Guid ResidentId,
    SignUpStatus Status,
    DateTimeOffset SignedUpAt,
    bool FromWaitlist,
    DateTimeOffset? CancelledAt,
    bool CancelledLate,
    bool NoShow,
    DateTimeOffset? CheckedInAt,
    DateTimeOffset? CheckedOutAt,
    int? AttendedMinutes,
    string? ResidentName = null)
{
    /// <param name="residentName">the resident's masked name (张*), on the staff roster only</param>
    public static SignUpResponse From(SignUp s, string? residentName = null) =>
        new(s.Id, s.ActivityId, s.ResidentId, s.Status, s.SignedUpAt, s.FromWaitlist, s.CancelledAt, s.CancelledLate, s.NoShow, s.CheckedInAt, s.CheckedOutAt, s.AttendedMinutes, residentName);
}

public sealed record WaitlistResponse(Guid ActivityId, WaitlistStatus Status, DateTimeOffset JoinedAt, int? Position);

public sealed record ActivityResponse(
    Guid Id,
    Guid TownId,
    Guid CommunityId,
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
    int Taken,
    int PlacesLeft,
    int Points,
    Eligibility Eligibility,
    ActivityStatus Status,
    bool SignUpOpen,
    SignUpResponse? MySignUp,
    WaitlistResponse? MyWaitlist)
{
    public static ActivityResponse From(Activity a, DateTimeOffset now, SignUp? mine = null, WaitlistResponse? waitlist = null) =>
        new(a.Id, a.TownId, a.CommunityId, a.Title, a.Description, a.Category, a.Address, a.Latitude, a.Longitude, a.StartsAt, a.EndsAt,
            a.SignUpOpensAt, a.SignUpClosesAt, a.CancellationDeadline, a.Capacity, a.Taken, a.PlacesLeft, a.Points, a.Eligibility, a.Status,
            a.IsSignUpOpen(now), mine is null ? null : SignUpResponse.From(mine), waitlist);
}

public sealed record ActivityPage(IReadOnlyList<ActivityResponse> Items, int Page, int PageSize, int Total);

public sealed record MySignUpItem(SignUpResponse SignUp, Guid ActivityId, string Title, ActivityStatus ActivityStatus, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Address, int Points);

public sealed record CheckInCodeResponse(string Code, DateTimeOffset ExpiresAt, string QrPng);

public sealed record AttendanceResponse(int Confirmed, IReadOnlyList<AttendanceResult> Results);

/// <summary>A resident waiting for a place: the name masked as on the roster, the position the next freed place goes by.</summary>
public sealed record WaitlistItemResponse(Guid ResidentId, string ResidentName, int Position, DateTimeOffset JoinedAt);
