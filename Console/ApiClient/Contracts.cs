namespace Points.Console.ApiClient;

// Twins of the Api's request and response records (Api/*/…Contracts.cs); enums travel as their names.

public sealed record StaffLoginRequest(string Username, string Password);

public sealed record ClientCredentialsRequest(string ClientId, string ClientSecret);

public sealed record RefreshRequest(string RefreshToken);

public sealed record MeResponse(Guid Id, IReadOnlyList<string> Roles, string DisplayName, Guid? CommunityId, Guid? TownId, Guid? GridId, Guid? MerchantId);

public sealed record TokenResponse(string AccessToken, string? RefreshToken, int ExpiresIn, MeResponse? Account);

public sealed record GridResponse(Guid Id, string Name);

public sealed record CommunityResponse(Guid Id, Guid TownId, string Name, IReadOnlyList<GridResponse> Grids);

public sealed record ActivityRequest(
    string? Title, string? Description, string? Category, Guid? CommunityId, string? Address, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    DateTimeOffset? SignUpOpensAt, DateTimeOffset? SignUpClosesAt, DateTimeOffset? CancellationDeadline, int Capacity, int Points);

public sealed record SignUpResponse(
    Guid Id, Guid ActivityId, Guid ResidentId, string Status, DateTimeOffset SignedUpAt, bool FromWaitlist, DateTimeOffset? CancelledAt, bool CancelledLate,
    bool NoShow, DateTimeOffset? CheckedInAt, DateTimeOffset? CheckedOutAt, int? AttendedMinutes, string? ResidentName);

public sealed record ActivityResponse(
    Guid Id, Guid TownId, Guid CommunityId, string Title, string? Description, string Category, string? Address, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    DateTimeOffset SignUpOpensAt, DateTimeOffset SignUpClosesAt, DateTimeOffset CancellationDeadline, int Capacity, int Taken, int PlacesLeft, int Points,
    string Status, bool SignUpOpen);

public sealed record ActivityPage(IReadOnlyList<ActivityResponse> Items, int Page, int PageSize, int Total);

public sealed record CheckInCodeResponse(string Code, DateTimeOffset ExpiresAt, string QrPng);

public sealed record AttendanceRequest(IReadOnlyList<Guid> ResidentIds, string Status);

public sealed record AttendanceResult(Guid ResidentId, string Outcome, string? Title, long? PointsAwarded);

public sealed record AttendanceResponse(int Confirmed, IReadOnlyList<AttendanceResult> Results);

public sealed record StaffCheckRequest(DateTimeOffset? At);

public sealed record TimelineStepResponse(string Action, DateTimeOffset At, string? Note, int? Points, bool ByMe);

public sealed record ReviewItemResponse(
    Guid Id, Guid ResidentId, string ResidentName, Guid CommunityId, string Category, string Text, IReadOnlyList<Guid> PhotoIds, string Level,
    int? ProposedPoints, int DefaultPoints, DateTimeOffset SubmittedAt, DateTimeOffset LastActionAt, double AgeDays, bool Stale, int Version);

public sealed record ReviewQueueResponse(string Level, int Total, int StaleCount, IReadOnlyList<ReviewItemResponse> Items);

public sealed record DeclarationResponse(
    Guid Id, Guid ResidentId, Guid CommunityId, string Category, string Text, IReadOnlyList<Guid> PhotoIds, string Status, string Level,
    int? ProposedPoints, int? AwardedPoints, string? LastReason, DateTimeOffset SubmittedAt, DateTimeOffset LastActionAt, int Version,
    IReadOnlyList<TimelineStepResponse>? History);

public sealed record ReviewDeclarationRequest(string Decision, string? Reason, int? Points, int? Version);

public sealed record HazardResponse(
    Guid Id, Guid CommunityId, string Category, string Description, string Address, IReadOnlyList<Guid> PhotoIds, string Status, int? AwardedPoints,
    DateTimeOffset ReportedAt, DateTimeOffset LastActionAt, int Version,
    string Urgency = "Green", Guid? AssigneeId = null, DateTimeOffset? AcceptDueAt = null, DateTimeOffset? CloseDueAt = null, bool Overdue = false, string Level = "Grid",
    Guid? GridId = null, string? UrgencyReason = null);

public sealed record EscalateHazardRequest(string Reason, int? Version);

public sealed record ResidentListItem(Guid Id, string DisplayName, string? PhoneMasked, Guid? CommunityId, string? CommunityName, Guid? GridId, string? GridName, bool IsActive);

public sealed record ResidentPage(IReadOnlyList<ResidentListItem> Items, int Page, int PageSize, int Total);

public sealed record ResidentEntryResponse(Guid Id, long Points, string Reason, string? Note, DateTimeOffset At);

public sealed record ResidentSignUpResponse(Guid ActivityId, string Title, DateTimeOffset StartsAt, string Status, int Points);

public sealed record ResidentDeclarationResponse(Guid Id, string Category, string Text, string Status, int? AwardedPoints, DateTimeOffset SubmittedAt);

public sealed record ResidentCreditResponse(int Score, string Tier, string Band, DateTimeOffset AsOf);

public sealed record ResidentDetailResponse(
    ResidentListItem Resident, long Balance, IReadOnlyList<ResidentEntryResponse> Entries, IReadOnlyList<ResidentSignUpResponse> SignUps,
    IReadOnlyList<ResidentDeclarationResponse> Declarations, ResidentCreditResponse? Credit);

public sealed record AdjustmentRequest(Guid ResidentId, long Points, string Reason);

public sealed record AdjustmentResponse(Guid EntryId, Guid ResidentId, long Points, string Reason, DateTimeOffset At, long Balance);

public sealed record SummaryRowResponse(Guid? ResidentId, string Name, long Opening, IReadOnlyDictionary<string, long> EarnedBySource, long Earned, long Spent, long Expired, long Adjusted, long Closing);

public sealed record SummaryResponse(Guid CommunityId, string CommunityName, string Month, IReadOnlyList<SummaryRowResponse> Residents);

public sealed record NegativeRecordResponse(
    Guid Id, Guid ResidentId, Guid CommunityId, string Kind, string Description, int Severity, IReadOnlyList<Guid> EvidenceIds, DateTimeOffset OccurredAt,
    DateTimeOffset ExpiresAt, string Status, bool Counting, string? Explanation, string? AppealReason, DateTimeOffset? AppealedAt, string? DecisionNote);

public sealed record HazardTransitionRequest(string Action, string? Rejection, string? Note, int? Points, int? Version);
