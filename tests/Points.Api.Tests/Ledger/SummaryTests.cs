using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

public sealed class SummaryTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset Today = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Town = PointsApiFactory.DemoTownId;

    private async Task PostAtAsync(DateTimeOffset at, Func<IServiceProvider, Task> work)
    {
        factory.Clock.Set(at);
        try
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await work(scope.ServiceProvider);
        }
        finally
        {
            factory.Clock.Set(Today);
        }
    }

    private static async Task AwardAsync(IServiceProvider sp, Guid resident, TransferReason source, long points)
    {
        var result = await sp.GetRequiredService<EarningService>().AwardAsync(
            new EarnRequest(resident, Town, source, points, "award:" + Guid.NewGuid(), "test", Guid.NewGuid().ToString()), CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Code);
    }

    private static async Task MoveAsync(IServiceProvider sp, AccountRef from, AccountRef to, long points, TransferReason reason)
    {
        var result = await sp.GetRequiredService<LedgerService>().PostAsync(new TransferRequest(from, to, points, reason, "move:" + Guid.NewGuid()), CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Code);
    }

    [Fact]
    public async Task Summary_ForPastMonth_IsReproducibleAfterLaterEntries_AndCsvHasBom()
    {
        var (_, alice) = await FreshResidentAsync(factory, 0);
        var wallet = AccountRef.Wallet(alice, Town);
        await PostAtAsync(new DateTimeOffset(2026, 9, 30, 23, 59, 59, TimeSpan.FromHours(8)), sp => AwardAsync(sp, alice, TransferReason.Learning, 7));
        await PostAtAsync(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8)), sp => AwardAsync(sp, alice, TransferReason.ActivityAttendance, 30));
        await PostAtAsync(new DateTimeOffset(2026, 10, 12, 9, 0, 0, TimeSpan.FromHours(8)), async sp =>
        {
            await AwardAsync(sp, alice, TransferReason.Declaration, 12);
            await MoveAsync(sp, wallet, AccountRef.Merchant(Points.Infrastructure.Seeding.DemoSeeder.StableId("merchant:market"), Town), 10, TransferReason.Redemption);
            await MoveAsync(sp, AccountRef.Issuance(Town), wallet, 5, TransferReason.Adjustment);
            await MoveAsync(sp, wallet, AccountRef.Expiry(Town), 2, TransferReason.Expiry);
        });
        var staff = await factory.StaffAsync("staff-dongshan");
        var url = $"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-10";
        var before = await staff.GetStringAsync(url);

        await PostAtAsync(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)), sp => AwardAsync(sp, alice, TransferReason.ActivityAttendance, 40));
        var after = await staff.GetStringAsync(url);
        var csv = await staff.GetAsync(url + "?format=csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();

        Assert.Equal(before, after);
        var row = JsonDocument.Parse(after).RootElement.GetProperty("residents").EnumerateArray().Single(r => r.GetProperty("residentId").GetGuid() == alice);
        Assert.Equal(7, row.GetProperty("opening").GetInt64());
        Assert.Equal(30, row.GetProperty("earnedBySource").GetProperty("ActivityAttendance").GetInt64());
        Assert.Equal(12, row.GetProperty("earnedBySource").GetProperty("Declaration").GetInt64());
        Assert.Equal(42, row.GetProperty("earned").GetInt64());
        Assert.Equal(10, row.GetProperty("spent").GetInt64());
        Assert.Equal(2, row.GetProperty("expired").GetInt64());
        Assert.Equal(5, row.GetProperty("adjusted").GetInt64());
        Assert.Equal(42, row.GetProperty("closing").GetInt64());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("姓名,期初余额,活动积分", Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    [Fact]
    public async Task PublicSummary_MasksNamesAndLeavesOutOptedOut()
    {
        var (optedOut, optedOutId) = await FreshResidentAsync(factory, 10);
        (await optedOut.PatchAsJsonAsync("/api/me", new { displayName = "欧阳不公示", honorRollOptOut = true })).EnsureSuccessStatusCode();
        var (shown, shownId) = await FreshResidentAsync(factory, 10);
        (await shown.PatchAsJsonAsync("/api/me", new { displayName = "张三丰" })).EnsureSuccessStatusCode();
        var anonymous = factory.CreateClient();

        var body = await anonymous.GetFromJsonAsync<JsonElement>($"/api/public/communities/{PointsApiFactory.DongshanId}/summaries/2026-11");
        var csv = await anonymous.GetByteArrayAsync($"/api/public/communities/{PointsApiFactory.DongshanId}/summaries/2026-11?format=csv");

        var names = body.GetProperty("residents").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        Assert.Contains("张*", names);
        Assert.DoesNotContain(names, n => n.StartsWith("欧", StringComparison.Ordinal));
        Assert.All(names, n => Assert.Equal(2, n.Length));
        Assert.All(body.GetProperty("residents").EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("residentId").ValueKind));
        var text = Encoding.UTF8.GetString(csv);
        Assert.DoesNotContain("张三丰", text);
        Assert.DoesNotContain("欧阳", text);
        _ = (optedOutId, shownId);
    }

    [Fact]
    public async Task Summary_Authorization_StaffOnlyInScope()
    {
        var url = $"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-11";

        var otherCommunity = await (await factory.StaffAsync("staff-xihu")).GetAsync(url);
        var resident = await (await factory.ResidentAsync(1)).GetAsync(url);
        var townStaff = await (await factory.StaffAsync("town-staff")).GetAsync(url);
        var anonymous = await factory.CreateClient().GetAsync(url);
        var badMonth = await (await factory.StaffAsync("staff-dongshan")).GetAsync($"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-1");

        await ProblemAssert.IsProblemAsync(otherCommunity, HttpStatusCode.Forbidden, "summary.out_of_scope");
        await ProblemAssert.IsProblemAsync(resident, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized, "auth.required");
        await ProblemAssert.IsProblemAsync(badMonth, HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(HttpStatusCode.OK, townStaff.StatusCode);
        var rows = (await townStaff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residents");
        Assert.Equal(rows.GetArrayLength(), rows.EnumerateArray().Count(r => r.GetProperty("closing").GetInt64() == r.GetProperty("opening").GetInt64()
            + r.GetProperty("earned").GetInt64() - r.GetProperty("spent").GetInt64() - r.GetProperty("expired").GetInt64() + r.GetProperty("adjusted").GetInt64()
            + r.GetProperty("elsewhere").GetInt64()));
    }

    [Fact]
    public async Task Summary_ResidentMovesCommunity_ClosedMonthKeepsItsAnswer_NewMovementsCountInTheNewCommunity()
    {
        var (_, bob) = await FreshResidentAsync(factory, 0);
        await PostAtAsync(new DateTimeOffset(2026, 10, 10, 9, 0, 0, TimeSpan.FromHours(8)), sp => AwardAsync(sp, bob, TransferReason.Declaration, 20));
        var staff = await factory.StaffAsync("town-staff");
        var dongshanOct = $"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-10";
        var before = await staff.GetStringAsync(dongshanOct);

        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == bob)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CommunityId, PointsApiFactory.XihuId).SetProperty(u => u.GridId, (Guid?)null)));
        await PostAtAsync(new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.FromHours(8)), sp => AwardAsync(sp, bob, TransferReason.Learning, 15));
        var after = await staff.GetStringAsync(dongshanOct);
        var xihuOct = await staff.GetFromJsonAsync<JsonElement>($"/api/communities/{PointsApiFactory.XihuId}/summaries/2026-10");
        var xihuNov = await staff.GetFromJsonAsync<JsonElement>($"/api/communities/{PointsApiFactory.XihuId}/summaries/2026-11");
        var dongshanNov = await staff.GetFromJsonAsync<JsonElement>($"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-11");

        Assert.Equal(before, after);
        var october = JsonDocument.Parse(after).RootElement;
        Assert.True(october.GetProperty("closed").GetBoolean());
        Assert.Equal(20, october.GetProperty("residents").EnumerateArray().Single(r => r.GetProperty("residentId").GetGuid() == bob).GetProperty("earned").GetInt64());
        Assert.DoesNotContain(xihuOct.GetProperty("residents").EnumerateArray(), r => r.GetProperty("residentId").GetGuid() == bob);
        Assert.False(xihuNov.GetProperty("closed").GetBoolean());
        var inXihu = xihuNov.GetProperty("residents").EnumerateArray().Single(r => r.GetProperty("residentId").GetGuid() == bob);
        Assert.Equal((20L, 15L, 0L, 35L), (inXihu.GetProperty("opening").GetInt64(), inXihu.GetProperty("earned").GetInt64(), inXihu.GetProperty("elsewhere").GetInt64(), inXihu.GetProperty("closing").GetInt64()));
        var inDongshan = dongshanNov.GetProperty("residents").EnumerateArray().Single(r => r.GetProperty("residentId").GetGuid() == bob);
        Assert.Equal((20L, 0L, 15L, 35L), (inDongshan.GetProperty("opening").GetInt64(), inDongshan.GetProperty("earned").GetInt64(), inDongshan.GetProperty("elsewhere").GetInt64(), inDongshan.GetProperty("closing").GetInt64()));
        var entry = await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.Reason == TransferReason.Declaration && e.OccurredAt < new DateTimeOffset(2026, 10, 11, 0, 0, 0, TimeSpan.FromHours(8)))
            .Join(db.LedgerAccounts.Where(a => a.OwnerId == bob), e => e.CreditAccountId, a => a.Id, (e, _) => e).SingleAsync());
        Assert.Equal(PointsApiFactory.DongshanId, entry.CommunityId);
    }

    [Theory]
    [InlineData("2026-12", HttpStatusCode.UnprocessableEntity, "summary.month_not_closed")]
    [InlineData("2027-05", HttpStatusCode.UnprocessableEntity, "summary.month_not_closed")]
    [InlineData("1999-01", HttpStatusCode.UnprocessableEntity, "summary.month_out_of_range")]
    [InlineData("2026-13", HttpStatusCode.BadRequest, "validation.failed")]
    public async Task Summary_FutureOrOutOfRangeMonth_RefusedWithTheRealReason(string month, HttpStatusCode status, string code)
    {
        factory.Clock.Set(Today);
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.GetAsync($"/api/communities/{PointsApiFactory.DongshanId}/summaries/{month}");
        var open = await factory.CreateClient().GetAsync($"/api/public/communities/{PointsApiFactory.DongshanId}/summaries/{month}");

        await ProblemAssert.IsProblemAsync(response, status, code);
        await ProblemAssert.IsProblemAsync(open, status, code);
    }
}
