using Microsoft.EntityFrameworkCore;
using Points.Domain.Coupons;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Coupons;

public sealed record ResidentCoupon(
    Guid Id, string Code, string Title, int? PercentOff, long? DiscountFen, int PointsCost, string Month, DateTimeOffset ValidFrom, DateTimeOffset ValidTo,
    CouponStatus Status, DateTimeOffset IssuedAt, DateTimeOffset? UsedAt, IReadOnlyList<(Guid Id, string Name)> Merchants);

/// <summary>A resident's coupons, newest first, with where each may be used and whether it still can.</summary>
public sealed class ResidentCoupons(PointsDbContext db, TimeProvider clock)
{
    public const int MaxListed = 200;

    public async Task<List<ResidentCoupon>> MineAsync(Guid residentId, CancellationToken ct)
    {
        var rows = await (from c in db.Coupons.AsNoTracking()
                          where c.ResidentId == residentId
                          join t in db.CouponTemplates.AsNoTracking() on c.TemplateId equals t.Id
                          orderby c.IssuedAt descending, c.Id descending
                          select new { c, t.Title, t.PercentOff, t.DiscountFen, t.PointsCost, t.ValidFrom, t.ValidTo, t.VoidedAt })
            .Take(MaxListed).ToListAsync(ct);
        var templateIds = rows.Select(r => r.c.TemplateId).Distinct().ToList();
        var merchants = await (from tm in db.Set<CouponTemplateMerchant>().AsNoTracking()
                               where templateIds.Contains(tm.TemplateId)
                               join m in db.Merchants.AsNoTracking() on tm.MerchantId equals m.Id
                               select new { tm.TemplateId, m.Id, m.Name }).ToListAsync(ct);
        var byTemplate = merchants.GroupBy(m => m.TemplateId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(Guid, string)>)g.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Id, m.Name)).ToList());
        var now = clock.GetUtcNow();
        return rows.Select(r => new ResidentCoupon(
            r.c.Id, r.c.Code, r.Title, r.PercentOff, r.DiscountFen, r.PointsCost, r.c.Month, r.ValidFrom, r.ValidTo,
            Coupon.StatusOf(r.c.UsedAt, r.VoidedAt, r.ValidFrom, r.ValidTo, now), r.c.IssuedAt, r.c.UsedAt,
            byTemplate.GetValueOrDefault(r.c.TemplateId, []))).ToList();
    }
}
