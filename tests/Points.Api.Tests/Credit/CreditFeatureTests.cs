using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Ledger;
using Points.Scoring;
using Points.Scoring.Synthetic;
using static Points.Scoring.Synthetic.BehaviourFeatures;

namespace Points.Api.Tests.Credit;

public sealed class CreditFeatureTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<FeatureMatrix> ExtractAsync(IReadOnlyCollection<Guid>? ids, DateTimeOffset asOf)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BehaviourFeatureExtractor>().ExtractAsync(ids, asOf, CancellationToken.None);
    }

    [Fact]
    public void FeatureNames_EqualBehaviourFeaturesAll_AndNoneIsProhibited()
    {
        Assert.Equal(All, FeatureMatrix.FeatureNames);
        Assert.DoesNotContain(FeatureMatrix.FeatureNames, ProhibitedFeatures.IsProhibited);
        foreach (var forbidden in new[] { "sex", "age", "maritalStatus", "ethnicity", "religion", "healthStatus" })
        {
            Assert.DoesNotContain(FeatureMatrix.FeatureNames, n => n.Equals(forbidden, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Extract_AsOfDate_CountsOnlyEarlierEarningsAndAccountAge()
    {
        var asOf = factory.Clock.GetUtcNow();
        var created = asOf.AddDays(-400);
        var resident = (await CreditTestData.NewResidentsAsync(factory, 1, created, "asof"))[0];
        await CreditTestData.EarnAtAsync(factory, resident, asOf.AddDays(-300), 30);
        await CreditTestData.EarnAtAsync(factory, resident, asOf.AddDays(-10), 20, TransferReason.Learning);
        await CreditTestData.EarnAtAsync(factory, resident, asOf.AddDays(-380), 1000);
        await CreditTestData.EarnAtAsync(factory, resident, asOf.AddDays(2), 500);
        await CreditTestData.EarnAtAsync(factory, resident, asOf, 700);

        var m = await ExtractAsync([resident], asOf);

        Assert.Equal(1, m.Count);
        Assert.Equal(50, m.Get(PointsEarned365d, 0));
        Assert.Equal(400, m.Get(AccountAgeDays, 0));

        var earlier = await ExtractAsync([resident], asOf.AddDays(-100));
        Assert.Equal(1030, earlier.Get(PointsEarned365d, 0));
        Assert.Equal(300, earlier.Get(AccountAgeDays, 0));

        var beforeAccount = await ExtractAsync([resident], created.AddDays(-1));
        Assert.Equal(0, beforeAccount.Count);
    }

    [Fact]
    public async Task Extract_PointsEarned_IsEarningsNotBalance()
    {
        var now = factory.Clock.GetUtcNow();
        var resident = PointsApiFactory.DemoResidentId(3);
        var town = PointsApiFactory.DemoTownId;
        var earn = await CreditTestData.EarnAtAsync(factory, resident, now.AddDays(-20), 40);
        await CreditTestData.EarnAtAsync(factory, resident, now.AddDays(-15), 25, TransferReason.Declaration);
        await CreditTestData.PostAtAsync(factory, now.AddDays(-5), new TransferRequest(AccountRef.Wallet(resident, town), AccountRef.Merchant(Guid.NewGuid(), town), 30,
            TransferReason.Redemption, $"redeem:{Guid.NewGuid()}"));
        await CreditTestData.PostAtAsync(factory, now.AddDays(-4), new TransferRequest(AccountRef.Issuance(town), AccountRef.Wallet(resident, town), 15,
            TransferReason.Adjustment, $"adjust:{Guid.NewGuid()}"));
        factory.Clock.Set(now.AddDays(-3));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var reversed = await scope.ServiceProvider.GetRequiredService<LedgerService>().ReverseAsync(earn.Id, $"rev:{earn.Id}", "撤销", null, CancellationToken.None);
            Assert.True(reversed.IsSuccess);
        }

        factory.Clock.Set(now);
        var balance = await factory.WithDbAsync(db => db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == resident).Select(a => a.Balance).SingleAsync());

        var m = await ExtractAsync([resident], now);

        Assert.Equal(25, m.Get(PointsEarned365d, 0));
        Assert.NotEqual(balance, (long)m.Get(PointsEarned365d, 0));
    }

    [Fact]
    public async Task Extract_WholePopulation_OneRowPerResident()
    {
        var m = await ExtractAsync(null, factory.Clock.GetUtcNow());

        var residents = await factory.WithDbAsync(db => db.Users.CountAsync(u => u.Role == Points.Domain.Identity.Role.Resident && u.CreatedAt < factory.Clock.GetUtcNow()));
        Assert.Equal(residents, m.Count);
        Assert.Equal(m.Count, m.Residents.Select(r => r.Id).Distinct().Count());
        for (var i = 0; i < m.Count; i++)
        {
            Assert.False(double.IsNaN(m.Get(NegativeRecordCount, i)));
            Assert.False(double.IsNaN(m.Get(AccountAgeDays, i)));
            Assert.False(double.IsNaN(m.Get(PointsEarned365d, i)));
        }

        var row = ExpertScorecard.Create().Score(m.Row(0));
        Assert.Equal(ExpertScorecard.Version, row.ModelVersion);
    }

    [Fact]
    public async Task Extract_NegativeRecords_ExpiredRevokedAndLaterOnesExcluded_RevokeRescores()
    {
        var now = factory.Clock.GetUtcNow();
        var resident = PointsApiFactory.DemoResidentId(15);
        var staff = await factory.StaffAsync("staff-dongshan");
        async Task<Guid> RecordAsync(object body)
        {
            var response = await staff.PostAsJsonAsync($"/api/residents/{resident}/negative-records", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        await RecordAsync(new { kind = "Violation", description = "乱堆杂物占用消防通道", severity = 2, occurredAt = now.AddDays(-100) });
        await RecordAsync(new { kind = "Violation", description = "旧的违规记录", severity = 3, occurredAt = now.AddYears(-4), expiresAt = now.AddDays(-10) });
        var revoked = await RecordAsync(new { kind = "UnresolvedDispute", description = "邻里纠纷未化解", severity = 3, occurredAt = now.AddDays(-30) });
        var profilesBefore = await factory.WithDbAsync(db => db.CreditProfiles.CountAsync(p => p.ResidentId == resident));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/negative-records/{revoked}/revoke", new { note = "核实有误" })).StatusCode);
        Assert.Equal(profilesBefore + 1, await factory.WithDbAsync(db => db.CreditProfiles.CountAsync(p => p.ResidentId == resident)));

        var m = await ExtractAsync([resident], now.AddSeconds(1));

        Assert.Equal(1, m.Get(NegativeRecordCount, 0));
        Assert.Equal(2, m.Get(NegativeRecordMaxSeverity, 0));
        Assert.Equal(100, m.Get(DaysSinceLastNegativeRecord, 0));

        var beforeRecorded = await ExtractAsync([resident], now.AddDays(-1));
        Assert.Equal(0, beforeRecorded.Get(NegativeRecordCount, 0));
        Assert.True(double.IsNaN(beforeRecorded.Get(DaysSinceLastNegativeRecord, 0)));

        var other = await ExtractAsync([PointsApiFactory.DemoResidentId(17)], now.AddSeconds(1));
        Assert.Equal(0, other.Get(NegativeRecordCount, 0));
        Assert.Equal(0, other.Get(ApprovedDeclarations365d, 0));
        Assert.Equal(0, other.Get(LearningReads90d, 0));
    }

    [Fact]
    public void NightlyJob_IsDueOncePerShanghaiDayFrom0200()
    {
        var job = new CreditRescoreJob();
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.False(job.IsDue(day.AddDays(-1).AddHours(2).AddMinutes(1), day.AddHours(1).AddMinutes(59)));
        Assert.True(job.IsDue(day.AddDays(-1).AddHours(2).AddMinutes(1), day.AddHours(2)));
        Assert.True(job.IsDue(null, day.AddHours(2).AddMinutes(5)));
        Assert.False(job.IsDue(day.AddHours(2).AddMinutes(3), day.AddHours(14)));
        Assert.True(job.IsDue(day.AddHours(2).AddMinutes(3), day.AddDays(1).AddHours(2)));
        Assert.True(job.IsDue(day.AddDays(-1).AddHours(2), new DateTimeOffset(2026, 11, 23, 18, 30, 0, TimeSpan.Zero)));
    }
}
