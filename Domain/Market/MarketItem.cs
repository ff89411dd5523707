using Points.Domain.Common;
using Points.Domain.Participation;

namespace Points.Domain.Market;

/// <summary>A gift in a community's points market (绿币超市): a price in points and a stock count.</summary>
public sealed class MarketItem
{
    public const int NameMaxLength = 64;
    public const int DescriptionMaxLength = 500;
    public const int MaxStock = 1_000_000;
    public const int MaxPrice = 1_000_000;

    private MarketItem()
    {
        Name = string.Empty;
    }

    private MarketItem(Guid id, Guid townId, Guid communityId, string name, string? description, int price, int stock, DateTimeOffset now)
    {
        Id = id;
        TownId = townId;
        CommunityId = communityId;
        Name = name;
        Description = description;
        Price = price;
        Stock = stock;
        IsActive = true;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public string Name { get; private set; }

    public string? Description { get; private set; }

    public int Price { get; private set; }

    /// <summary>Changed only by guarded UPDATEs (stock = stock - n WHERE stock >= n) or staff edits.</summary>
    public int Stock { get; private set; }

    public bool IsActive { get; private set; }

    /// <summary>The item's photo: an upload from the item's town that the content check has not hidden.</summary>
    public Guid? PhotoId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static readonly DomainError PhotoNotUsable =
        DomainError.Validation("market.photo_invalid", "商品图片不存在、不属于本镇街或未通过内容安全检查，请重新上传");

    /// <summary>Shows <paramref name="upload"/> as the item's photo; a photo from another town, or one the content check hid, is refused.</summary>
    public Result<MarketItem> UsePhoto(Upload? upload)
    {
        if (upload is null || upload.TownId != TownId || upload.IsHidden)
        {
            return PhotoNotUsable;
        }

        PhotoId = upload.Id;
        return this;
    }

    public void RemovePhoto() => PhotoId = null;

    public static Result<MarketItem> Create(Guid id, Guid townId, Guid communityId, string name, string? description, int price, int stock, DateTimeOffset now)
    {
        if (Check(name, price, stock) is { } error)
        {
            return error;
        }

        return new MarketItem(id, townId, communityId, name.Trim(), description, price, stock, now);
    }

    public Result<MarketItem> Update(string? name, string? description, int? price, int? stock, bool? isActive)
    {
        if (Check(name ?? Name, price ?? Price, stock ?? Stock) is { } error)
        {
            return error;
        }

        Name = name?.Trim() ?? Name;
        Description = description ?? Description;
        Price = price ?? Price;
        Stock = stock ?? Stock;
        IsActive = isActive ?? IsActive;
        return this;
    }

    private static DomainError? Check(string name, int price, int stock)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > NameMaxLength)
        {
            return DomainError.Validation("market.item_name_invalid", "商品名称不能为空且不超过64个字");
        }

        if (price is < 1 or > MaxPrice)
        {
            return DomainError.Validation("market.price_invalid", "商品积分价格须在 1 到 1000000 之间");
        }

        return stock is < 0 or > MaxStock ? DomainError.Validation("market.stock_invalid", "库存须在 0 到 1000000 之间") : null;
    }
}

public enum MarketOrderStatus
{
    Placed,
    PickedUp,
    Cancelled,
}

/// <summary>A resident's order in the gift market; paid at once, picked up with a code, cancellable until picked up.</summary>
public sealed class MarketOrder
{
    public const int PickupCodeLength = 6;

    private MarketOrder()
    {
        IdempotencyKey = string.Empty;
        Fingerprint = string.Empty;
        PickupCode = string.Empty;
    }

    public MarketOrder(Guid id, Guid residentId, Guid townId, Guid communityId, Guid itemId, int quantity, long points, string pickupCode, string idempotencyKey, string fingerprint, Guid journalEntryId, DateTimeOffset now)
    {
        Id = id;
        ResidentId = residentId;
        TownId = townId;
        CommunityId = communityId;
        ItemId = itemId;
        Quantity = quantity;
        Points = points;
        PickupCode = pickupCode;
        IdempotencyKey = idempotencyKey;
        Fingerprint = fingerprint;
        JournalEntryId = journalEntryId;
        Status = MarketOrderStatus.Placed;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid ItemId { get; private set; }

    public int Quantity { get; private set; }

    public long Points { get; private set; }

    public string PickupCode { get; private set; }

    /// <summary>The resident's key, stored as <c>{residentId}:{key}</c>.</summary>
    public string IdempotencyKey { get; private set; }

    public string Fingerprint { get; private set; }

    public Guid JournalEntryId { get; private set; }

    public MarketOrderStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? PickedUpAt { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public Guid? RefundEntryId { get; private set; }

    public static readonly DomainError NotPlaced = DomainError.Conflict("market.order_not_open", "订单已领取或已取消");
    public static readonly DomainError Closed = DomainError.Conflict("market.closed", "今天不是积分超市开放日");
    public static readonly DomainError OutOfStock = DomainError.Conflict("market.out_of_stock", "库存不足");
    public static readonly DomainError ItemNotFound = DomainError.NotFound("market.item_not_found", "商品不存在或已下架");
    public static readonly DomainError OrderNotFound = DomainError.NotFound("market.order_not_found", "订单不存在");

    public Result<MarketOrder> PickUp(DateTimeOffset now)
    {
        if (Status != MarketOrderStatus.Placed)
        {
            return NotPlaced;
        }

        Status = MarketOrderStatus.PickedUp;
        PickedUpAt = now;
        return this;
    }

    public Result<MarketOrder> Cancel(Guid refundEntryId, DateTimeOffset now)
    {
        if (Status != MarketOrderStatus.Placed)
        {
            return NotPlaced;
        }

        Status = MarketOrderStatus.Cancelled;
        CancelledAt = now;
        RefundEntryId = refundEntryId;
        return this;
    }
}
