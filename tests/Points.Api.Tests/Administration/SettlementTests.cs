using System.Text;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Administration.AdminTestKit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Administration;

/// <summary>
/// Moves the class's clock: the town's month, its approval, and the merchant's history with its refund window.
/// Access tokens live 30 minutes on that clock, so every client signs in again after a move.
/// </summary>
public sealed class SettlementTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task TownMonth_LiveUntilApproved_ApprovedMonthIsImmutable_Csv()
    {
        var start = factory.Clock.GetUtcNow();
        var (year, month) = (start.ToOffset(TimeSpan.FromHours(8)).Year, start.ToOffset(TimeSpan.FromHours(8)).Month);
        var period = $"{year:D4}-{month:D2}";
        var url = $"/api/towns/{PointsApiFactory.DemoTownId}/settlements/{period}";
        var admin = await factory.StaffAsync("admin");
        var (merchantId, username, till) = await OnboardedMerchantWithUsernameAsync(factory);
        var (resident, _) = await FreshResidentAsync(factory, 1000);
        var first = await till.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 100 }, Guid.NewGuid().ToString()));
        var second = await till.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 25 }, Guid.NewGuid().ToString()));
        var refundId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await till.PostAsync($"/api/merchant/redemptions/{refundId}/refund", null)).StatusCode);

        var live = await admin.GetFromJsonAsync<JsonElement>(url);
        var line = live.GetProperty("merchants").EnumerateArray().Single(m => m.GetProperty("merchantId").GetGuid() == merchantId);
        Assert.False(live.GetProperty("approved").GetBoolean());
        Assert.Equal((2, 125L, 25L, 100L, 200L), (line.GetProperty("redemptions").GetInt32(), line.GetProperty("redeemedPoints").GetInt64(),
            line.GetProperty("refundedPoints").GetInt64(), line.GetProperty("netPoints").GetInt64(), line.GetProperty("netFen").GetInt64()));
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"{url}/approve", null), HttpStatusCode.Conflict, "settlement.month_open");

        var firstOfNext = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMonths(1);
        factory.Clock.Set(firstOfNext);
        admin = await factory.StaffAsync("admin");
        var approved = await admin.PostAsync($"{url}/approve", null);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("approved").GetBoolean());
        Assert.Equal(Points.Infrastructure.Seeding.DemoSeeder.StableId("user:admin"), body.GetProperty("approvedBy").GetGuid());
        Assert.Equal(firstOfNext, body.GetProperty("approvedAt").GetDateTimeOffset());
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("town-staff")).PostAsync($"{url}/approve", null), HttpStatusCode.Conflict, "settlement.already_approved");

        await admin.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { pointsPerYuan = 25 });
        var frozen = (await admin.GetFromJsonAsync<JsonElement>(url)).GetProperty("merchants").EnumerateArray().Single(m => m.GetProperty("merchantId").GetGuid() == merchantId);
        Assert.Equal(200, frozen.GetProperty("netFen").GetInt64());
        Assert.Equal(50, frozen.GetProperty("pointsPerYuan").GetInt32());
        till = await factory.ClientAsAsync(Points.Domain.Identity.Role.Merchant, username);
        var statement = await till.GetFromJsonAsync<JsonElement>($"/api/merchant/statements/{period}");
        Assert.Equal(400, statement.GetProperty("netFen").GetInt64());

        var csv = await admin.GetAsync($"{url}?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("应付金额（元）", text);
        Assert.Contains(",100,2.00,0,0.00,2.00,已审批", text);
        var xlsx = await admin.GetAsync($"{url}?format=xlsx");
        Assert.Equal($"settlement-{period}.xlsx", xlsx.Content.Headers.ContentDisposition?.FileNameStar ?? xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var sheet = Points.Api.Tests.Ledger.ExportTests.ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal("合计", sheet[^1]["商户"]);
        Assert.Equal(2.00m, Convert.ToDecimal(sheet.Single(r => Equals(r["商户"], frozen.GetProperty("merchantName").GetString()))["应付金额（元）"], System.Globalization.CultureInfo.InvariantCulture));
        await admin.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { pointsPerYuan = 50 });
        factory.Clock.Set(start);
    }

    [Fact]
    public async Task Settlement_OutOfScopeAndBadMonth_AreProblems()
    {
        var townStaff = await factory.StaffAsync("town-staff");

        await ProblemAssert.IsProblemAsync(await townStaff.GetAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settlements/2026-13"), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await townStaff.GetAsync($"/api/towns/{Guid.NewGuid()}/settlements/2026-10"), HttpStatusCode.Forbidden, "region.out_of_scope");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settlements/2020-01/approve", null), HttpStatusCode.Conflict, "settlement.empty");
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("merchant-market")).GetAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settlements/2026-10"),
            HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task MerchantHistory_FiltersPagesAndShowsRefundWindow()
    {
        var start = factory.Clock.GetUtcNow();
        var (_, username, till) = await OnboardedMerchantWithUsernameAsync(factory);
        var (resident, residentId) = await FreshResidentAsync(factory, 1000);
        foreach (var (points, note) in new[] { (10, "早饭"), (20, "酱油"), (30, "大米") })
        {
            till = await factory.ClientAsAsync(Points.Domain.Identity.Role.Merchant, username);
            resident = await factory.ClientAsAsync(Points.Domain.Identity.Role.Resident, residentId.ToString());
            var r = await till.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points, note }, Guid.NewGuid().ToString()));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            factory.Clock.Advance(TimeSpan.FromDays(1));
        }

        till = await factory.ClientAsAsync(Points.Domain.Identity.Role.Merchant, username);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var all = await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions?pageSize=2");
        Assert.Equal(3, all.GetProperty("total").GetInt32());
        Assert.Equal([30L, 20L], all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("points").GetInt64()).ToList());
        var page2 = await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions?pageSize=2&page=2");
        Assert.Equal([10L], page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("points").GetInt64()).ToList());
        var oneDay = await till.GetFromJsonAsync<JsonElement>($"/api/merchant/redemptions?from={today.AddDays(-2):yyyy-MM-dd}&to={today.AddDays(-2):yyyy-MM-dd}");
        Assert.Equal([20L], oneDay.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("points").GetInt64()).ToList());
        var search = await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions?q=" + Uri.EscapeDataString("大米"));
        Assert.Equal([30L], search.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("points").GetInt64()).ToList());
        var byPoints = await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions?q=10");
        Assert.Equal([10L], byPoints.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("points").GetInt64()).ToList());

        factory.Clock.Advance(TimeSpan.FromDays(5));
        till = await factory.ClientAsAsync(Points.Domain.Identity.Role.Merchant, username);
        var later = (await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([true, true, false], later.Select(i => i.GetProperty("refundable").GetBoolean()).ToList());
        var oldest = later[2];
        await ProblemAssert.IsProblemAsync(await till.PostAsync($"/api/merchant/redemptions/{oldest.GetProperty("id").GetGuid()}/refund", null), HttpStatusCode.Conflict, "redemption.refund_window_closed");
        var newest = later[0].GetProperty("id").GetGuid();
        await till.PostAsync($"/api/merchant/redemptions/{newest}/refund", null);
        var refunded = (await till.GetFromJsonAsync<JsonElement>($"/api/merchant/redemptions?q={newest}")).GetProperty("items")[0];
        Assert.False(refunded.GetProperty("refundable").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, refunded.GetProperty("refundedAt").ValueKind);

        await ProblemAssert.IsProblemAsync(await till.GetAsync("/api/merchant/redemptions?from=2026-11-30&to=2026-11-01"), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await till.GetAsync("/api/merchant/redemptions?from=yesterday"), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("admin")).GetAsync("/api/merchant/redemptions"), HttpStatusCode.Forbidden, "auth.forbidden");
        factory.Clock.Set(start);
    }
}
