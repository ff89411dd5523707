using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Market;
using Points.Infrastructure.Market;
using Points.Infrastructure.Persistence;

namespace Points.Api.Market;

/// <summary>An item; its photo is read at <c>GET /api/uploads/{photoId}</c> by anyone signed in.</summary>
public sealed record MarketItemResponse(Guid Id, Guid CommunityId, string Name, string? Description, int Price, int Stock, bool IsActive, Guid? PhotoId)
{
    public static MarketItemResponse From(MarketItem i) => new(i.Id, i.CommunityId, i.Name, i.Description, i.Price, i.Stock, i.IsActive, i.PhotoId);
}

public sealed record CreateMarketItemRequest(
    Guid? CommunityId,
    [property: Required(ErrorMessage = "请填写商品名称")]
    [property: StringLength(MarketItem.NameMaxLength, MinimumLength = 1, ErrorMessage = "商品名称须为1到64个字")]
    string? Name,
    [property: StringLength(MarketItem.DescriptionMaxLength, ErrorMessage = "商品描述不能超过500个字")]
    string? Description,
    [property: Required(ErrorMessage = "请填写积分价格")]
    [property: Range(1, MarketItem.MaxPrice, ErrorMessage = "积分价格须在 1 到 1000000 之间")]
    int? Price,
    [property: Required(ErrorMessage = "请填写库存")]
    [property: Range(0, MarketItem.MaxStock, ErrorMessage = "库存须在 0 到 1000000 之间")]
    int? Stock,
    Guid? PhotoId = null);

public sealed record UpdateMarketItemRequest(
    [property: StringLength(MarketItem.NameMaxLength, MinimumLength = 1, ErrorMessage = "商品名称须为1到64个字")]
    string? Name,
    [property: StringLength(MarketItem.DescriptionMaxLength, ErrorMessage = "商品描述不能超过500个字")]
    string? Description,
    [property: Range(1, MarketItem.MaxPrice, ErrorMessage = "积分价格须在 1 到 1000000 之间")]
    int? Price,
    [property: Range(0, MarketItem.MaxStock, ErrorMessage = "库存须在 0 到 1000000 之间")]
    int? Stock,
    bool? IsActive,
    Guid? PhotoId = null,
    bool RemovePhoto = false);

public sealed record PlaceOrderRequest(
    [property: Required(ErrorMessage = "请选择商品 itemId")]
    Guid? ItemId,
    [property: Range(1, 100, ErrorMessage = "数量须在 1 到 100 之间")]
    int Quantity = 1);

public sealed record PickupRequest(
    [property: Required(ErrorMessage = "请填写领取码")]
    [property: StringLength(16, MinimumLength = 1, ErrorMessage = "领取码格式不正确")]
    string? PickupCode);

public sealed record PickupByCodeRequest(
    [property: Required(ErrorMessage = "请填写领取码")]
    [property: StringLength(16, MinimumLength = 1, ErrorMessage = "领取码格式不正确")]
    string? PickupCode,
    Guid? CommunityId);

/// <summary>An order. <see cref="PickupCode"/> is shown to the resident who owns it only: staff look an order up by the code the resident shows.</summary>
public sealed record MarketOrderResponse(Guid Id, Guid ResidentId, Guid CommunityId, Guid ItemId, int Quantity, long Points, MarketOrderStatus Status, string? PickupCode, DateTimeOffset CreatedAt, DateTimeOffset? PickedUpAt, DateTimeOffset? CancelledAt)
{
    public static MarketOrderResponse ForOwner(MarketOrder o) => new(o.Id, o.ResidentId, o.CommunityId, o.ItemId, o.Quantity, o.Points, o.Status, o.PickupCode, o.CreatedAt, o.PickedUpAt, o.CancelledAt);

    public static MarketOrderResponse ForStaff(MarketOrder o) => ForOwner(o) with { PickupCode = null };

    public static MarketOrderResponse For(MarketOrder o, Guid viewerId) => o.ResidentId == viewerId ? ForOwner(o) : ForStaff(o);
}

