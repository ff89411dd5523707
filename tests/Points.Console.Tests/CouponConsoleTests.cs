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

    [Fact]
    public async Task TownStaff_CreateTemplateInTheForm_ListedThenVoided()
    {
        var title = "理发八折券" + Guid.NewGuid().ToString("N")[..4];
        var page = await server.SignedInAsync("town-staff", "console/admin/coupons");
        await page.GetByRole(AriaRole.Heading, new() { Name = "积分券", Exact = true }).WaitForAsync();

        var form = page.GetByRole(AriaRole.Form, new() { Name = "新建积分券" });
        await form.GetByRole(AriaRole.Checkbox, new() { Name = "西湖理发店" }).WaitForAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "新建积分券" }).ClickAsync();
        await form.GetByRole(AriaRole.Alert).First.WaitForAsync();

        await form.GetByLabel("券名称").FillAsync(title);
        await form.GetByLabel("优惠方式").SelectOptionAsync("percent");
        await form.GetByLabel("减免百分比（1-99）").FillAsync("20");
        await form.GetByLabel("兑券积分（0 为免费）").FillAsync("10");
        await form.GetByRole(AriaRole.Checkbox, new() { Name = "西湖理发店" }).CheckAsync();
        await form.GetByLabel("发放总量").FillAsync("50");
        await form.GetByRole(AriaRole.Button, new() { Name = "新建积分券" }).ClickAsync();
        await page.GetByText($"已新建积分券“{title}”").WaitForAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await row.GetByText("减 20%").WaitForAsync();
        await row.GetByText("0/50").WaitForAsync();
        await Shots.TakeAsync(page, 74, "admin-coupon-templates");

        var stored = await server.WithDbAsync(db => db.CouponTemplates.Include(t => t.Merchants).SingleAsync(t => t.Title == title));
        Assert.Equal((20, 10, 50), (stored.PercentOff!.Value, stored.PointsCost, stored.TotalCap));
        Assert.Equal([CouponTestKit.BarberId], stored.Merchants.Select(m => m.MerchantId).ToArray());

        await row.GetByRole(AriaRole.Button, new() { Name = $"作废 {title}" }).ClickAsync();
        await row.GetByText("已作废").WaitForAsync();
        Assert.NotNull(await server.WithDbAsync(db => db.CouponTemplates.Where(t => t.Title == title).Select(t => t.VoidedAt).SingleAsync()));
    }
}
