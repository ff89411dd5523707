using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Coupons;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Coupons;

/// <summary>A template as staff read it: its terms, its merchants and how many coupons were issued and used.</summary>
public sealed record CouponTemplateView(CouponTemplate Template, IReadOnlyList<(Guid Id, string Name)> Merchants, int Used);

/// <summary>Town staff create, list and void coupon templates (积分券模板).</summary>
public sealed class CouponTemplateService(PointsDbContext db, TimeProvider clock)
{
    public async Task<Result<CouponTemplateView>> CreateAsync(Guid townId, Guid staffId, CouponTemplateDraft draft, CancellationToken ct)
    {
        if (CouponTemplate.Check(draft) is { } invalid)
        {
            return invalid;
        }

        var wanted = draft.MerchantIds.Distinct().ToList();
        var found = await db.Merchants.AsNoTracking().CountAsync(m => wanted.Contains(m.Id) && m.TownId == townId && m.IsActive, ct);
        if (found != wanted.Count)
        {
            return CouponTemplate.MerchantInvalid;
        }

        var created = CouponTemplate.Create(Guid.CreateVersion7(), townId, draft, staffId, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.CouponTemplates.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(townId, created.Value.Id, ct))[0];
    }

    public Task<List<CouponTemplateView>> ListAsync(Guid townId, CancellationToken ct) => ViewsAsync(townId, null, ct);

    public async Task<Result<CouponTemplateView>> VoidAsync(Guid townId, Guid templateId, Guid staffId, CancellationToken ct)
    {
        var template = await db.CouponTemplates.FirstOrDefaultAsync(t => t.Id == templateId && t.TownId == townId, ct);
        if (template is null)
        {
            return CouponTemplate.NotFound;
        }

        var voided = template.Void(staffId, clock.GetUtcNow());
        if (!voided.IsSuccess)
        {
            return voided.Error;
        }

        // Guarded on the state the domain started from, so two staff voiding at once record one voider.
        var rows = await db.CouponTemplates.Where(t => t.Id == templateId && t.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.VoidedAt, template.VoidedAt).SetProperty(t => t.VoidedBy, template.VoidedBy), ct);
        db.ChangeTracker.Clear();
        if (rows != 1)
        {
            return CouponTemplate.AlreadyVoided;
        }

        await AuditLog.AppendAsync(db, template.VoidedAt!.Value, nameof(CouponTemplate), templateId, new { VoidedAt = (DateTimeOffset?)null },
            new { template.VoidedAt, template.VoidedBy }, ct);

        return (await ViewsAsync(townId, templateId, ct))[0];
    }

    private async Task<List<CouponTemplateView>> ViewsAsync(Guid townId, Guid? only, CancellationToken ct)
    {
        var templates = await db.CouponTemplates.AsNoTracking().Include(t => t.Merchants)
            .Where(t => t.TownId == townId && (only == null || t.Id == only))
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(200).ToListAsync(ct);
        var ids = templates.Select(t => t.Id).ToList();
        var merchantIds = templates.SelectMany(t => t.Merchants.Select(m => m.MerchantId)).Distinct().ToList();
        var names = await db.Merchants.AsNoTracking().Where(m => merchantIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        var used = await db.CouponRedemptions.AsNoTracking().Where(r => ids.Contains(r.TemplateId))
            .GroupBy(r => r.TemplateId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return templates.Select(t => new CouponTemplateView(
            t,
            t.Merchants.Select(m => (m.MerchantId, names.GetValueOrDefault(m.MerchantId, ""))).OrderBy(m => m.Item2, StringComparer.Ordinal).ToList(),
            used.GetValueOrDefault(t.Id))).ToList();
    }
}
