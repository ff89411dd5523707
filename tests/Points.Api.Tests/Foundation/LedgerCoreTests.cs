using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Foundation;

public sealed class LedgerCoreTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid Town = PointsApiFactory.DemoTownId;

    private async Task<T> WithLedgerAsync<T>(Func<LedgerService, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LedgerService>());
    }

    private static TransferRequest Fund(Guid resident, long points, string key) =>
        new(AccountRef.Issuance(Town), AccountRef.Wallet(resident, Town), points, TransferReason.Adjustment, key);

    private static TransferRequest Spend(Guid resident, long points, string key) =>
        new(AccountRef.Wallet(resident, Town), AccountRef.Merchant(Guid.Parse("00000000-0000-0000-0000-00000000beef"), Town), points, TransferReason.Redemption, key);

    [Fact]
    public async Task Post_ConcurrentDebits_NeverOverspend()
    {
        var resident = Guid.NewGuid();
        Assert.True((await WithLedgerAsync(l => l.PostAsync(Fund(resident, 100, $"fund:{resident}"), default))).IsSuccess);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => WithLedgerAsync(l => l.PostAsync(Spend(resident, 10, $"spend:{resident}:{i}"), default))));

        Assert.Equal(10, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("points.insufficient", r.Error!.Code));
        Assert.Equal(0, await WithLedgerAsync(l => l.BalanceAsync(AccountRef.Wallet(resident, Town), default)));
    }

    [Fact]
    public async Task Post_SameKeyTwice_PaysOnce_DifferentBodyConflicts()
    {
        var resident = Guid.NewGuid();
        var key = $"once:{resident}";

        var first = await WithLedgerAsync(l => l.PostAsync(Fund(resident, 30, key), default));
        var replay = await WithLedgerAsync(l => l.PostAsync(Fund(resident, 30, key), default));
        var conflict = await WithLedgerAsync(l => l.PostAsync(Fund(resident, 31, key), default));

        Assert.False(first.Value.Replayed);
        Assert.True(replay.Value.Replayed);
        Assert.Equal(first.Value.Entry.Id, replay.Value.Entry.Id);
        Assert.Equal("idempotency.conflict", conflict.Error!.Code);
        Assert.Equal(30, await WithLedgerAsync(l => l.BalanceAsync(AccountRef.Wallet(resident, Town), default)));
    }

    [Fact]
    public async Task Post_SameKeyInParallel_OneEntry()
    {
        var resident = Guid.NewGuid();
        var key = $"parallel:{resident}";

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => WithLedgerAsync(l => l.PostAsync(Fund(resident, 7, key), default))));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Single(results.Select(r => r.Value.Entry.Id).Distinct());
        Assert.Equal(7, await WithLedgerAsync(l => l.BalanceAsync(AccountRef.Wallet(resident, Town), default)));
    }

    [Fact]
    public async Task Reverse_Twice_SecondRefused_AndBalancesMatchEntries()
    {
        var resident = Guid.NewGuid();
        var posted = await WithLedgerAsync(l => l.PostAsync(Fund(resident, 50, $"rev:{resident}"), default));

        var reversed = await WithLedgerAsync(l => l.ReverseAsync(posted.Value.Entry.Id, $"rev1:{resident}", "录入错误", null, default));
        var again = await WithLedgerAsync(l => l.ReverseAsync(posted.Value.Entry.Id, $"rev2:{resident}", "再次冲正", null, default));

        Assert.True(reversed.IsSuccess);
        Assert.Equal("points.already_reversed", again.Error!.Code);
        Assert.Equal(0, await WithLedgerAsync(l => l.BalanceAsync(AccountRef.Wallet(resident, Town), default)));

        var mismatched = await factory.WithDbAsync(async db =>
        {
            var credits = await db.JournalEntries.GroupBy(e => e.CreditAccountId).Select(g => new { Id = g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Id, x => x.Sum);
            var debits = await db.JournalEntries.GroupBy(e => e.DebitAccountId).Select(g => new { Id = g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Id, x => x.Sum);
            var accounts = await db.LedgerAccounts.AsNoTracking().ToListAsync();
            Assert.Equal(0, accounts.Sum(a => a.Balance));
            return accounts.Where(a => a.Balance != credits.GetValueOrDefault(a.Id) - debits.GetValueOrDefault(a.Id)).Select(a => a.Id).ToList();
        });
        Assert.Empty(mismatched);
    }

    [Theory]
    [InlineData(0, "points.amount_invalid")]
    [InlineData(-5, "points.amount_invalid")]
    [InlineData(10_000_001, "points.amount_too_large")]
    public async Task Post_InvalidAmount_Refused(long points, string code)
    {
        var result = await WithLedgerAsync(l => l.PostAsync(Fund(Guid.NewGuid(), points, $"bad:{Guid.NewGuid()}"), default));

        Assert.Equal(code, result.Error!.Code);
    }

    [Fact]
    public async Task Earning_PastDailyCap_PaysTheRemainderThenRefuses()
    {
        var resident = Guid.NewGuid();
        await using var scope = factory.Services.CreateAsyncScope();
        var earning = scope.ServiceProvider.GetRequiredService<EarningService>();
        var cap = await scope.ServiceProvider.GetRequiredService<PointsDbContext>().Towns.Where(t => t.Id == Town).Select(t => t.DailyEarningCap).SingleAsync();

        var big = await earning.AwardAsync(new EarnRequest(resident, Town, TransferReason.Learning, cap - 10, $"cap1:{resident}", "test", "1"), default);
        var capped = await earning.AwardAsync(new EarnRequest(resident, Town, TransferReason.Learning, 25, $"cap2:{resident}", "test", "2"), default);
        var refused = await earning.AwardAsync(new EarnRequest(resident, Town, TransferReason.Learning, 5, $"cap3:{resident}", "test", "3"), default);

        Assert.True(big.IsSuccess);
        Assert.Equal(10, capped.Value.Entry.Points);
        Assert.Equal("points.daily_cap_reached", refused.Error!.Code);

        // A new Shanghai day resets the cap.
        var now = factory.Clock.GetUtcNow();
        factory.Clock.Set(new DateTimeOffset(2026, 11, 24, 0, 0, 1, TimeSpan.FromHours(8)));
        try
        {
            var nextDay = await earning.AwardAsync(new EarnRequest(resident, Town, TransferReason.Learning, 5, $"cap4:{resident}", "test", "4"), default);
            Assert.True(nextDay.IsSuccess);
        }
        finally
        {
            factory.Clock.Set(now);
        }
    }
}
