using System.Globalization;

namespace Points.Console.ApiClient;

/// <summary>The merchant counter: redeem a paycode, the shop's own history and refunds, the monthly statement.</summary>
public sealed partial class PointsApi
{
    public Task<ApiResult<TownResponse>> TownAsync(Guid id) => GetAsync<TownResponse>($"api/towns/{id}");

    public Task<ApiResult<TokenResponse>> ChangeMyPasswordAsync(string currentPassword, string newPassword) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "api/me/password", new ChangePasswordRequest(currentPassword, newPassword));

    /// <summary>One key per attempt: the terminal makes it when the attempt starts and sends it again on every retry.</summary>
    public Task<ApiResult<RedemptionReceipt>> RedeemAsync(RedeemRequest request, string idempotencyKey) =>
        SendAsync<RedemptionReceipt>(HttpMethod.Post, "api/merchant/redemptions", request, idempotencyKey: idempotencyKey);

    public Task<ApiResult<PageOf<MerchantRedemptionResponse>>> MyRedemptionsAsync(DateOnly? from, DateOnly? to, string? q, int page, int pageSize = 20) =>
        GetAsync<PageOf<MerchantRedemptionResponse>>("api/merchant/redemptions" + Query(("from", Date(from)), ("to", Date(to)), ("q", q),
            ("page", page.ToString(CultureInfo.InvariantCulture)), ("pageSize", pageSize.ToString(CultureInfo.InvariantCulture))));

    public Task<ApiResult<RedemptionReceipt>> RefundRedemptionAsync(Guid id) => SendAsync<RedemptionReceipt>(HttpMethod.Post, $"api/merchant/redemptions/{id}/refund", new { });

    public Task<ApiResult<StatementResponse>> StatementAsync(string month) => GetAsync<StatementResponse>($"api/merchant/statements/{month}");

    public Task<ApiResult<DownloadedFile>> StatementFileAsync(string month, string format) => DownloadAsync($"api/merchant/statements/{month}?format={format}");

    private static string? Date(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
