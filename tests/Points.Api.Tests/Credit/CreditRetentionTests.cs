using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Jobs;

namespace Points.Api.Tests.Credit;

/// <summary>The credit profile retention rule on PostgreSQL: what is kept, what is deleted, and that a second run deletes nothing.</summary>
public sealed class CreditRetentionTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task RetentionJob_NightlyHistory_KeepsLast90DaysMonthEndsTierChangesAndAppealedDeletesRest()
    {
        factory.Clock.Set(RetentionKit.Today);
        var (tiers, appealed) = await RetentionKit.SeedAsync(factory, "ret-pg");
        var scheduler = factory.Services.GetRequiredService<JobScheduler>();
        var job = factory.Services.GetRequiredService<CreditProfileRetentionJob>();

        Assert.True(await scheduler.RunOnceAsync(job, CancellationToken.None));

        await RetentionKit.AssertKeptAsync(factory, tiers, appealed);
        var (tierRows, appealedRows) = await RetentionKit.CountsAsync(factory, tiers, appealed);

        // A second run the same day: the job is not due, and running the rule again deletes nothing more.
        Assert.False(await scheduler.RunOnceAsync(job, CancellationToken.None));
        var again = await RetentionKit.RunAsync(factory);
        Assert.Equal(0, again.Deleted);
        Assert.Equal((tierRows, appealedRows), await RetentionKit.CountsAsync(factory, tiers, appealed));
        await RetentionKit.AssertKeptAsync(factory, tiers, appealed);
    }

    [Fact]
    public async Task Retention_NextDay_DeletesOnlyTheProfileThatLeftThe90DayWindow()
    {
        factory.Clock.Set(RetentionKit.Today);
        var (resident, _) = await RetentionKit.SeedAsync(factory, "ret-next");
        await RetentionKit.RunAsync(factory);
        var before = await RetentionKit.AsOfDaysAsync(factory, resident);
        Assert.Contains(new DateOnly(2026, 8, 25), before);

        factory.Clock.Set(RetentionKit.Today.AddDays(1));
        var next = await RetentionKit.RunAsync(factory);

        Assert.Equal(RetentionKit.Day(2026, 8, 26), next.KeepFrom);
        var after = await RetentionKit.AsOfDaysAsync(factory, resident);
        Assert.Equal(before.Where(d => d != new DateOnly(2026, 8, 25)), after);
        Assert.Equal(0, (await RetentionKit.RunAsync(factory)).Deleted);
        factory.Clock.Set(RetentionKit.Today);
    }
}

/// <summary>The same rule on the embedded default (SQLite): the set-based deletes must translate there too.</summary>
public sealed class CreditRetentionEmbeddedTests(EmbeddedFactory factory) : IClassFixture<EmbeddedFactory>
{
    [Fact]
    public async Task Retention_OnSqlite_KeepsAndDeletesTheSameProfiles()
    {
        factory.Clock.Set(RetentionKit.Today);
        var (tiers, appealed) = await RetentionKit.SeedAsync(factory, "ret-sqlite");

        var first = await RetentionKit.RunAsync(factory);
        var second = await RetentionKit.RunAsync(factory);

        Assert.Equal(RetentionKit.Day(2026, 8, 25), first.KeepFrom);
        Assert.Equal(RetentionKit.ExpectedDeleted, first.Deleted);
        Assert.Equal(0, second.Deleted);
        await RetentionKit.AssertKeptAsync(factory, tiers, appealed);
    }
}

/// <summary>
/// Nightly profiles (02:00 Asia/Shanghai) of two fresh residents, written directly:
/// <c>tiers</c> from 2026-06-01 to 2026-11-22, fair except good from 06-15 to 07-09;
/// <c>appealed</c> through June, all fair, with an answered dispute (06-03, not the latest), an open dispute
/// (06-10) naming the 06-07 profile, and an answered review request (06-20).
/// </summary>
internal static class RetentionKit
{
    public static readonly DateTimeOffset Today = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>80 of the tier resident's 175 profiles and 25 of the appealed resident's 30.</summary>
    public const int ExpectedDeleted = 80 + 25;

