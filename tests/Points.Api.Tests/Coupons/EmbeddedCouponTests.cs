using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Coupons.CouponTestKit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Coupons;

/// <summary>积分券 on the embedded default (SQLite): the issue run, my coupons, a redemption and the statement translate there too.</summary>
public sealed class EmbeddedCouponTests(EmbeddedFactory factory) : IClassFixture<EmbeddedFactory>
{
    [Fact]
    public async Task EmbeddedDefault_IssueListRedeemOnceAndStatement_AllWork()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 3, 10, 0, 0, Shanghai));
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var template = await TemplateIdAsync(factory, Template(factory, percentOff: 10, pointsCost: 20));

        var first = await IssueAsync(factory);
        var rerun = await IssueAsync(factory);
        var code = (await CodeAsync(factory, template, residentId))!;
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/coupons");
        var merchant = await factory.StaffAsync("merchant-market");
        var redeemed = await merchant.SendAsync(Post("/api/merchant/coupon-redemptions", new { couponCode = code, orderAmountFen = 4999 }, "ec-1"));
        var again = await merchant.SendAsync(Post("/api/merchant/coupon-redemptions", new { couponCode = code, orderAmountFen = 4999 }, "ec-2"));
        factory.Clock.Set(new DateTimeOffset(2026, 12, 1, 9, 0, 0, Shanghai));
        merchant = await factory.StaffAsync("merchant-market");
        var statement = await merchant.GetFromJsonAsync<JsonElement>("/api/merchant/statements/2026-11");

        Assert.True(first.Issued > 0);
        Assert.Equal(0, rerun.Issued);
        Assert.Contains(mine.EnumerateArray(), c => c.GetProperty("code").GetString() == code && c.GetProperty("status").GetString() == "Available");
        Assert.True(redeemed.StatusCode == HttpStatusCode.Created, await redeemed.Content.ReadAsStringAsync());
        Assert.Equal(499, (await redeemed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("discountFen").GetInt64());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "coupon.used");
        Assert.Equal(80, await BalanceAsync(factory, residentId));
        Assert.Equal(499, statement.GetProperty("couponSubsidyFen").GetInt64());
        await AssertLedgerConsistentAsync(factory);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, Shanghai));
    }
}
