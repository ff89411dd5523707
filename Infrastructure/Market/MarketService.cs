using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Points.Domain.Audit;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Domain.Market;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Market;

public sealed record PlaceOrderCommand(Guid ResidentId, Guid ItemId, int Quantity, string IdempotencyKey);

public sealed record OrderOutcome(MarketOrder Order, bool Replayed);

/// <summary>
/// The community gift market. An order is paid at once: the journal entry (wallet → community
/// market account), the guarded stock decrement (stock = stock - n WHERE stock >= n) and the order
/// row commit in one transaction, so stock is never oversold and points never leave without a gift.
/// Cancelling an unpicked order reverses the payment and returns the stock, also in one transaction.
/// </summary>
public sealed class MarketService(PointsDbContext db, LedgerService ledger, TimeProvider clock)
{
    public static readonly DomainError OtherCommunity = DomainError.Forbidden("market.other_community", "只能在本村社的积分超市兑换");

    public async Task<Result<OrderOutcome>> PlaceOrderAsync(PlaceOrderCommand command, CancellationToken ct)
    {
        var key = $"{command.ResidentId}:{command.IdempotencyKey}";
        var fingerprint = $"{command.ItemId}|{command.Quantity}";
        if (await ReplayAsync(key, fingerprint, ct) is { } replay)
        {
            return replay;
        }

        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == command.ResidentId, ct);
        var item = await db.MarketItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == command.ItemId && i.IsActive, ct);
        if (item is null || resident is null)
        {
            return MarketOrder.ItemNotFound;
        }

        if (resident.CommunityId != item.CommunityId)
        {
            return OtherCommunity;
        }

        var town = await db.Towns.AsNoTracking().FirstAsync(t => t.Id == item.TownId, ct);
        var now = clock.GetUtcNow();
        if (!town.IsMarketDay(ShanghaiTime.Today(now)))
        {
            return MarketOrder.Closed.With("marketDays", town.MarketDayList);
        }

        var points = (long)item.Price * command.Quantity;
        var walletRef = AccountRef.Wallet(command.ResidentId, item.TownId);
        var marketRef = AccountRef.Market(item.CommunityId, item.TownId);
        var wallet = await ledger.EnsureAccountAsync(walletRef, ct);
        var market = await ledger.EnsureAccountAsync(marketRef, ct);
        var orderId = Guid.CreateVersion7();
        try
        {
            return await ledger.InTransactionAsync<OrderOutcome>(async () =>
            {
                var posted = await ledger.PostInTransactionAsync(
                    new TransferRequest(walletRef, marketRef, points, TransferReason.MarketOrder, $"market-order:{key}", "market_order", orderId.ToString(), $"{item.Name} × {command.Quantity}"),
                    wallet, market, ct);
                if (!posted.IsSuccess)
                {
                    return posted.Error;
                }

                var taken = await db.MarketItems.Where(i => i.Id == item.Id && i.IsActive && i.Stock >= command.Quantity)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Stock, i => i.Stock - command.Quantity), ct);
                if (taken != 1)
                {
                    return MarketOrder.OutOfStock;
                }

                var pickupCode = await NewPickupCodeAsync(item.CommunityId, ct);
                var order = new MarketOrder(orderId, command.ResidentId, item.TownId, item.CommunityId, item.Id, command.Quantity, points, pickupCode, key, fingerprint, posted.Value.Entry.Id, now);
                db.MarketOrders.Add(order);
                await db.SaveChangesAsync(ct);
                return new OrderOutcome(order, false);
            }, ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(key, fingerprint, ct) ?? MarketOrder.OutOfStock;
        }
    }

    public static readonly DomainError PickupCodeUnknown = DomainError.NotFound("market.pickup_code_unknown", "没有找到该领取码的订单，请核对后重试");
    public static readonly DomainError PickupCodeUsed = DomainError.Conflict("market.pickup_code_used", "该领取码已使用，订单已领取");
    public static readonly DomainError PickupCodeAmbiguous = DomainError.Conflict("market.pickup_code_ambiguous", "该领取码对应多个村社的订单，请指定村社后重试");

    /// <summary>
    /// Staff pick up by the code the resident shows (typed or scanned): the open order with that code in the staff
    /// member's scope (one community, or a town's communities). A code already picked up, or an order picked up
    /// by a second desk at the same moment, is refused as used: the guarded update lets one pickup win.
    /// </summary>
    public async Task<Result<MarketOrder>> PickUpByCodeAsync(string pickupCode, Guid townId, Guid? communityId, CancellationToken ct)
    {
        var code = pickupCode.Trim();
        var candidates = await db.MarketOrders.AsNoTracking()
            .Where(o => o.PickupCode == code && o.TownId == townId && (communityId == null || o.CommunityId == communityId))
            .OrderByDescending(o => o.CreatedAt).Take(20).ToListAsync(ct);
        var open = candidates.Where(o => o.Status == MarketOrderStatus.Placed).ToList();
        if (open.Count > 1)
        {
            return PickupCodeAmbiguous;
        }

        if (open.Count == 0)
        {
            return candidates.FirstOrDefault(o => o.Status == MarketOrderStatus.PickedUp) is { } used ? PickupCodeUsed.With("pickedUpAt", used.PickedUpAt)
                : candidates.Count > 0 ? MarketOrder.NotPlaced
                : PickupCodeUnknown;
        }

        var picked = await PickUpAsync(open[0].Id, code, ct);
        return picked.IsSuccess || picked.Error != MarketOrder.NotPlaced ? picked : PickupCodeUsed;
    }

    /// <summary>A six-digit code no open order of the community holds, so a code names one order at the desk.</summary>
    private async Task<string> NewPickupCodeAsync(Guid communityId, CancellationToken ct)
    {
        var code = string.Empty;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var candidate = code;
            if (!await db.MarketOrders.AnyAsync(o => o.CommunityId == communityId && o.Status == MarketOrderStatus.Placed && o.PickupCode == candidate, ct))
            {
                break;
            }
        }

        return code;
    }

    public async Task<Result<MarketOrder>> PickUpAsync(Guid orderId, string pickupCode, CancellationToken ct)
    {
        var order = await db.MarketOrders.FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return MarketOrder.OrderNotFound;
        }

        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(order.PickupCode), System.Text.Encoding.UTF8.GetBytes(pickupCode)))
        {
            return DomainError.Conflict("market.pickup_code_mismatch", "领取码不正确");
        }

        var picked = await db.MarketOrders.Where(o => o.Id == orderId && o.Status == MarketOrderStatus.Placed)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, MarketOrderStatus.PickedUp).SetProperty(o => o.PickedUpAt, clock.GetUtcNow()), ct);
        if (picked != 1)
        {
            return MarketOrder.NotPlaced;
        }

        await AuditLog.AppendAsync(db, clock.GetUtcNow(), nameof(MarketOrder), orderId, new { Status = MarketOrderStatus.Placed }, new { Status = MarketOrderStatus.PickedUp }, ct);

        await db.Entry(order).ReloadAsync(ct);
        return order;
    }

    /// <summary>Cancels an unpicked order: the payment is reversed and the stock returned, atomically; a second cancel is refused.</summary>
    public async Task<Result<MarketOrder>> CancelAsync(Guid orderId, Guid actorId, CancellationToken ct)
    {
        var order = await db.MarketOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return MarketOrder.OrderNotFound;
        }

        if (order.Status != MarketOrderStatus.Placed)
        {
            return MarketOrder.NotPlaced;
        }

        var reversal = await ledger.ReversalOfAsync(order.JournalEntryId, $"market-cancel:{order.Id}", "取消订单退回积分", actorId, TransferReason.MarketOrderRefund, ct);
        if (!reversal.IsSuccess)
        {
            return reversal.Error;
        }

        var from = await ledger.EnsureAccountAsync(reversal.Value.From, ct);
        var to = await ledger.EnsureAccountAsync(reversal.Value.To, ct);
        var now = clock.GetUtcNow();
        try
        {
            return await ledger.InTransactionAsync(async () =>
            {
                var cancelled = await db.MarketOrders.Where(o => o.Id == orderId && o.Status == MarketOrderStatus.Placed)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, MarketOrderStatus.Cancelled).SetProperty(o => o.CancelledAt, now), ct);
                if (cancelled != 1)
                {
                    return MarketOrder.NotPlaced;
                }

                var posted = await ledger.PostInTransactionAsync(reversal.Value, from, to, ct);
                if (!posted.IsSuccess)
                {
                    return posted.Error;
                }

                await db.MarketOrders.Where(o => o.Id == orderId)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.RefundEntryId, posted.Value.Entry.Id), ct);
                await db.MarketItems.Where(i => i.Id == order.ItemId)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Stock, i => i.Stock + order.Quantity), ct);
                await AuditLog.AppendAsync(db, now, nameof(MarketOrder), orderId, new { Status = MarketOrderStatus.Placed },
                    new { Status = MarketOrderStatus.Cancelled, CancelledAt = now, RefundEntryId = posted.Value.Entry.Id, StockReturned = order.Quantity }, ct);
                return Result<MarketOrder>.Ok(await db.MarketOrders.AsNoTracking().FirstAsync(o => o.Id == orderId, ct));
            }, ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return MarketOrder.NotPlaced;
        }
    }

    private async Task<Result<OrderOutcome>?> ReplayAsync(string key, string fingerprint, CancellationToken ct)
    {
        var existing = await db.MarketOrders.AsNoTracking().FirstOrDefaultAsync(o => o.IdempotencyKey == key, ct);
        if (existing is null)
        {
            return null;
        }

        return existing.Fingerprint == fingerprint
            ? new OrderOutcome(existing, true)
            : Result<OrderOutcome>.Fail(LedgerErrors.IdempotencyConflict);
    }
}
