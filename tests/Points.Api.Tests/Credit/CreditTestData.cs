using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Credit;

/// <summary>Real rows for credit tests: residents and journal entries at chosen instants.</summary>
internal static class CreditTestData
{
    /// <summary>Posts a ledger transfer as if it happened at <paramref name="at"/> (the clock is put back afterwards).</summary>
    public static async Task<JournalEntry> PostAtAsync(PointsApiFactory factory, DateTimeOffset at, TransferRequest request)
    {
        var before = factory.Clock.GetUtcNow();
        factory.Clock.Set(at);
        try
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<LedgerService>().PostAsync(request, CancellationToken.None);
            Assert.True(result.IsSuccess, result.Error?.Code);
            return result.Value.Entry;
        }
        finally
        {
            factory.Clock.Set(before);
        }
    }

    public static Task<JournalEntry> EarnAtAsync(PointsApiFactory factory, Guid resident, DateTimeOffset at, long points, TransferReason reason = TransferReason.ActivityAttendance) =>
        PostAtAsync(factory, at, new TransferRequest(AccountRef.Issuance(PointsApiFactory.DemoTownId), AccountRef.Wallet(resident, PointsApiFactory.DemoTownId), points, reason,
            $"test-earn:{Guid.NewGuid()}", SourceType: "test", SourceId: Guid.NewGuid().ToString()));

    /// <summary>Creates residents directly (bulk), in 东山村 or 西湖社区 alternately, created at <paramref name="createdAt"/>.</summary>
    public static async Task<List<Guid>> NewResidentsAsync(PointsApiFactory factory, int count, DateTimeOffset createdAt, string prefix)
    {
        var ids = new List<Guid>();
        await factory.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                var community = i % 2 == 0 ? PointsApiFactory.DongshanId : PointsApiFactory.XihuId;
                var user = UserAccount.NewResident(Guid.CreateVersion7(), $"{prefix}-{i}-{Guid.NewGuid():N}", null, $"居民{i}", PointsApiFactory.DemoTownId, community, null, createdAt);
                db.Users.Add(user);
                ids.Add(user.Id);
            }

            await db.SaveChangesAsync();
        });
        return ids;
    }

    public static async Task<Guid> BankIdAsync(PointsDbContext db, string clientId) =>
        (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.BankClients, b => b.ClientId == clientId)).Id;
}
