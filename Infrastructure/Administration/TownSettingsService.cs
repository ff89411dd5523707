using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Domain.Notifications;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;

namespace Points.Infrastructure.Administration;

public sealed record EarningRuleSetting(TransferReason Source, int DefaultPoints, int? DailyCap, int? MonthlyCap);

/// <summary>A notification kind's template id: the town's own, else the configured one (<c>WeChat:Templates</c>), else none.</summary>
public sealed record TemplateSetting(string Kind, string? TemplateId, string Source);

public sealed record TownSettings(Town Town, int? ExpiryMonths, IReadOnlyList<EarningRuleSetting> EarningRules, IReadOnlyList<TemplateSetting> WeChatTemplates);

/// <summary>A partial change: null leaves a setting as it is; <see cref="Expiry"/> present sets the policy (months null = never expire).</summary>
public sealed record TownSettingsChange(
    int? PointsPerYuan,
    IReadOnlyList<int>? MarketDays,
    int? DailyEarningCap,
    int? RefundWindowDays,
    ExpiryChange? Expiry,
    IReadOnlyList<EarningRuleSetting>? EarningRules,
    IReadOnlyDictionary<string, string?>? WeChatTemplates);

public sealed record ExpiryChange(int? Months);

/// <summary>
/// Everything a town sets in one place: the points-to-yuan rate, market days, the daily cap, the refund window,
/// the per-source earning rules, the expiry policy and WeChat template ids. One read, one write (one save).
/// </summary>
public sealed class TownSettingsService(PointsDbContext db, IOptions<WeChatOptions> weChat)
{
    public async Task<Result<TownSettings>> GetAsync(Guid townId, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == townId, ct);
        return town is null ? AdministrationErrors.TownNotFound : await ReadAsync(town, ct);
    }

    public async Task<Result<TownSettings>> UpdateAsync(Guid townId, TownSettingsChange change, CancellationToken ct)
    {
        var town = await db.Towns.FirstOrDefaultAsync(t => t.Id == townId, ct);
        if (town is null)
        {
            return AdministrationErrors.TownNotFound;
        }

        var updated = town.UpdateSettings(change.PointsPerYuan, change.MarketDays, change.DailyEarningCap, change.RefundWindowDays);
        if (!updated.IsSuccess)
        {
            return updated.Error;
        }

        if (change.WeChatTemplates is { } templates)
        {
            var set = town.SetWeChatTemplates(templates);
            if (!set.IsSuccess)
            {
                return set.Error;
            }
        }

        if (change.Expiry is { } expiry)
        {
            if (expiry.Months is { } months && ExpiryPolicy.Validate(months) is { } invalid)
            {
                return invalid;
            }

            var policy = await db.ExpiryPolicies.FirstOrDefaultAsync(p => p.TownId == townId, ct);
            if (expiry.Months is { } m)
            {
                if (policy is null)
                {
                    db.ExpiryPolicies.Add(new ExpiryPolicy(townId, m));
                }
                else
                {
                    policy.Change(m);
                }
            }
            else if (policy is not null)
            {
                db.ExpiryPolicies.Remove(policy);
            }
        }

        if (change.EarningRules is { } rules)
        {
            if (rules.GroupBy(r => r.Source).Any(g => g.Count() > 1))
            {
                return DomainError.Validation("earning_rule.duplicate_source", "同一来源只能设置一条规则");
            }

            var existing = await db.EarningRules.Where(r => r.TownId == townId).ToListAsync(ct);
            foreach (var rule in rules)
            {
                if (EarningRule.Validate(rule.Source, rule.DefaultPoints, rule.DailyCap, rule.MonthlyCap) is { } invalid)
                {
                    return invalid;
                }

                if (existing.FirstOrDefault(r => r.Source == rule.Source) is { } current)
                {
                    current.Update(rule.DefaultPoints, rule.DailyCap, rule.MonthlyCap);
                }
                else
                {
                    db.EarningRules.Add(new EarningRule(Guid.CreateVersion7(), townId, rule.Source, rule.DefaultPoints, rule.DailyCap, rule.MonthlyCap));
                }
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return DomainError.Conflict("town.settings_concurrent_edit", "设置正被他人修改，请刷新后重试");
        }

        return await ReadAsync(town, ct);
    }

    private async Task<TownSettings> ReadAsync(Town town, CancellationToken ct)
    {
        var months = await db.ExpiryPolicies.AsNoTracking().Where(p => p.TownId == town.Id).Select(p => (int?)p.Months).FirstOrDefaultAsync(ct);
        var rules = await db.EarningRules.AsNoTracking().Where(r => r.TownId == town.Id).ToListAsync(ct);
        var own = town.WeChatTemplateMap;
        var configured = weChat.Value.Templates;
        var templates = Enum.GetNames<NotificationKind>().Select(kind =>
            own.TryGetValue(kind, out var id) ? new TemplateSetting(kind, id, "Town")
            : configured.TryGetValue(kind, out var fallback) && !string.IsNullOrWhiteSpace(fallback) ? new TemplateSetting(kind, fallback, "Configuration")
            : new TemplateSetting(kind, null, "None")).ToList();
        return new TownSettings(town, months, rules.OrderBy(r => r.Source).Select(r => new EarningRuleSetting(r.Source, r.DefaultPoints, r.DailyCap, r.MonthlyCap)).ToList(), templates);
    }
}
