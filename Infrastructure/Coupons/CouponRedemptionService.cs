using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Coupons;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Coupons;

public sealed record RedeemCouponCommand(Guid MerchantId, Guid ActorId, string CouponCode, long OrderAmountFen, string IdempotencyKey);

public sealed record CouponRedemptionOutcome(CouponRedemption Redemption, string Title, long PayableFen, bool Replayed);

/// <summary>
/// A merchant takes a resident's coupon: one transaction marks the coupon used (guarded on <c>used_at IS NULL</c>, and
/// the redemption row is unique on the coupon), posts the points cost from the wallet to the town through the ledger
/// (reason <see cref="TransferReason.CouponRedemption"/>), and records the discount the town owes the merchant.
/// </summary>
public sealed class CouponRedemptionService(PointsDbContext db, LedgerService ledger, TimeProvider clock)
{
    private sealed record Lookup(
        Guid CouponId, Guid TemplateId, Guid TownId, Guid ResidentId, DateTimeOffset? UsedAt, DateTimeOffset? VoidedAt,
        DateTimeOffset ValidFrom, DateTimeOffset ValidTo, string Title, int? PercentOff, long? DiscountFen, int PointsCost,
        bool Designated, Guid MerchantTownId, bool MerchantActive);

    public async Task<Result<CouponRedemptionOutcome>> RedeemAsync(RedeemCouponCommand command, CancellationToken ct)
    {
        if (Coupon.CheckOrderAmount(command.OrderAmountFen) is { } invalidAmount)
        {
            return invalidAmount;
        }

        var code = command.CouponCode.Trim().ToUpperInvariant();
        var key = $"{command.MerchantId}:{command.IdempotencyKey}";
        var fingerprint = $"{code}|{command.OrderAmountFen}";
        var found = await (
            from c in db.Coupons
            where c.Code == code
            join t in db.CouponTemplates on c.TemplateId equals t.Id
            from m in db.Merchants.Where(m => m.Id == command.MerchantId)
            select new Lookup(c.Id, t.Id, c.TownId, c.ResidentId, c.UsedAt, t.VoidedAt, t.ValidFrom, t.ValidTo, t.Title, t.PercentOff, t.DiscountFen, t.PointsCost,
                t.Merchants.Any(x => x.MerchantId == m.Id), m.TownId, m.IsActive)).AsNoTracking().FirstOrDefaultAsync(ct);
        if (found is null)
        {
            if (await ReplayAsync(key, fingerprint, ct) is { } replayed)
            {
                return replayed;
            }

            return await db.Merchants.AnyAsync(m => m.Id == command.MerchantId && m.IsActive, ct) ? Coupon.Invalid : RedemptionService.MerchantInactive;
        }

        var now = clock.GetUtcNow();
        var unusable = Coupon.CheckUsable(found.UsedAt, found.VoidedAt, found.ValidFrom, found.ValidTo, found.TownId, found.Designated, now, found.MerchantTownId);
        if (unusable == Coupon.Used)
        {
            return await ReplayAsync(key, fingerprint, ct) ?? unusable;
        }

        if (!found.MerchantActive)
        {
            return RedemptionService.MerchantInactive;
        }

        if (unusable is not null)
        {
            return unusable;
        }

        var discount = CouponTemplate.DiscountOn(found.PercentOff, found.DiscountFen, command.OrderAmountFen);
        TransferRequest? transfer = null;
        (Guid Wallet, Guid Town) accounts = default;
        if (found.PointsCost > 0)
        {
            var walletRef = AccountRef.Wallet(found.ResidentId, found.TownId);
            var townRef = AccountRef.Issuance(found.TownId);
            // Keyed by the coupon: whatever the merchant's keys, a coupon's points are taken at most once.
            transfer = new TransferRequest(walletRef, townRef, found.PointsCost, TransferReason.CouponRedemption, $"coupon-redemption:{found.CouponId}",
                "coupon", found.CouponId.ToString(), found.Title, command.ActorId);
            // A balance that does not cover the cost is refused by the posting itself, before any balance moves, and the
            // transaction then gives the coupon back.
            accounts = await ledger.EnsureAccountsAsync(walletRef, townRef, ct);
        }

        try
        {
            var result = await ledger.InTransactionAsync(async () =>
            {
                var taken = await db.Coupons
                    .Where(c => c.Id == found.CouponId && c.UsedAt == null && !db.CouponTemplates.Any(t => t.Id == c.TemplateId && t.VoidedAt != null))
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UsedAtMerchantId, command.MerchantId), ct);
                if (taken != 1)
                {
                    return Result<CouponRedemption>.Fail(Coupon.Used);
                }

                Guid? entryId = null;
                if (transfer is not null)
                {
                    var posted = await ledger.PostInTransactionAsync(transfer, accounts.Wallet, accounts.Town, ct);
                    if (!posted.IsSuccess)
                    {
                        return posted.Error;
                    }

                    entryId = posted.Value.Entry.Id;
                }

                var redemption = new CouponRedemption(Guid.CreateVersion7(), found.CouponId, found.TemplateId, command.MerchantId, found.TownId, found.ResidentId,
                    command.OrderAmountFen, discount, found.PointsCost, entryId, key, fingerprint, command.ActorId, now);
                db.CouponRedemptions.Add(redemption);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return redemption;
            }, ct);
            if (result.IsSuccess)
            {
                return new CouponRedemptionOutcome(result.Value, found.Title, command.OrderAmountFen - discount, false);
            }

            return result.Error == Coupon.Used ? await ReplayAsync(key, fingerprint, ct) ?? await UsedOrVoidedAsync(found.TemplateId, ct) : result.Error;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(key, fingerprint, ct) ?? Coupon.Used;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsCheckViolation(ex))
        {
            db.ChangeTracker.Clear();
            return LedgerErrors.Insufficient;
        }
    }

    /// <summary>The guarded update found no row: the coupon was used, or its template voided, after the first read.</summary>
    private async Task<DomainError> UsedOrVoidedAsync(Guid templateId, CancellationToken ct) =>
        await db.CouponTemplates.AnyAsync(t => t.Id == templateId && t.VoidedAt != null, ct) ? Coupon.Voided : Coupon.Used;

    private async Task<Result<CouponRedemptionOutcome>?> ReplayAsync(string key, string fingerprint, CancellationToken ct)
    {
        var existing = await db.CouponRedemptions.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == key, ct);
        if (existing is null)
        {
            return null;
        }

        if (existing.Fingerprint != fingerprint)
        {
            return Result<CouponRedemptionOutcome>.Fail(LedgerErrors.IdempotencyConflict);
        }

        var title = await db.CouponTemplates.AsNoTracking().Where(t => t.Id == existing.TemplateId).Select(t => t.Title).FirstAsync(ct);
        return new CouponRedemptionOutcome(existing, title, existing.OrderAmountFen - existing.DiscountFen, true);
    }
}
