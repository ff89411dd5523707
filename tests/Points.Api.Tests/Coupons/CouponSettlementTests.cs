using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Ledger;
using static Points.Api.Tests.Coupons.CouponTestKit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Coupons;

/// <summary>The town's settlement carries each merchant's coupon subsidies with the same figures as the merchant's own statement, live and after approval.</summary>
public sealed class CouponSettlementTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Settlement_ShowsCouponSubsidy_SameAsStatement_InJsonAndXlsx_AndAfterApproval()
    {
        factory.Clock.Set(new DateTimeOffset(2027, 6, 10, 10, 0, 0, Shanghai));
        var (_, resident) = await FreshResidentAsync(factory, 0);
        var template = await TemplateIdAsync(factory, Template(factory, discountFen: 750, merchants: [BarberId]));
        await IssueAsync(factory);
        var code = await CodeAsync(factory, template, resident);
        Assert.NotNull(code);
        var barber = await factory.StaffAsync("merchant-barber");
        var redeemed = await barber.SendAsync(Post("/api/merchant/coupon-redemptions", new { couponCode = code, orderAmountFen = 4000 }, Guid.NewGuid().ToString()));
        Assert.True(redeemed.StatusCode == HttpStatusCode.Created, await redeemed.Content.ReadAsStringAsync());

        var url = $"/api/towns/{PointsApiFactory.DemoTownId}/settlements/2027-06";
        var admin = await factory.StaffAsync("admin");
        var statement = await barber.GetFromJsonAsync<JsonElement>("/api/merchant/statements/2027-06");
        var live = await admin.GetFromJsonAsync<JsonElement>(url);
        var line = live.GetProperty("merchants").EnumerateArray().Single(m => m.GetProperty("merchantId").GetGuid() == BarberId);

        Assert.Equal(750, statement.GetProperty("couponSubsidyFen").GetInt64());
        Assert.Equal(statement.GetProperty("couponRedemptions").GetInt32(), line.GetProperty("couponRedemptions").GetInt32());
        Assert.Equal(statement.GetProperty("couponSubsidyFen").GetInt64(), line.GetProperty("couponSubsidyFen").GetInt64());
        Assert.Equal(statement.GetProperty("owedFen").GetInt64(), line.GetProperty("owedFen").GetInt64());
        Assert.Equal(line.GetProperty("netFen").GetInt64() + 750, line.GetProperty("owedFen").GetInt64());
        Assert.Equal(live.GetProperty("merchants").EnumerateArray().Sum(m => m.GetProperty("owedFen").GetInt64()), live.GetProperty("owedFen").GetInt64());

        factory.Clock.Set(new DateTimeOffset(2027, 7, 1, 9, 0, 0, Shanghai));
        admin = await factory.StaffAsync("admin");
        var approved = await admin.PostAsync($"{url}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var after = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("merchants").EnumerateArray().Single(m => m.GetProperty("merchantId").GetGuid() == BarberId);
        Assert.Equal((1, 750L), (after.GetProperty("couponRedemptions").GetInt32(), after.GetProperty("couponSubsidyFen").GetInt64()));
        Assert.Equal(statement.GetProperty("owedFen").GetInt64(), after.GetProperty("owedFen").GetInt64());

        var sheet = ExportTests.ReadXlsx(await admin.GetByteArrayAsync($"{url}?format=xlsx"));
        var row = sheet.Single(r => Equals(r["商户"], line.GetProperty("merchantName").GetString()));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(1, Convert.ToInt32(row["核销积分券数"], inv));
        Assert.Equal(7.50m, Convert.ToDecimal(row["积分券补贴（元）"], inv));
        Assert.Equal(statement.GetProperty("owedFen").GetInt64() / 100m, Convert.ToDecimal(row["应付合计（元）"], inv));
        Assert.Equal(live.GetProperty("owedFen").GetInt64() / 100m, Convert.ToDecimal(sheet[^1]["应付合计（元）"], inv));
    }
}
