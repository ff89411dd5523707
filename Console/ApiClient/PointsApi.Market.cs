namespace Points.Console.ApiClient;

/// <summary>The community gift market desk (积分超市): items and stock, the orders, pickup by the code the resident shows.</summary>
public sealed partial class PointsApi
{
    public Task<ApiResult<List<MarketItemResponse>>> MarketItemsAsync(Guid communityId) => GetAsync<List<MarketItemResponse>>($"api/market/items?community={communityId}");

    public Task<ApiResult<MarketItemResponse>> CreateMarketItemAsync(CreateMarketItemRequest request) => SendAsync<MarketItemResponse>(HttpMethod.Post, "api/market/items", request);

    public Task<ApiResult<MarketItemResponse>> UpdateMarketItemAsync(Guid id, UpdateMarketItemRequest request) => SendAsync<MarketItemResponse>(HttpMethod.Patch, $"api/market/items/{id}", request);

    public Task<ApiResult<List<MarketOrderResponse>>> MarketOrdersAsync(Guid communityId) => GetAsync<List<MarketOrderResponse>>($"api/market/orders?community={communityId}");

    public Task<ApiResult<MarketOrderResponse>> PickUpByCodeAsync(string code, Guid? communityId) =>
        SendAsync<MarketOrderResponse>(HttpMethod.Post, "api/market/orders/pickup", new PickupByCodeRequest(code, communityId));

    public Task<ApiResult<MarketOrderResponse>> CancelMarketOrderAsync(Guid id) => SendAsync<MarketOrderResponse>(HttpMethod.Post, $"api/market/orders/{id}/cancel", new { });
}