/// <summary>The community gift market (绿币超市): staff keep items and stock; residents order on market days and pick up with a code.</summary>
public static class MarketEndpoints
{
    private static readonly Domain.Common.DomainError OutOfScope = Domain.Common.DomainError.Forbidden("market.out_of_scope", "只能管理本村社（镇街）的积分超市");

    public static void MapMarket(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/market").WithTags("Market").RequireAuthorization();
        group.MapGet("/items", ListItemsAsync).WithName(nameof(ListItemsAsync)).WithSummary("积分超市商品（默认本村社）");
        group.MapPost("/orders/{id:guid}/cancel", CancelAsync).WithName(nameof(CancelAsync)).WithSummary("取消未领取的订单：退回积分与库存");

        var residents = group.MapGroup(string.Empty).RequireAuthorization(Policies.Resident);
        residents.MapPost("/orders", PlaceOrderAsync).WithName(nameof(PlaceOrderAsync)).WithSummary("下单兑换（仅开放日；Idempotency-Key）");
        residents.MapGet("/orders/mine", MyOrdersAsync).WithName(nameof(MyOrdersAsync)).WithSummary("我的兑换订单");

        // the market desk: staff of the item's community or town (each handler checks the scope)
        var desk = group.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        desk.MapPost("/items", CreateItemAsync).WithName(nameof(CreateItemAsync)).WithSummary("上架商品");
        desk.MapPatch("/items/{id:guid}", UpdateItemAsync).WithName(nameof(UpdateItemAsync)).WithSummary("修改商品、库存或下架");
        desk.MapGet("/orders", ListOrdersAsync).WithName(nameof(ListOrdersAsync)).WithSummary("本村社订单（工作人员）");
        desk.MapPost("/orders/pickup", PickUpByCodeAsync).WithName(nameof(PickUpByCodeAsync)).WithSummary("按居民出示（或扫码录入）的领取码找到订单并标记已领取");
        desk.MapPost("/orders/{id:guid}/pickup", PickUpAsync).WithName(nameof(PickUpAsync)).WithSummary("核对领取码并标记已领取");
    }

    public static async Task<Results<Ok<List<MarketItemResponse>>, ProblemHttpResult>> ListItemsAsync(
        ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct, Guid? community = null)
    {
        var me = principal.Me();
        var communityId = community ?? me.CommunityId;
        if (communityId is null)
        {
            return Problems.From(Domain.Common.DomainError.Validation("market.community_required", "请指定村社 community"));
        }

        var query = db.MarketItems.AsNoTracking().Where(i => i.CommunityId == communityId);
        if (!me.IsStaff)
        {
            query = query.Where(i => i.IsActive);
        }

        var items = await query.OrderBy(i => i.Price).ThenBy(i => i.Name).ToListAsync(ct);
        return TypedResults.Ok(items.Select(MarketItemResponse.From).ToList());
    }

