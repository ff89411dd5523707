namespace Points.Console.ApiClient;

// Twins of Api/Market/MarketEndpoints.cs records. Staff never receive a pickup code: the resident shows it.

public sealed record MarketItemResponse(Guid Id, Guid CommunityId, string Name, string? Description, int Price, int Stock, bool IsActive, Guid? PhotoId = null);

public sealed record CreateMarketItemRequest(Guid? CommunityId, string? Name, string? Description, int? Price, int? Stock, Guid? PhotoId = null);

public sealed record UpdateMarketItemRequest(string? Name, string? Description, int? Price, int? Stock, bool? IsActive, Guid? PhotoId = null, bool RemovePhoto = false);

public sealed record PickupByCodeRequest(string PickupCode, Guid? CommunityId);

public sealed record MarketOrderResponse(Guid Id, Guid ResidentId, Guid CommunityId, Guid ItemId, int Quantity, long Points, string Status, string? PickupCode,
    DateTimeOffset CreatedAt, DateTimeOffset? PickedUpAt, DateTimeOffset? CancelledAt);
