namespace Points.Console.ApiClient;

// Twins of Api/Regions (grids, micro-grids, workers), Api/Participation (hazard workflow, report statistics),
// Api/Audit (the audit log, proxy sessions).

public sealed record RegionNode(Guid Id, string Kind, string Name, int Residents, int Workers, int OpenReports, string? MicroGridKind,
    IReadOnlyList<RegionNode> Children, Guid? LeaderId = null, string? LeaderName = null);

public sealed record CreateMicroGridRequest(string? Name, string? Kind);

public sealed record MicroGridResponse(Guid Id, Guid GridId, Guid CommunityId, string Name, string Kind, Guid? LeaderId);

public sealed record GridWorkersRequest(IReadOnlyList<Guid> WorkerIds);

public sealed record GridWorkersResponse(Guid GridId, IReadOnlyList<Guid> WorkerIds);

public sealed record GridWorker(Guid Id, string Username, string DisplayName, bool IsActive, DateTimeOffset AssignedAt);

public sealed record GridWorkerList(Guid GridId, string GridName, Guid CommunityId, IReadOnlyList<GridWorker> Workers);

public sealed record AssignHazardRequest(Guid WorkerId, int? Version);

public sealed record HazardUrgencyRequest(string Urgency, string Reason, int? Version);

/// <summary>One page of the hazard queue, with the total the API sends in X-Total-Count.</summary>
public sealed record HazardPage(IReadOnlyList<HazardResponse> Items, int Page, int PageSize, int Total);

public sealed record GridReportStats(Guid? GridId, string GridName, int Received, int AcceptedOnTime, int ClosedOnTime, int Closed, int Rated, int Satisfied,
    double? AcceptedOnTimePercent, double? ClosedOnTimePercent, double? ClosureRatePercent, double? SatisfactionPercent);

public sealed record ReportStatsResponse(string Month, Guid TownId, Guid? CommunityId, Guid? GridId, GridReportStats Total, IReadOnlyList<GridReportStats> Grids);

public sealed record AuditEntryResponse(
    Guid Id, Guid? ActorId, string? ActorName, string ActorRole, DateTimeOffset OccurredAt, string Entity, string EntityId, string Action,
    string? Before, string? After, string? Reason, Guid? ProxySessionId);

public sealed record AuditLogPage(IReadOnlyList<AuditEntryResponse> Items, int Page, int PageSize, int Total);

public sealed record OpenProxySessionRequest(string? Reason);

public sealed record ProxySessionResponse(Guid Id, string AccessToken, DateTimeOffset ExpiresAt, Guid ProxyId, Guid ResidentId);
