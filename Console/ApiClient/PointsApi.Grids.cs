using System.Globalization;

namespace Points.Console.ApiClient;

/// <summary>Grids down to the micro-grid, the hazard workflow with its clock, report statistics, the audit log and proxy work.</summary>
public sealed partial class PointsApi
{
    public const int HazardPageSize = 50;

    public Task<ApiResult<RegionNode>> RegionTreeAsync() => GetAsync<RegionNode>("api/regions/tree");

    public Task<ApiResult<MicroGridResponse>> CreateMicroGridAsync(Guid gridId, CreateMicroGridRequest request) =>
        SendAsync<MicroGridResponse>(HttpMethod.Post, $"api/grids/{gridId}/micro-grids", request);

    public Task<ApiResult<GridWorkerList>> GridWorkersAsync(Guid gridId) => GetAsync<GridWorkerList>($"api/grids/{gridId}/workers");

    public Task<ApiResult<GridWorkersResponse>> SetGridWorkersAsync(Guid gridId, IReadOnlyList<Guid> workerIds) =>
        SendAsync<GridWorkersResponse>(HttpMethod.Put, $"api/grids/{gridId}/workers", new GridWorkersRequest(workerIds));

    /// <summary>The town's grid-worker accounts (the candidates a grid's workers are chosen from).</summary>
    public Task<ApiResult<PageOf<StaffResponse>>> GridWorkerAccountsAsync() => GetAsync<PageOf<StaffResponse>>("api/staff?role=GridWorker&pageSize=100");

    /// <summary>Staff accounts for a filter (first 100 by username).</summary>
    public Task<ApiResult<PageOf<StaffResponse>>> StaffPickerAsync() => GetAsync<PageOf<StaffResponse>>("api/staff?pageSize=100");

    public async Task<ApiResult<HazardPage>> HazardPageAsync(Guid? grid, string? status, string? urgency, bool? overdue, int page)
    {
        var path = "api/hazards" + Query(("gridId", grid?.ToString()), ("status", status), ("urgency", urgency), ("overdue", overdue is { } o ? (o ? "true" : "false") : null),
            ("page", page.ToString(CultureInfo.InvariantCulture)), ("pageSize", HazardPageSize.ToString(CultureInfo.InvariantCulture)));
        var (items, total, problem) = await GetWithTotalAsync<List<HazardResponse>>(path);
        return problem is null ? new(new HazardPage(items!, page, HazardPageSize, total), null) : new(null, problem);
    }

    public Task<ApiResult<HazardResponse>> AssignHazardAsync(Guid id, AssignHazardRequest request) =>
        SendAsync<HazardResponse>(HttpMethod.Post, $"api/hazards/{id}/assign", request);

    public Task<ApiResult<HazardResponse>> ChangeHazardUrgencyAsync(Guid id, HazardUrgencyRequest request) =>
        SendAsync<HazardResponse>(HttpMethod.Post, $"api/hazards/{id}/urgency", request);

    public Task<ApiResult<ReportStatsResponse>> ReportStatsAsync(string month, Guid? community) =>
        GetAsync<ReportStatsResponse>("api/report-stats" + Query(("month", month), ("community", community?.ToString())));

    public Task<ApiResult<AuditLogPage>> AuditAsync(Guid? actor, string? entity, DateOnly? from, DateOnly? to, int page) =>
        GetAsync<AuditLogPage>("api/audit" + Query(("actor", actor?.ToString()), ("entity", entity), ("from", Day(from)), ("to", Day(to?.AddDays(1))),
            ("page", page.ToString(CultureInfo.InvariantCulture))));

    public Task<ApiResult<ProxySessionResponse>> OpenProxySessionAsync(Guid residentId, string? reason) =>
        SendAsync<ProxySessionResponse>(HttpMethod.Post, $"api/residents/{residentId}/proxy-sessions", new OpenProxySessionRequest(reason));

    /// <summary>Ends the session (204): null on success, else the problem.</summary>
    public async Task<Problem?> EndProxySessionAsync(Guid sessionId)
    {
        using var response = await ExchangeAsync(HttpMethod.Post, $"api/proxy-sessions/{sessionId}/end", new { }, anonymous: false, idempotencyKey: null);
        return response is null ? Problem.Network() : response.IsSuccessStatusCode ? null : await ReadProblemAsync(response);
    }

    private async Task<(T? Value, int Total, Problem? Problem)> GetWithTotalAsync<T>(string path)
    {
        using var response = await ExchangeAsync(HttpMethod.Get, path, null, anonymous: false, idempotencyKey: null);
        if (response is null)
        {
            return (default, 0, Problem.Network());
        }

        if (!response.IsSuccessStatusCode)
        {
            return (default, 0, await ReadProblemAsync(response));
        }

        var total = response.Headers.TryGetValues("X-Total-Count", out var values) && int.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var t) ? t : 0;
        try
        {
            return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<T>(response.Content, Json), total, null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (default, 0, Problem.Unexpected(response.StatusCode));
        }
    }
}
