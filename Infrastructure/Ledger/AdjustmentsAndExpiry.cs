using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Market;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Seeding;

namespace Points.Infrastructure.Ledger;

public sealed record AdjustCommand(Guid ActorId, Guid ResidentId, long Points, string Reason, string IdempotencyKey);

/// <summary>Manual credits and debits by town staff: issuance ↔ wallet, the reason as the note and the actor on the entry.</summary>
public sealed class AdjustmentService(PointsDbContext db, LedgerService ledger)
{
    public static readonly DomainError ResidentNotFound = DomainError.NotFound("resident.not_found", "居民不存在");

    public async Task<Result<(PostedTransfer Posted, Guid TownId)>> AdjustAsync(AdjustCommand command, Func<Guid, bool> mayAdministerTown, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == command.ResidentId && u.Role == Role.Resident, ct);
        if (resident is null)
        {
            return ResidentNotFound;
        }

        if (!mayAdministerTown(resident.TownId))
        {
            return DomainError.Forbidden("points.out_of_scope", "只能调整本镇街居民的积分");
        }

        if (command.Points == 0)
        {
            return DomainError.Validation("points.amount_invalid", "调整积分不能为 0");
        }

        var wallet = AccountRef.Wallet(resident.Id, resident.TownId);
        var issuance = AccountRef.Issuance(resident.TownId);
        var request = new TransferRequest(
            command.Points > 0 ? issuance : wallet,
            command.Points > 0 ? wallet : issuance,
            Math.Abs(command.Points),
            TransferReason.Adjustment,
            $"adjustment:{command.ActorId}:{command.IdempotencyKey}",
            "adjustment",
            resident.Id.ToString(),
            command.Reason,
            command.ActorId);
        var posted = await ledger.PostAsync(request, ct);
        return posted.IsSuccess ? (posted.Value, resident.TownId) : posted.Error;
    }
}

/// <summary>
/// Monthly expiry for towns with an <see cref="ExpiryPolicy"/>: points credited before the cutoff
/// (start of this Shanghai month minus N months) that later debits have not used up lapse, as a
/// transfer wallet → TownExpiry keyed <c>expiry:{resident}:{yyyy-MM}</c> (oldest points are spent
/// first). A second run in the same month finds the keys used and changes nothing.
/// </summary>
public sealed class PointsExpiryJob(TimeProvider clock) : IScheduledJob
{
    public string Name => "points-expiry";

    public TimeSpan MaxDuration => TimeSpan.FromMinutes(30);

    public bool IsDue(DateTimeOffset? lastRun, DateTimeOffset now)
    {
        if (lastRun is null)
        {
            return true;
        }

        var (last, today) = (ShanghaiTime.Today(lastRun.Value), ShanghaiTime.Today(now));
        return last.Year != today.Year || last.Month != today.Month;
    }

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PointsDbContext>();
        var ledger = services.GetRequiredService<LedgerService>();
        var today = ShanghaiTime.Today(clock.GetUtcNow());
        var period = $"{today.Year:D4}-{today.Month:D2}";
        foreach (var policy in await db.ExpiryPolicies.AsNoTracking().ToListAsync(ct))
        {
            var (cutoff, _) = ShanghaiTime.Month(today.AddMonths(-policy.Months).Year, today.AddMonths(-policy.Months).Month);
            var wallets = await db.LedgerAccounts.AsNoTracking()
                .Where(a => a.TownId == policy.TownId && a.Kind == AccountKind.ResidentWallet && a.Balance > 0)
                .Select(a => new { a.Id, a.OwnerId }).ToListAsync(ct);
            foreach (var wallet in wallets)
            {
                var oldCredits = await db.JournalEntries.Where(e => e.CreditAccountId == wallet.Id && e.OccurredAt < cutoff).SumAsync(e => (long?)e.Points, ct) ?? 0;
                var allDebits = await db.JournalEntries.Where(e => e.DebitAccountId == wallet.Id).SumAsync(e => (long?)e.Points, ct) ?? 0;
                var lapsed = oldCredits - allDebits;
                if (lapsed <= 0)
                {
                    continue;
                }

                // The guarded debit keeps this safe against a concurrent spend: it fails rather than going negative.
                await ledger.PostAsync(new TransferRequest(
                    AccountRef.Wallet(wallet.OwnerId, policy.TownId), AccountRef.Expiry(policy.TownId), lapsed, TransferReason.Expiry,
                    $"expiry:{wallet.OwnerId}:{period}", "expiry", period, $"{policy.Months}个月前获得的积分到期"), ct);
            }
        }
    }
}

/// <summary>Demo data: a few gifts in each community's market.</summary>
public sealed class MarketDemoSeed : IDemoSeedContributor
{
    public async Task SeedAsync(IServiceProvider services, DemoTown town, CancellationToken ct)
    {
        var db = services.GetRequiredService<PointsDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        (string Name, int Price, int Stock)[] gifts = [("洗衣液 2kg", 100, 30), ("大米 5kg", 250, 20), ("食用油 1.8L", 200, 15), ("毛巾", 40, 50)];
        foreach (var communityId in town.CommunityIds)
        {
            foreach (var (name, price, stock) in gifts)
            {
                db.MarketItems.Add(MarketItem.Create(DemoSeeder.StableId($"market-item:{communityId}:{name}"), town.TownId, communityId, name, null, price, stock, now).Value);
            }
        }

        await db.SaveChangesAsync(ct);
    }
}
