using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Participation;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Participation;

public sealed class AwardBackfillTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Backfill_ApprovedButUnpaid_PaysOnceWithTheSameKey()
    {
        var resident = PointsApiFactory.DemoResidentId(9);
        var now = factory.Clock.GetUtcNow();
        var declaration = Declaration.Submit(Guid.NewGuid(), resident, PointsApiFactory.DemoTownId, PointsApiFactory.DongshanId, DeclarationCategory.GoodDeed, "扶老人过马路", [], now).Value;
        Assert.True(declaration.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 12, needsTownReview: false, Guid.NewGuid(), now).IsSuccess);
        // The approval committed; the process "crashed" before the award was posted.
        await factory.WithDbAsync(async db =>
        {
            db.Declarations.Add(declaration);
            await db.SaveChangesAsync();
        });
        var before = await BalanceAsync(resident);

        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        try
        {
            var first = await RunAsync();
            var second = await RunAsync();

            Assert.Equal(1, first);
            Assert.Equal(0, second);
            Assert.Equal(before + 12, await BalanceAsync(resident));
            var entries = await factory.WithDbAsync(db => db.JournalEntries.AsNoTracking().CountAsync(e => e.IdempotencyKey == ParticipationAwards.DeclarationKey(declaration.Id)));
            Assert.Equal(1, entries);
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromMinutes(3));
        }
    }

    private async Task<int> RunAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<AwardBackfillJob>();
        return await job.BackfillAsync(scope.ServiceProvider.GetRequiredService<PointsDbContext>(), scope.ServiceProvider.GetRequiredService<EarningService>(), default);
    }

    private async Task<long> BalanceAsync(Guid resident)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerService>().BalanceAsync(AccountRef.Wallet(resident, PointsApiFactory.DemoTownId), default);
    }
}
