using System.Text;
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
            + r.GetProperty("earned").GetInt64() - r.GetProperty("spent").GetInt64() - r.GetProperty("expired").GetInt64() + r.GetProperty("adjusted").GetInt64()));
    }
}
