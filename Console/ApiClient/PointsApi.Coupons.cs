namespace Points.Console.ApiClient;

/// <summary>积分券: the merchant takes a coupon at the counter; town staff keep the templates.</summary>
public sealed partial class PointsApi
{
    /// <summary>One key per attempt, made when the attempt starts and sent again on every retry.</summary>
    public Task<ApiResult<CouponRedemptionResponse>> RedeemCouponAsync(CouponRedemptionRequest request, string idempotencyKey) =>
        SendAsync<CouponRedemptionResponse>(HttpMethod.Post, "api/merchant/coupon-redemptions", request, idempotencyKey: idempotencyKey);

    public Task<ApiResult<List<CouponTemplateResponse>>> CouponTemplatesAsync() => GetAsync<List<CouponTemplateResponse>>("api/coupon-templates");

    public Task<ApiResult<CouponTemplateResponse>> CreateCouponTemplateAsync(CouponTemplateRequest request) =>
        SendAsync<CouponTemplateResponse>(HttpMethod.Post, "api/coupon-templates", request);

    public Task<ApiResult<CouponTemplateResponse>> VoidCouponTemplateAsync(Guid id) =>
        SendAsync<CouponTemplateResponse>(HttpMethod.Post, $"api/coupon-templates/{id}/void", new { });
}
