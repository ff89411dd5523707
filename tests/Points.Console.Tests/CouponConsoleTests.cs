using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Points.Api.Tests.Coupons;
using Points.Api.Tests.Ledger;

namespace Points.Console.Tests;

/// <summary>
/// 积分券 in a real browser against the real API: the merchant takes a resident's coupon at the counter (a double click
/// takes it once, a second use is refused in Chinese) and town staff create a template and void it. Screenshots 70–75.
/// </summary>
public sealed class CouponConsoleTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task Counter_ScanCouponThenAmount_DoubleClickTakesItOnce_SecondUseRefused()
    {
        var (_, residentId) = await LedgerTestKit.FreshResidentAsync(server, 100);
        var template = await CouponTestKit.TemplateIdAsync(server, CouponTestKit.Template(server, discountFen: 800, pointsCost: 25));
        await CouponTestKit.IssueAsync(server);
        var code = (await CouponTestKit.CodeAsync(server, template, residentId))!;
        var page = await server.SignedInAsync("merchant-market", "console/merchant/coupons");

        await page.GetByRole(AriaRole.Heading, new() { Name = "核销积分券" }).WaitForAsync();
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.id === 'coupon-code'");
        await page.Keyboard.TypeAsync(code);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.id === 'order-amount'");
        await page.Keyboard.TypeAsync("58.50");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认核销" }).DblClickAsync();

        var receipt = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "核销成功" });
        await receipt.WaitForAsync();
        Assert.Equal("¥8.00", (await page.GetByTestId("coupon-discount").InnerTextAsync()).Trim());
        Assert.Equal("¥50.50", (await page.GetByTestId("coupon-payable").InnerTextAsync()).Trim());
        await Shots.TakeAsync(page, 70, "merchant-coupon-receipt");
        Assert.Equal(1, await server.WithDbAsync(db => db.CouponRedemptions.CountAsync(r => r.TemplateId == template)));
        Assert.Equal(75, await LedgerTestKit.BalanceAsync(server, residentId));

        await page.GetByLabel("券码").FillAsync(code);
        await page.GetByLabel("订单金额（元）").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认核销" }).ClickAsync();
        await page.GetByText("该券已使用").WaitForAsync();
        await Shots.TakeAsync(page, 72, "merchant-coupon-used");
        Assert.Equal(1, await server.WithDbAsync(db => db.CouponRedemptions.CountAsync(r => r.TemplateId == template)));
        await LedgerTestKit.AssertLedgerConsistentAsync(server);
    }
}
