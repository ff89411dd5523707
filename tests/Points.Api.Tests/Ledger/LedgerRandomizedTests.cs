using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Domain.Market;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Market;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Ledger;

/// <summary>
/// A seeded random mix of every operation that moves points, run by parallel workers through the
/// services (the code the endpoints call), with replays of used keys sprinkled in. Whatever
/// interleaving happens, the ledger check must hold: every balance equals its entries, no wallet is
/// negative, the global sum is zero, and no market item went below zero stock.
/// </summary>
public sealed class LedgerRandomizedTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid Town = PointsApiFactory.DemoTownId;

    [Fact]
    public async Task MixedOperations_InParallel_KeepLedgerBalanced()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8)));
        var residents = Enumerable.Range(1, 50).Select(PointsApiFactory.DemoResidentId).ToList();
        var merchants = new[] { DemoSeeder.StableId("merchant:market"), DemoSeeder.StableId("merchant:barber") };
        var staff = DemoSeeder.StableId("user:town-staff");
        var items = await factory.WithDbAsync(db => db.MarketItems.Select(i => new { i.Id, i.CommunityId }).ToListAsync());
        var communityOf = await factory.WithDbAsync(db => db.Users.Where(u => residents.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.CommunityId!.Value));
        var orders = new ConcurrentBag<Guid>();
        var redemptions = new ConcurrentBag<(Guid Merchant, Guid Id)>();
        var usedKeys = new ConcurrentBag<Func<IServiceProvider, Task>>();
        var outcomes = new ConcurrentDictionary<string, int>();
        const int workers = 8;
        const int opsPerWorker = 250;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            for (var i = 0; i < opsPerWorker; i++)
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var sp = scope.ServiceProvider;
                var resident = residents[random.Next(residents.Count)];
                var op = random.Next(100);
                string outcome;
                if (op < 25)
                {
                    var reason = EarningService.EarningReasons[random.Next(4)];
                    var request = new EarnRequest(resident, Town, reason, random.Next(1, 40), $"rnd-earn:{w}:{i}", "random", $"{w}:{i}");
                    var r = await sp.GetRequiredService<EarningService>().AwardAsync(request, CancellationToken.None);
                    outcome = "earn:" + (r.Error?.Code ?? "ok");
                    usedKeys.Add(s => s.GetRequiredService<EarningService>().AwardAsync(request, CancellationToken.None));
                }
                else if (op < 50)
                {
                    var service = sp.GetRequiredService<RedemptionService>();
                    var code = await service.IssuePaycodeAsync(resident, Town, CancellationToken.None);
                    var command = new RedeemCommand(merchants[random.Next(2)], staff, code.Code, random.Next(1, 60), $"rnd-redeem:{w}:{i}", null);
                    var r = await service.RedeemAsync(command, CancellationToken.None);
                    if (r.IsSuccess)
                    {
                        redemptions.Add((command.MerchantId, r.Value.Redemption.Id));
                    }

                    outcome = "redeem:" + (r.Error?.Code ?? "ok");
                    usedKeys.Add(s => s.GetRequiredService<RedemptionService>().RedeemAsync(command, CancellationToken.None));
                }
                else if (op < 68)
                {
                    var mine = items.Where(it => it.CommunityId == communityOf[resident]).ToList();
                    var command = new PlaceOrderCommand(resident, mine[random.Next(mine.Count)].Id, random.Next(1, 3), $"rnd-order:{w}:{i}");
                    var r = await sp.GetRequiredService<MarketService>().PlaceOrderAsync(command, CancellationToken.None);
                    if (r.IsSuccess)
                    {
                        orders.Add(r.Value.Order.Id);
                    }

                    outcome = "order:" + (r.Error?.Code ?? "ok");
                    usedKeys.Add(s => s.GetRequiredService<MarketService>().PlaceOrderAsync(command, CancellationToken.None));
                }
                else if (op < 78 && orders.TryTake(out var order))
                {
                    var r = await sp.GetRequiredService<MarketService>().CancelAsync(order, staff, CancellationToken.None);
                    outcome = "cancel:" + (r.Error?.Code ?? "ok");
                }
                else if (op < 86 && redemptions.TryTake(out var redemption))
                {
                    var r = await sp.GetRequiredService<RedemptionService>().RefundAsync(redemption.Merchant, redemption.Id, staff, CancellationToken.None);
                    outcome = "refund:" + (r.Error?.Code ?? "ok");
                }
                else if (op < 94)
                {
                    var command = new AdjustCommand(staff, resident, random.Next(-50, 80) is var p && p != 0 ? p : 1, "随机调整", $"rnd-adjust:{w}:{i}");
                    var r = await sp.GetRequiredService<AdjustmentService>().AdjustAsync(command, _ => true, CancellationToken.None);
                    outcome = "adjust:" + (r.Error?.Code ?? "ok");
                }
                else if (!usedKeys.IsEmpty)
                {
                    var replay = usedKeys.ElementAt(random.Next(usedKeys.Count));
                    await replay(sp);
                    outcome = "replay";
                }
                else
                {
                    outcome = "skip";
                }

                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        })));

        await LedgerTestKit.AssertLedgerConsistentAsync(factory);
        Assert.True(outcomes.Where(o => o.Key.EndsWith(":ok", StringComparison.Ordinal)).Sum(o => o.Value) > 500, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("redeem:points.insufficient") + outcomes.GetValueOrDefault("order:points.insufficient") > 0, string.Join(", ", outcomes));
        Assert.Equal(0, await factory.WithDbAsync(db => db.MarketItems.CountAsync(i => i.Stock < 0)));
        var entriesPerKey = await factory.WithDbAsync(db => db.JournalEntries.GroupBy(e => e.IdempotencyKey).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, entriesPerKey);
        var orderState = await factory.WithDbAsync(db => db.MarketOrders.GroupBy(o => o.Status).ToDictionaryAsync(g => g.Key, g => g.Count()));
        Assert.True(orderState.GetValueOrDefault(MarketOrderStatus.Placed) > 0);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
    }
}
