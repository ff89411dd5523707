using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Points.Console.Shell;

namespace Points.Console.ApiClient;

/// <summary>
/// The console's only way to the server: one method per API route, the signed-in person's bearer token on every call,
/// problems returned as <see cref="Problem"/>. The token is renewed before it expires; a 401 ends the session.
/// </summary>
public sealed partial class PointsApi(HttpClient http, Session session, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly SemaphoreSlim _refreshing = new(1, 1);

    // Auth
    public async Task<ApiResult<TokenResponse>> SignInAsync(string username, string password)
    {
        var result = await SendAsync<TokenResponse>(HttpMethod.Post, "api/auth/staff", new StaffLoginRequest(username, password), anonymous: true);
        if (result.Value is { Account: not null } token)
        {
            await session.StartAsync(token);
        }

        return result;
    }

    /// <summary>A bank's loan officer signs in with the bank's client credentials (<c>POST /api/auth/token</c>); the token has no refresh.</summary>
    public async Task<ApiResult<TokenResponse>> BankSignInAsync(string clientId, string clientSecret)
    {
        var result = await SendAsync<TokenResponse>(HttpMethod.Post, "api/auth/token", new ClientCredentialsRequest(clientId, clientSecret), anonymous: true);
        if (result.Value is { Account: not null } token)
        {
            await session.StartAsync(token);
        }

        return result;
    }

    public Task SignOutAsync() => session.EndAsync(expired: false);

    public Task<ApiResult<MeResponse>> MeAsync() => GetAsync<MeResponse>("api/me");

    // Regions
    public Task<ApiResult<List<CommunityResponse>>> CommunitiesAsync() => GetAsync<List<CommunityResponse>>("api/communities");

    // Activities
    public Task<ApiResult<ActivityPage>> ActivitiesAsync(string? status, string? category, DateOnly? from, DateOnly? to, int page)
    {
        var query = Query(("status", status), ("category", category), ("from", Day(from)), ("to", Day(to?.AddDays(1))), ("page", page.ToString(CultureInfo.InvariantCulture)), ("pageSize", "20"));
        return GetAsync<ActivityPage>("api/activities" + query);
    }

    public Task<ApiResult<ActivityResponse>> ActivityAsync(Guid id) => GetAsync<ActivityResponse>($"api/activities/{id}");

    public Task<ApiResult<ActivityResponse>> CreateActivityAsync(ActivityRequest request) => SendAsync<ActivityResponse>(HttpMethod.Post, "api/activities", request);

    public Task<ApiResult<ActivityResponse>> UpdateActivityAsync(Guid id, ActivityRequest request) => SendAsync<ActivityResponse>(HttpMethod.Patch, $"api/activities/{id}", request);

    public Task<ApiResult<ActivityResponse>> PublishActivityAsync(Guid id) => SendAsync<ActivityResponse>(HttpMethod.Post, $"api/activities/{id}/publish", new { });

    public Task<ApiResult<ActivityResponse>> CancelActivityAsync(Guid id) => SendAsync<ActivityResponse>(HttpMethod.Post, $"api/activities/{id}/cancel", new { });

    public Task<ApiResult<ActivityResponse>> CompleteActivityAsync(Guid id) => SendAsync<ActivityResponse>(HttpMethod.Post, $"api/activities/{id}/complete", new { });

    public Task<ApiResult<List<SignUpResponse>>> RosterAsync(Guid id) => GetAsync<List<SignUpResponse>>($"api/activities/{id}/signups");

    public Task<ApiResult<DownloadedFile>> RosterFileAsync(Guid id) => DownloadAsync($"api/activities/{id}/signups?format=xlsx");

    public Task<ApiResult<CheckInCodeResponse>> CheckInCodeAsync(Guid id) => GetAsync<CheckInCodeResponse>($"api/activities/{id}/checkin-code");

    /// <summary>The WeChat mini-program code (a PNG) that opens the check-in page.</summary>
    public Task<ApiResult<DownloadedFile>> MiniProgramCodeAsync(Guid id) => DownloadAsync($"api/activities/{id}/checkin-code?kind=miniprogram");

    public Task<ApiResult<SignUpResponse>> StaffCheckInAsync(Guid id, Guid residentId) =>
        SendAsync<SignUpResponse>(HttpMethod.Post, $"api/activities/{id}/signups/{residentId}/checkin", new StaffCheckRequest(null));

    public Task<ApiResult<SignUpResponse>> StaffCheckOutAsync(Guid id, Guid residentId) =>
        SendAsync<SignUpResponse>(HttpMethod.Post, $"api/activities/{id}/signups/{residentId}/checkout", new StaffCheckRequest(null));

    public Task<ApiResult<AttendanceResponse>> AttendanceAsync(Guid id, IReadOnlyList<Guid> residentIds, bool attended) =>
        SendAsync<AttendanceResponse>(HttpMethod.Post, $"api/activities/{id}/attendance", new AttendanceRequest(residentIds, attended ? "Attended" : "NoShow"));

    // Reviews
    public Task<ApiResult<ReviewQueueResponse>> ReviewQueueAsync(string level, bool staleOnly) =>
        GetAsync<ReviewQueueResponse>("api/reviews" + Query(("level", level), ("staleOnly", staleOnly ? "true" : null)));

    public Task<ApiResult<DeclarationResponse>> DeclarationAsync(Guid id) => GetAsync<DeclarationResponse>($"api/declarations/{id}");

    public Task<ApiResult<DeclarationResponse>> ReviewDeclarationAsync(Guid id, ReviewDeclarationRequest request) =>
        SendAsync<DeclarationResponse>(HttpMethod.Post, $"api/declarations/{id}/review", request);

    public Task<ApiResult<List<HazardResponse>>> HazardsAsync() => GetAsync<List<HazardResponse>>("api/hazards");

    public Task<ApiResult<HazardResponse>> EscalateHazardAsync(Guid id, EscalateHazardRequest request) =>
        SendAsync<HazardResponse>(HttpMethod.Post, $"api/hazards/{id}/escalate", request);

    public Task<ApiResult<HazardResponse>> TransitionHazardAsync(Guid id, HazardTransitionRequest request) =>
        SendAsync<HazardResponse>(HttpMethod.Post, $"api/hazards/{id}/transitions", request);

    /// <summary>A photo as a data: URL (the image route needs the bearer token, an &lt;img src&gt; cannot send it).</summary>
    public async Task<string?> PhotoDataUrlAsync(Guid uploadId)
    {
        var file = await DownloadAsync($"api/uploads/{uploadId}");
        return file.Value is { } f ? $"data:{f.ContentType};base64,{Convert.ToBase64String(f.Bytes)}" : null;
    }

    // Residents
    public Task<ApiResult<ResidentPage>> ResidentsAsync(string? q, Guid? community, Guid? grid, int page) =>
        GetAsync<ResidentPage>("api/residents" + Query(("q", q), ("community", community?.ToString()), ("grid", grid?.ToString()), ("page", page.ToString(CultureInfo.InvariantCulture))));

    public Task<ApiResult<ResidentDetailResponse>> ResidentAsync(Guid id) => GetAsync<ResidentDetailResponse>($"api/residents/{id}");

    public Task<ApiResult<List<NegativeRecordResponse>>> NegativeRecordsAsync(Guid residentId) => GetAsync<List<NegativeRecordResponse>>($"api/residents/{residentId}/negative-records");

    /// <summary>The idempotency key is made when the form opens and reused on every retry of that submission.</summary>
    public Task<ApiResult<AdjustmentResponse>> AdjustPointsAsync(AdjustmentRequest request, string idempotencyKey) =>
        SendAsync<AdjustmentResponse>(HttpMethod.Post, "api/points/adjustments", request, idempotencyKey: idempotencyKey);

    // Summaries
    public Task<ApiResult<SummaryResponse>> SummaryAsync(Guid communityId, string month) => GetAsync<SummaryResponse>($"api/communities/{communityId}/summaries/{month}");

    public Task<ApiResult<DownloadedFile>> SummaryFileAsync(Guid communityId, string month, string format) => DownloadAsync($"api/communities/{communityId}/summaries/{month}?format={format}");

    // Plumbing
    public Task<ApiResult<T>> GetAsync<T>(string path) => SendAsync<T>(HttpMethod.Get, path, null);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, bool anonymous = false, string? idempotencyKey = null)
    {
        using var response = await ExchangeAsync(method, path, body, anonymous, idempotencyKey);
        if (response is null)
        {
            return new ApiResult<T>(default, Problem.Network());
        }

        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<T>(default, await ReadProblemAsync(response));
        }

        try
        {
            return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(Json), null);
        }
        catch (JsonException)
        {
            return new ApiResult<T>(default, Problem.Unexpected(response.StatusCode));
        }
    }

    public async Task<ApiResult<DownloadedFile>> DownloadAsync(string path)
    {
        using var response = await ExchangeAsync(HttpMethod.Get, path, null, anonymous: false, idempotencyKey: null);
        if (response is null)
        {
            return new ApiResult<DownloadedFile>(null, Problem.Network());
        }

        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<DownloadedFile>(null, await ReadProblemAsync(response));
        }

        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "download";
        return new ApiResult<DownloadedFile>(
            new DownloadedFile(name, response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream", await response.Content.ReadAsByteArrayAsync()), null);
    }

    private async Task<HttpResponseMessage?> ExchangeAsync(HttpMethod method, string path, object? body, bool anonymous, string? idempotencyKey)
    {
        if (!anonymous)
        {
            await RefreshIfDueAsync();
        }

        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                // a form (an upload) goes as it is; anything else as JSON
                request.Content = body as HttpContent ?? JsonContent.Create(body, body.GetType(), options: Json);
            }

            if (!anonymous && session.AccessToken is { } token)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            var response = await http.SendAsync(request);
            if (!anonymous && response.StatusCode == HttpStatusCode.Unauthorized)
            {
                await session.EndAsync(expired: true);
            }

            return response;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task RefreshIfDueAsync()
    {
        if (!session.NeedsRefresh)
        {
            return;
        }

        await _refreshing.WaitAsync();
        try
        {
            if (!session.NeedsRefresh || session.RefreshToken is not { } refresh)
            {
                return;
            }

            using var response = await http.PostAsJsonAsync("api/auth/refresh", new RefreshRequest(refresh), Json);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<TokenResponse>(Json) is { } token)
            {
                await session.RenewAsync(token);
            }
            else if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
            {
                await session.EndAsync(expired: true);
            }
        }
        catch (HttpRequestException)
        {
            // offline: the call that follows reports the network problem
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private static async Task<Problem> ReadProblemAsync(HttpResponseMessage response)
    {
        try
        {
            var doc = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            var errors = new Dictionary<string, string[]>();
            if (doc.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray() : [];
                }
            }

            return new Problem((int)response.StatusCode, Text(doc, "code"), Text(doc, "title") ?? "请求失败", Text(doc, "detail"), errors);
        }
        catch (JsonException)
        {
            return Problem.Unexpected(response.StatusCode);
        }
    }

    private static string? Text(JsonElement doc, string name) => doc.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Day(DateOnly? day) => day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00+08:00" : null;

    private static string Query(params (string Name, string? Value)[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join("&", present);
    }
}

public sealed record DownloadedFile(string Name, string ContentType, byte[] Bytes);