    public static async Task<Results<Created<MarketItemResponse>, ProblemHttpResult>> CreateItemAsync(
        CreateMarketItemRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == (request.CommunityId ?? me.CommunityId), ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        if (!me.CanAdminister(community.TownId, community.Id))
        {
            return Problems.From(OutOfScope);
        }

        var created = MarketItem.Create(Guid.CreateVersion7(), community.TownId, community.Id, request.Name!, request.Description, request.Price!.Value, request.Stock!.Value, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        if (request.PhotoId is { } photoId && created.Value.UsePhoto(await db.Uploads.FindAsync([photoId], ct)) is { IsSuccess: false } refused)
        {
            return Problems.From(refused.Error);
        }

        db.MarketItems.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/market/items/{created.Value.Id}", MarketItemResponse.From(created.Value));
    }

    public static async Task<Results<Ok<MarketItemResponse>, ProblemHttpResult>> UpdateItemAsync(
        Guid id, UpdateMarketItemRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var item = await db.MarketItems.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (item is null)
        {
            return Problems.From(MarketOrder.ItemNotFound);
        }

        if (!principal.Me().CanAdminister(item.TownId, item.CommunityId))
        {
            return Problems.From(OutOfScope);
        }

        var updated = item.Update(request.Name, request.Description, request.Price, request.Stock, request.IsActive);
        if (!updated.IsSuccess)
        {
            return Problems.From(updated.Error);
        }

        if (request.RemovePhoto)
        {
            item.RemovePhoto();
        }
        else if (request.PhotoId is { } photoId && item.UsePhoto(await db.Uploads.FindAsync([photoId], ct)) is { IsSuccess: false } refused)
        {
            return Problems.From(refused.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(MarketItemResponse.From(item));
    }

    public static async Task<Results<Created<MarketOrderResponse>, ProblemHttpResult>> PlaceOrderAsync(
        PlaceOrderRequest request, HttpRequest http, ClaimsPrincipal principal, MarketService market, CancellationToken ct)
    {
        var key = IdempotencyKey.Read(http);
        if (!key.IsSuccess)
        {
            return Problems.From(key.Error);
        }

        var result = await market.PlaceOrderAsync(new PlaceOrderCommand(principal.Me().Id, request.ItemId!.Value, request.Quantity, key.Value), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var order = MarketOrderResponse.ForOwner(result.Value.Order);
        return TypedResults.Created($"/api/market/orders/{order.Id}", order);
    }

    public static async Task<Ok<List<MarketOrderResponse>>> MyOrdersAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me().Id;
        var orders = await db.MarketOrders.AsNoTracking().Where(o => o.ResidentId == me).OrderByDescending(o => o.CreatedAt).Take(100).ToListAsync(ct);
        return TypedResults.Ok(orders.Select(MarketOrderResponse.ForOwner).ToList());
    }

    public static async Task<Results<Ok<List<MarketOrderResponse>>, ProblemHttpResult>> ListOrdersAsync(
        ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct, Guid? community = null, MarketOrderStatus? status = null)
    {
        var me = principal.Me();
        var target = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == (community ?? me.CommunityId), ct);
        if (target is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        if (!me.CanAdminister(target.TownId, target.Id))
        {
            return Problems.From(OutOfScope);
        }

        var query = db.MarketOrders.AsNoTracking().Where(o => o.CommunityId == target.Id);
        if (status is { } s)
        {
            query = query.Where(o => o.Status == s);
        }

        var orders = await query.OrderByDescending(o => o.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(orders.Select(MarketOrderResponse.ForStaff).ToList());
    }

    public static async Task<Results<Ok<MarketOrderResponse>, ProblemHttpResult>> PickUpAsync(
        Guid id, PickupRequest request, ClaimsPrincipal principal, PointsDbContext db, MarketService market, CancellationToken ct)
    {
        var order = await db.MarketOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return Problems.From(MarketOrder.OrderNotFound);
        }

        if (!principal.Me().CanAdminister(order.TownId, order.CommunityId))
        {
            return Problems.From(OutOfScope);
        }

        var result = await market.PickUpAsync(id, request.PickupCode!, ct);
        return result.ToHttp(value => TypedResults.Ok(MarketOrderResponse.ForStaff(value)));
    }

    public static async Task<Results<Ok<MarketOrderResponse>, ProblemHttpResult>> PickUpByCodeAsync(
        PickupByCodeRequest request, ClaimsPrincipal principal, PointsDbContext db, MarketService market, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.From(OutOfScope);
        }

        Guid? community = me.Role == Role.CommunityStaff ? me.CommunityId : request.CommunityId;
        if (request.CommunityId is { } asked && asked != community
            || community is { } c && !await db.Communities.AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return Problems.From(OutOfScope);
        }

        var result = await market.PickUpByCodeAsync(request.PickupCode!, townId, community, ct);
        return result.ToHttp(value => TypedResults.Ok(MarketOrderResponse.ForStaff(value)));
    }

    public static async Task<Results<Ok<MarketOrderResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, MarketService market, CancellationToken ct)
    {
        var me = principal.Me();
        var order = await db.MarketOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null || (me.Role == Role.Resident && order.ResidentId != me.Id))
        {
            return Problems.From(MarketOrder.OrderNotFound);
        }

        if (me.Role != Role.Resident && !me.CanAdminister(order.TownId, order.CommunityId))
        {
            return Problems.From(OutOfScope);
        }

        var result = await market.CancelAsync(id, me.Id, ct);
        return result.ToHttp(value => TypedResults.Ok(MarketOrderResponse.For(value, me.Id)));
    }
}