    public static DateTimeOffset Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.FromHours(8));

    private static DateTimeOffset Night(DateOnly day) => Day(day.Year, day.Month, day.Day).AddHours(2);

    public static async Task<(Guid Tiers, Guid Appealed)> SeedAsync(PointsApiFactory factory, string prefix)
    {
        var ids = await CreditTestData.NewResidentsAsync(factory, 2, Day(2025, 1, 1), prefix);
        var (tiers, appealed) = (ids[0], ids[1]);
        await factory.WithDbAsync(async db =>
        {
            for (var d = new DateOnly(2026, 6, 1); d <= new DateOnly(2026, 11, 22); d = d.AddDays(1))
            {
                var good = d >= new DateOnly(2026, 6, 15) && d < new DateOnly(2026, 7, 10);
                db.CreditProfiles.Add(Profile(tiers, Night(d), good ? "good" : "fair"));
            }

            var june = new Dictionary<int, CreditProfile>();
            for (var day = 1; day <= 30; day++)
            {
                june[day] = Profile(appealed, Night(new DateOnly(2026, 6, day)), "fair");
                db.CreditProfiles.Add(june[day]);
            }

            var old = CreditAppeal.File(Guid.CreateVersion7(), appealed, PointsApiFactory.DemoTownId, PointsApiFactory.XihuId, CreditAppealKind.DisputeRecord, "记录有误", "nr-123", Day(2026, 6, 3).AddHours(12)).Value;
            old.Answer(CreditAppealDecision.Rejected, "记录无误", Guid.CreateVersion7(), Day(2026, 6, 4).AddHours(9));
            var latest = CreditAppeal.File(Guid.CreateVersion7(), appealed, PointsApiFactory.DemoTownId, PointsApiFactory.XihuId, CreditAppealKind.DisputeRecord, "6月7日的评分有误", june[7].Id.ToString(), Day(2026, 6, 10).AddHours(12)).Value;
            var review = CreditAppeal.File(Guid.CreateVersion7(), appealed, PointsApiFactory.DemoTownId, PointsApiFactory.XihuId, CreditAppealKind.HumanReview, "请人工复核", null, Day(2026, 6, 20).AddHours(12)).Value;
            review.Answer(CreditAppealDecision.Upheld, "已复核", Guid.CreateVersion7(), Day(2026, 6, 21).AddHours(9));
            db.CreditAppeals.AddRange(old, latest, review);
            await db.SaveChangesAsync();
        });
        return (tiers, appealed);
    }

    private static CreditProfile Profile(Guid resident, DateTimeOffset asOf, string tier) =>
        new(Guid.CreateVersion7(), resident, tier == "good" ? 650 : 575, tier, tier == "good" ? "650-699" : "550-599", asOf, "expert-1", "[]", asOf);

    public static async Task<RetentionSummary> RunAsync(PointsApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CreditProfileRetention>().RunAsync(CancellationToken.None);
    }

    public static async Task<List<DateOnly>> AsOfDaysAsync(PointsApiFactory factory, Guid resident)
    {
        var instants = await factory.WithDbAsync(db => db.CreditProfiles.AsNoTracking().Where(p => p.ResidentId == resident).Select(p => p.AsOf).ToListAsync());
        return [.. instants.Select(i => DateOnly.FromDateTime(i.ToOffset(TimeSpan.FromHours(8)).DateTime)).Order()];
    }

    public static async Task<(int, int)> CountsAsync(PointsApiFactory factory, Guid tiers, Guid appealed) =>
        ((await AsOfDaysAsync(factory, tiers)).Count, (await AsOfDaysAsync(factory, appealed)).Count);

    public static async Task AssertKeptAsync(PointsApiFactory factory, Guid tiers, Guid appealed)
    {
        // Older than 90 days: the first profile, the tier changes (06-15, 07-10) and the last of June and July.
        // From 08-25 on (the last 90 days): every night.
        List<DateOnly> expected = [new(2026, 6, 1), new(2026, 6, 15), new(2026, 6, 30), new(2026, 7, 10), new(2026, 7, 31)];
        for (var d = new DateOnly(2026, 8, 25); d <= new DateOnly(2026, 11, 22); d = d.AddDays(1))
        {
            expected.Add(d);
        }

        Assert.Equal(expected, await AsOfDaysAsync(factory, tiers));

        // The first, the profile the open dispute names (06-07), the ones seen when the latest dispute (06-10) and the
        // latest review request (06-20) were filed, and the month's last; not 06-03, seen by the older answered dispute.
        Assert.Equal(
            [new(2026, 6, 1), new(2026, 6, 7), new(2026, 6, 10), new(2026, 6, 20), new(2026, 6, 30)],
            await AsOfDaysAsync(factory, appealed));
        Assert.Equal(3, await factory.WithDbAsync(db => db.CreditAppeals.CountAsync(a => a.ResidentId == appealed)));
    }
}
