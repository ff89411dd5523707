using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

public sealed class EarningAndAdjustmentTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid Town = PointsApiFactory.DemoTownId;
    private static readonly DateTimeOffset Today = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private async Task<Points.Domain.Common.Result<PostedTransfer>> AwardAsync(Guid resident, long points, string? key = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EarningService>().AwardAsync(
            new EarnRequest(resident, Town, TransferReason.Learning, points, key ?? "learn:" + Guid.NewGuid(), "article", Guid.NewGuid().ToString()), CancellationToken.None);
    }

    [Fact]
    public async Task Award_ParallelPastSourceCaps_NeverOvershootsDailyOrMonthlyCap()
    {
        var townStaff = await factory.StaffAsync("town-staff");
        var communityStaff = await factory.StaffAsync("staff-dongshan");
        var rule = await townStaff.PutAsJsonAsync($"/api/towns/{Town}/earning-rules/Learning", new { defaultPoints = 3, dailyCap = 10, monthlyCap = 25 });
        var forbidden = await communityStaff.PutAsJsonAsync($"/api/towns/{Town}/earning-rules/Learning", new { defaultPoints = 3 });
        var badSource = await townStaff.PutAsJsonAsync($"/api/towns/{Town}/earning-rules/Redemption", new { defaultPoints = 3 });
        Assert.Equal(HttpStatusCode.OK, rule.StatusCode);
        await ProblemAssert.IsProblemAsync(forbidden, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(badSource, HttpStatusCode.BadRequest, "validation.failed");
        var (_, resident) = await FreshResidentAsync(factory, 0);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => AwardAsync(resident, 0)));
        Assert.Equal(10, await BalanceAsync(factory, resident));
        Assert.Equal(4, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("points.daily_cap_reached", r.Error!.Code));

        factory.Clock.Set(Today.AddDays(1));
        Assert.Equal(10, (await AwardAsync(resident, 10)).Value.Entry.Points);
        factory.Clock.Set(Today.AddDays(2));
        Assert.Equal(5, (await AwardAsync(resident, 10)).Value.Entry.Points);
        Assert.Equal("points.monthly_cap_reached", (await AwardAsync(resident, 1)).Error!.Code);
        factory.Clock.Set(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(3, (await AwardAsync(resident, 0)).Value.Entry.Points);
        factory.Clock.Set(Today);
        Assert.Equal(28, await BalanceAsync(factory, resident));
    }

    [Fact]
    public async Task Revoke_Award_ReversesItsPointsOnce()
    {
        var (_, resident) = await FreshResidentAsync(factory, 0);
        var key = "declaration:" + Guid.NewGuid();
        Assert.True((await AwardAsync(resident, 2, key)).IsSuccess);

        await using var scope = factory.Services.CreateAsyncScope();
        var earning = scope.ServiceProvider.GetRequiredService<EarningService>();
        var first = await earning.RevokeAsync(key, "撤销", null, CancellationToken.None);
        var second = await earning.RevokeAsync(key, "撤销", null, CancellationToken.None);

        Assert.True(first.IsSuccess);
        Assert.True(second.Value!.Replayed);
        Assert.Equal(0, await BalanceAsync(factory, resident));
    }

    [Fact]
    public async Task Adjustment_ByTownStaff_IsAuditedIdempotentAndGuarded()
    {
        var (_, resident) = await FreshResidentAsync(factory, 0);
        var staff = await factory.StaffAsync("town-staff");
        var staffId = (await staff.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();
        var key = Guid.NewGuid().ToString();

        var credit = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 50, reason = "补录活动积分" }, key));
        var replay = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 50, reason = "补录活动积分" }, key));
        var conflict = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 60, reason = "补录活动积分" }, key));
        var overdraw = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = -51, reason = "扣减" }, Guid.NewGuid().ToString()));
        var debit = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = -20, reason = "扣减错发积分" }, Guid.NewGuid().ToString()));
        var noReason = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 5 }, Guid.NewGuid().ToString()));
        var zero = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 0, reason = "零" }, Guid.NewGuid().ToString()));
        var noKey = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 5, reason = "x" }, null));
        var unknown = await staff.SendAsync(Post("/api/points/adjustments", new { residentId = Guid.NewGuid(), points = 5, reason = "x" }, Guid.NewGuid().ToString()));
        var communityStaff = await (await factory.StaffAsync("staff-dongshan")).SendAsync(Post("/api/points/adjustments", new { residentId = resident, points = 5, reason = "x" }, "k"));

        Assert.Equal(HttpStatusCode.OK, credit.StatusCode);
        Assert.Equal(await credit.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict, "idempotency.conflict");
        await ProblemAssert.IsProblemAsync(overdraw, HttpStatusCode.Conflict, "points.insufficient");
        Assert.Equal(30, (await debit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balance").GetInt64());
        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(zero, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(noKey, HttpStatusCode.BadRequest, "idempotency.key_required");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "resident.not_found");
        await ProblemAssert.IsProblemAsync(communityStaff, HttpStatusCode.Forbidden, "auth.forbidden");
        var entries = await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.Reason == TransferReason.Adjustment && e.SourceId == resident.ToString()).ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(staffId, e.ActorId));
        Assert.Contains(entries, e => e.Note == "扣减错发积分" && e.Points == 20);
    }

    [Fact]
    public async Task ExpiryJob_LapsesUnspentOldPointsOncePerPeriod()
    {
        var (_, resident) = await FreshResidentAsync(factory, 0);
        factory.Clock.Set(new DateTimeOffset(2026, 9, 10, 10, 0, 0, TimeSpan.FromHours(8)));
        await CreditAsync(factory, resident, 100);
        factory.Clock.Set(new DateTimeOffset(2026, 10, 5, 10, 0, 0, TimeSpan.FromHours(8)));
        await CreditAsync(factory, resident, 40);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            await ledger.PostAsync(new TransferRequest(AccountRef.Wallet(resident, Town), AccountRef.Issuance(Town), 30, TransferReason.Adjustment, "spend:" + Guid.NewGuid()), CancellationToken.None);
        }

        factory.Clock.Set(Today);
        (await (await factory.StaffAsync("town-staff")).PutAsJsonAsync($"/api/towns/{Town}/expiry-policy", new { months = 1 })).EnsureSuccessStatusCode();
        var job = factory.Services.GetRequiredService<PointsExpiryJob>();
        for (var run = 0; run < 2; run++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await job.RunAsync(scope.ServiceProvider, CancellationToken.None);
        }

        (await (await factory.StaffAsync("town-staff")).PutAsJsonAsync($"/api/towns/{Town}/expiry-policy", new { months = (int?)null })).EnsureSuccessStatusCode();
        Assert.Equal(40, await BalanceAsync(factory, resident));
        var expiries = await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.Reason == TransferReason.Expiry && e.IdempotencyKey == $"expiry:{resident}:2026-11").ToListAsync());
        Assert.Equal(70, Assert.Single(expiries).Points);
        Assert.True(job.IsDue(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.FromHours(8)), Today));
        Assert.False(job.IsDue(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)), Today));
        await AssertLedgerConsistentAsync(factory);
    }
}
