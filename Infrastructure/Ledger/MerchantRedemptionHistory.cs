using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Administration;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>One of a merchant's redemptions as the counter sees it: the resident's name is masked by the caller.</summary>
public sealed record MerchantRedemptionRow(
    Guid Id, DateTimeOffset At, long Points, long Fen, Guid ResidentId, string ResidentName, string? Note,
    DateTimeOffset? RefundedAt, bool Refundable, DateTimeOffset RefundableUntil);

public sealed record RedemptionFilter(DateOnly? From, DateOnly? To, string? Query, int Page, int PageSize);

/// <summary>A merchant's own redemptions, newest first: Shanghai days inclusive, searchable by receipt id, points or note.</summary>
public sealed class MerchantRedemptionHistory(PointsDbContext db, TimeProvider clock)
{
    public async Task<Paged<MerchantRedemptionRow>?> ListAsync(Guid merchantId, RedemptionFilter filter, CancellationToken ct)
    {
        var town = await db.Merchants.AsNoTracking().Where(m => m.Id == merchantId)
            .Join(db.Towns, m => m.TownId, t => t.Id, (m, t) => new { t.PointsPerYuan, t.RefundWindowDays }).FirstOrDefaultAsync(ct);
        if (town is null)
        {
            return null;
        }

        var query = db.Redemptions.AsNoTracking().Where(r => r.MerchantId == merchantId);
        if (filter.From is { } from)
        {
            var start = ShanghaiTime.StartOfDay(from);
            query = query.Where(r => r.CreatedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = ShanghaiTime.StartOfDay(to.AddDays(1));
            query = query.Where(r => r.CreatedAt < end);
        }

        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            var text = filter.Query.Trim();
            if (Guid.TryParse(text, out var id))
            {
                query = query.Where(r => r.Id == id);
            }
            else if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var points))
            {
                query = query.Where(r => r.Points == points || (r.Note != null && r.Note.Contains(text)));
            }
            else
            {
                query = query.Where(r => r.Note != null && r.Note.Contains(text));
            }
        }

        var total = await query.CountAsync(ct);
        var rows = await query.Join(db.Users, r => r.ResidentId, u => u.Id, (r, u) => new { Redemption = r, u.DisplayName })
            .OrderByDescending(x => x.Redemption.CreatedAt).ThenByDescending(x => x.Redemption.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var items = rows.Select(x => new MerchantRedemptionRow(
            x.Redemption.Id, x.Redemption.CreatedAt, x.Redemption.Points, LedgerReports.ToFen(x.Redemption.Points, town.PointsPerYuan),
            x.Redemption.ResidentId, x.DisplayName, x.Redemption.Note, x.Redemption.RefundedAt,
            x.Redemption.CanRefund(town.RefundWindowDays, now) is null, x.Redemption.RefundableUntil(town.RefundWindowDays))).ToList();
        return new Paged<MerchantRedemptionRow>(items, filter.Page, filter.PageSize, total);
    }
}
