using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>One merchant's month in the town's settlement: live figures until approved, the approved figures after.</summary>
public sealed record SettlementLine(
    Guid MerchantId, string MerchantName, bool MerchantActive, int PointsPerYuan, int Redemptions, long RedeemedPoints, long RefundedPoints,
    long NetPoints, long NetFen, DateTimeOffset? ApprovedAt, Guid? ApprovedBy, string? ApprovedByName, int CouponRedemptions = 0, long CouponSubsidyFen = 0)
{
    /// <summary>What the town pays the merchant for the month: the points' value plus the coupon subsidies (as in the merchant's statement).</summary>
    public long OwedFen => NetFen + CouponSubsidyFen;
}

public sealed record TownSettlement(Guid TownId, int Year, int Month, bool Approved, DateTimeOffset? ApprovedAt, Guid? ApprovedBy, string? ApprovedByName,
    IReadOnlyList<SettlementLine> Lines)
{
    public long NetPoints => Lines.Sum(l => l.NetPoints);

    public long NetFen => Lines.Sum(l => l.NetFen);

    public int CouponRedemptions => Lines.Sum(l => l.CouponRedemptions);

    public long CouponSubsidyFen => Lines.Sum(l => l.CouponSubsidyFen);

    public long OwedFen => Lines.Sum(l => l.OwedFen);
}

/// <summary>
/// The town's view of every merchant's month (what the town owes, in points and integer fen) and its approval for
/// payment. Figures come from the journal like the merchant's own statement (redemptions credited to the merchant's
/// receivable, refunds debited, in the Shanghai month), at the town's rate. Approval stores each line with who and
/// when; an approved month is answered from those rows and can never be approved or changed again.
/// Coupon subsidies are summed from the coupon redemptions of the Shanghai month (the same rows and bounds as the
/// merchant's statement), both live and after approval: a coupon redemption is never reversed or edited, so a
/// closed month's coupon figures cannot change and need no copy in the approved rows.
/// </summary>
public sealed class SettlementService(PointsDbContext db, TimeProvider clock)
{
    public async Task<Result<TownSettlement>> TownMonthAsync(Guid townId, int year, int month, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => new { t.PointsPerYuan }).FirstOrDefaultAsync(ct);
        if (town is null)
        {
            return AdministrationErrors.TownNotFound;
        }

        var period = MerchantSettlement.FormatPeriod(year, month);
        var (start, end) = ShanghaiTime.Month(year, month);
        var coupons = await db.CouponRedemptions.AsNoTracking()
            .Where(c => c.TownId == townId && c.CreatedAt >= start && c.CreatedAt < end)
            .GroupBy(c => c.MerchantId).Select(g => new { g.Key, Count = g.Count(), Fen = g.Sum(c => c.DiscountFen) })
            .ToDictionaryAsync(x => x.Key, x => (x.Count, x.Fen), ct);
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.TownId == townId).Select(m => new { m.Id, m.Name, m.IsActive }).ToListAsync(ct);
        var approved = await db.MerchantSettlements.AsNoTracking().Where(s => s.TownId == townId && s.Period == period)
            .GroupJoin(db.Users, s => s.ApprovedBy, u => u.Id, (s, users) => new { s, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { Settlement = x.s, ApproverName = u == null ? null : u.DisplayName })
            .ToListAsync(ct);
        if (approved.Count > 0)
        {
            var first = approved[0];
            var lines = approved.Select(a =>
            {
                var merchant = merchants.FirstOrDefault(m => m.Id == a.Settlement.MerchantId);
                var s = a.Settlement;
                return new SettlementLine(s.MerchantId, merchant?.Name ?? "", merchant?.IsActive ?? false, s.PointsPerYuan, s.Redemptions, s.RedeemedPoints, s.RefundedPoints,
                    s.NetPoints, s.NetFen, s.ApprovedAt, s.ApprovedBy, a.ApproverName, coupons.GetValueOrDefault(s.MerchantId).Count, coupons.GetValueOrDefault(s.MerchantId).Fen);
            }).OrderBy(l => l.MerchantName, StringComparer.Ordinal).ToList();
            return new TownSettlement(townId, year, month, true, first.Settlement.ApprovedAt, first.Settlement.ApprovedBy, first.ApproverName, lines);
        }

        var accounts = await db.LedgerAccounts.AsNoTracking().Where(a => a.Kind == AccountKind.MerchantReceivable && a.TownId == townId)
            .ToDictionaryAsync(a => a.Id, a => a.OwnerId, ct);
        var accountIds = accounts.Keys.ToList();
        var credits = await db.JournalEntries.AsNoTracking()
            .Where(e => accountIds.Contains(e.CreditAccountId) && e.OccurredAt >= start && e.OccurredAt < end)
            .GroupBy(e => e.CreditAccountId).Select(g => new { g.Key, Count = g.Count(), Sum = g.Sum(e => e.Points) })
            .ToDictionaryAsync(x => accounts[x.Key], ct);
        var debits = await db.JournalEntries.AsNoTracking()
            .Where(e => accountIds.Contains(e.DebitAccountId) && e.OccurredAt >= start && e.OccurredAt < end)
            .GroupBy(e => e.DebitAccountId).Select(g => new { g.Key, Sum = g.Sum(e => e.Points) })
            .ToDictionaryAsync(x => accounts[x.Key], x => x.Sum, ct);
        var live = merchants
            .Where(m => m.IsActive || credits.ContainsKey(m.Id) || debits.ContainsKey(m.Id) || coupons.ContainsKey(m.Id))
            .Select(m =>
            {
                var redeemed = credits.TryGetValue(m.Id, out var c) ? c.Sum : 0;
                var refunded = debits.GetValueOrDefault(m.Id);
                return new SettlementLine(m.Id, m.Name, m.IsActive, town.PointsPerYuan, c?.Count ?? 0, redeemed, refunded, redeemed - refunded,
                    LedgerReports.ToFen(redeemed - refunded, town.PointsPerYuan), null, null, null, coupons.GetValueOrDefault(m.Id).Count, coupons.GetValueOrDefault(m.Id).Fen);
            })
            .OrderBy(l => l.MerchantName, StringComparer.Ordinal).ToList();
        return new TownSettlement(townId, year, month, false, null, null, null, live);
    }

    /// <summary>Approves a closed month for payment: every merchant line with movement is stored with the approver and the time, in one save.</summary>
    public async Task<Result<TownSettlement>> ApproveAsync(Guid townId, int year, int month, Guid approverId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (MerchantSettlement.CanApprove(year, month, now) is { } open)
        {
            return open;
        }

        var current = await TownMonthAsync(townId, year, month, ct);
        if (!current.IsSuccess)
        {
            return current;
        }

        if (current.Value.Approved)
        {
            return MerchantSettlement.AlreadyApproved;
        }

        var lines = current.Value.Lines.Where(l => l.Redemptions > 0 || l.RefundedPoints > 0 || l.CouponRedemptions > 0).ToList();
        if (lines.Count == 0)
        {
            return MerchantSettlement.NothingToApprove;
        }

        foreach (var line in lines)
        {
            db.MerchantSettlements.Add(new MerchantSettlement(Guid.CreateVersion7(), townId, line.MerchantId, year, month, line.PointsPerYuan, line.Redemptions,
                line.RedeemedPoints, line.RefundedPoints, line.NetFen, approverId, now));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // Another approval of the same month committed first.
            db.ChangeTracker.Clear();
            return MerchantSettlement.AlreadyApproved;
        }

        return await TownMonthAsync(townId, year, month, ct);
    }
}
