using System.Net.Http.Json;
using System.Text.Json;

namespace Points.Console.ApiClient;

/// <summary>Credit administration: model versions and cards, training, activation through the guard; the appeals queue.</summary>
public sealed partial class PointsApi
{
    /// <summary>The bank query itself (<c>GET /api/bank/credit/{consentToken}</c>): recorded by the API exactly as a bank system's query is.</summary>
    public Task<ApiResult<BankCreditResponse>> BankCreditAsync(string consentToken) => GetAsync<BankCreditResponse>("api/bank/credit/" + Uri.EscapeDataString(consentToken));

    public Task<ApiResult<List<CreditModelResponse>>> CreditModelsAsync() => GetAsync<List<CreditModelResponse>>("api/admin/credit/models");

    public Task<ApiResult<TrainResponse>> TrainCreditModelAsync() => SendAsync<TrainResponse>(HttpMethod.Post, "api/admin/credit/models/train", new { });

    /// <summary>Activates a version; a refusal by the guard comes back with its checks (the problem's <c>checks</c>).</summary>
    public async Task<ActivationOutcome> ActivateCreditModelAsync(string version, string? overrideReason)
    {
        using var response = await ExchangeAsync(HttpMethod.Post, $"api/admin/credit/models/{Uri.EscapeDataString(version)}/activate",
            new ActivateModelRequest(overrideReason), anonymous: false, idempotencyKey: null);
        if (response is null)
        {
            return new ActivationOutcome(null, Problem.Network(), []);
        }

        if (response.IsSuccessStatusCode)
        {
            try
            {
                return new ActivationOutcome(await response.Content.ReadFromJsonAsync<ActivateResponse>(Json), null, []);
            }
            catch (JsonException)
            {
                return new ActivationOutcome(null, Problem.Unexpected(response.StatusCode), []);
            }
        }

        var body = await response.Content.ReadAsStringAsync();
        var checks = new List<ActivationCheck>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("checks", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                checks.AddRange(list.EnumerateArray().Select(c => new ActivationCheck(c.GetProperty("code").GetString() ?? string.Empty, c.GetProperty("title").GetString() ?? string.Empty)));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // no checks to show; the problem's title still says why
        }

        using var copy = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/problem+json") };
        return new ActivationOutcome(null, await ReadProblemAsync(copy), checks);
    }

    public Task<ApiResult<List<StaffAppealResponse>>> CreditAppealsAsync(string? status) =>
        GetAsync<List<StaffAppealResponse>>("api/credit/appeals" + Query(("status", status)));

    public Task<ApiResult<StaffAppealResponse>> AnswerCreditAppealAsync(Guid id, AnswerAppealRequest request) =>
        SendAsync<StaffAppealResponse>(HttpMethod.Post, $"api/credit/appeals/{id}/answer", request);
}
