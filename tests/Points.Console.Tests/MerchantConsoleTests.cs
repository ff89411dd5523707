using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Ledger;
using Points.Api.Tests.Participation;
using Points.Domain.Market;

namespace Points.Console.Tests;

/// <summary>
/// The shop counter and the market desk in a real browser against the real API: a merchant redeems a paycode (a double
/// click redeems once), refunds from the history and reads the statement; community staff hand out market orders by the
/// code the resident shows. Screenshots 30–39 (even numbers at 1366×768, the next odd one at 360×740) at 1366×768 and 360×740.
/// </summary>
public sealed class MerchantConsoleTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task Terminal_ScannerEnterThenPoints_DoubleClickRedeemsOnce_ReceiptMasksTheResident()
    {
        var (resident, residentId) = await LedgerTestKit.FreshResidentAsync(server, 500);
        var rate = (await resident.GetFromJsonAsync<JsonElement>($"/api/towns/{PointsApiFactory.DemoTownId}")).GetProperty("pointsPerYuan").GetInt32();
        var page = await server.SignedInAsync("merchant-market", "console/merchant");

        // the merchant sees only merchant pages: a staff page sends them back to the terminal
        await page.GetByRole(AriaRole.Heading, new() { Name = "扫码核销" }).WaitForAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "活动", Exact = true }).CountAsync());
        await page.GotoAsync("console/activities");
        await page.GetByRole(AriaRole.Heading, new() { Name = "扫码核销" }).WaitForAsync();
        Assert.EndsWith("/console/merchant/redeem", page.Url, StringComparison.Ordinal);

        // the 付款码 field has focus on arrival; a scanner types the code and presses Enter, which moves on to the points
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.id === 'paycode'");
        await Shots.TakeAsync(page, 30, "merchant-redeem");
        await page.Keyboard.TypeAsync(await LedgerTestKit.PaycodeAsync(resident));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.id === 'redeem-points'");
        await page.Keyboard.TypeAsync("120");
        var yuan = "¥" + (120 * 100 / rate / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        await page.GetByTestId("yuan-preview").GetByText(yuan).WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "确认核销" }).DblClickAsync();
        var receipt = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "核销成功" });
        await receipt.WaitForAsync();
        await page.GetByTestId("receipt-resident").GetByText("*").WaitForAsync();
        Assert.Equal("120", (await page.GetByTestId("receipt-points").InnerTextAsync()).Trim());
        Assert.Equal(yuan, (await page.GetByTestId("receipt-yuan").InnerTextAsync()).Trim());
        // the receipt never shows the resident's balance (500 − 120 = 380); its number is hex from a time-ordered id, so leave it out
        var shown = System.Text.RegularExpressions.Regex.Replace(await receipt.InnerTextAsync(), "单号\\s*[0-9a-f]+", "单号");
        Assert.DoesNotContain("380", shown, StringComparison.Ordinal);
        await Shots.TakeAsync(page, 32, "merchant-receipt");

        Assert.Equal(380, await LedgerTestKit.BalanceAsync(server, residentId));
        Assert.Equal(1, await server.WithDbAsync(db => db.Redemptions.CountAsync(r => r.ResidentId == residentId)));
        await LedgerTestKit.AssertLedgerConsistentAsync(server);
    }

    [Fact]
    public async Task History_RefundWithinTheWindow_ReturnsThePoints_AndTheStatementDownloads()
    {
        var (resident, residentId) = await LedgerTestKit.FreshResidentAsync(server, 200);
        var merchant = await server.StaffAsync("merchant-market");
        var redeemed = await merchant.SendAsync(LedgerTestKit.Post("/api/merchant/redemptions", new { paycode = await LedgerTestKit.PaycodeAsync(resident), points = 73, note = "退款测试" }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        Assert.Equal(127, await LedgerTestKit.BalanceAsync(server, residentId));

        var page = await server.SignedInAsync("merchant-market", "console/merchant/redemptions");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "退款测试" });
        await row.WaitForAsync();
        await Shots.TakeAsync(page, 34, "merchant-redemptions");
        await row.GetByRole(AriaRole.Button, new() { Name = "退款 73 积分" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "确认退款" }).ClickAsync();
        await page.GetByText("已退款 73 积分，积分已退回居民").WaitForAsync();
        await row.GetByText("已退款").First.WaitForAsync();
        Assert.Equal(0, await row.GetByRole(AriaRole.Button, new() { Name = "退款 73 积分" }).CountAsync());
        Assert.Equal(200, await LedgerTestKit.BalanceAsync(server, residentId));

        await page.GetByRole(AriaRole.Link, new() { Name = "月度结算单" }).ClickAsync();
        await page.GetByRole(AriaRole.Table, new() { Name = "结算单" }).WaitForAsync();
        await page.GetByTestId("statement-yuan").WaitForAsync();
        await Shots.TakeAsync(page, 36, "merchant-statement");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载 Excel" }).ClickAsync());
        Assert.Matches(@"^statement-\d{4}-\d{2}\.xlsx$", download.SuggestedFilename);
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载 CSV" }).ClickAsync());
        Assert.Contains("合计", await File.ReadAllTextAsync(await csv.PathAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarketDesk_PickupByCode_RefusesTheSameCodeTwice_CancelReturnsThePoints()
    {
        var today = server.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).Day;
        var town = await server.StaffAsync("town-staff");
        (await town.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { marketDays = new[] { today } })).EnsureSuccessStatusCode();
        var resident = await server.ResidentAsync(3);
        var residentId = (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();
        await LedgerTestKit.CreditAsync(server, residentId, 100);

        // staff put an item on the shelf from the desk
        var name = "环保袋" + Guid.NewGuid().ToString("N")[..4];
        var page = await server.SignedInAsync("staff-dongshan", "console/market");
        await page.GetByRole(AriaRole.Heading, new() { Name = "积分超市" }).WaitForAsync();
        await page.GetByTestId("market-days").GetByText($"每月 {today} 日").WaitForAsync();
        await page.GetByLabel("商品名称").FillAsync(name);
        await page.GetByLabel("积分价格").FillAsync("30");
        await page.GetByLabel("库存", new() { Exact = true }).FillAsync("5");
        await page.GetByLabel("图片（可不填，JPEG/PNG/WebP，不超过5MB）").SetInputFilesAsync(new FilePayload { Name = "bag.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg() });
        await page.GetByRole(AriaRole.Img, new() { Name = "新商品图片预览" }).WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "上架", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Table, new() { Name = "商品" }).GetByText(name).WaitForAsync();
        await page.GetByRole(AriaRole.Img, new() { Name = $"{name} 图片 1" }).WaitForAsync();
        var itemId = await server.WithDbAsync(db => db.MarketItems.Where(i => i.Name == name).Select(i => i.Id).SingleAsync());

        // the resident sees the photo the desk attached
        var listed = (await resident.GetFromJsonAsync<JsonElement>($"/api/market/items?community={PointsApiFactory.DongshanId}")).EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == itemId);
        var photo = await resident.GetAsync($"/api/uploads/{listed.GetProperty("photoId").GetGuid()}");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType);

        // the resident orders twice in the mini-program
        var first = await OrderAsync(resident, itemId);
        var second = await OrderAsync(resident, itemId);
        var balanceBefore = await LedgerTestKit.BalanceAsync(server, residentId);
        await page.ReloadAsync();
        var orders = page.GetByRole(AriaRole.Table, new() { Name = "今日订单" });
        await orders.GetByText(name).First.WaitForAsync();
        Assert.DoesNotContain(first.Code, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Shots.TakeAsync(page, 38, "market-desk");

        // pickup by the code the resident shows; the same code again is refused in Chinese
        await page.GetByLabel("领取码").FillAsync(first.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "确认领取" }).ClickAsync();
        await page.GetByText($"已领取：{name} × 1（30 积分）").WaitForAsync();
        await page.GetByLabel("领取码").FillAsync(first.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "确认领取" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).GetByText("该领取码已使用，订单已领取").WaitForAsync();
        Assert.Equal(MarketOrderStatus.PickedUp, await server.WithDbAsync(db => db.MarketOrders.Where(o => o.Id == first.Id).Select(o => o.Status).SingleAsync()));
        Assert.DoesNotContain(second.Code, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // cancel the other order: the points go back to the resident
        var open = orders.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).Filter(new() { HasText = "待领取" });
        await open.GetByRole(AriaRole.Button, new() { Name = "取消订单" }).ClickAsync();
        await open.GetByRole(AriaRole.Button, new() { Name = "确认取消" }).ClickAsync();
        await page.GetByText("订单已取消，30 积分已退回居民，库存已恢复").WaitForAsync();
        Assert.Equal(balanceBefore + 30, await LedgerTestKit.BalanceAsync(server, residentId));
        Assert.Equal(MarketOrderStatus.Cancelled, await server.WithDbAsync(db => db.MarketOrders.Where(o => o.Id == second.Id).Select(o => o.Status).SingleAsync()));
        await LedgerTestKit.AssertLedgerConsistentAsync(server);
    }

    private static async Task<(Guid Id, string Code)> OrderAsync(HttpClient resident, Guid itemId)
    {
        var placed = await resident.SendAsync(LedgerTestKit.Post("/api/market/orders", new { itemId, quantity = 1 }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var body = await placed.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("pickupCode").GetString()!);
    }
}

/// <summary>Each page twice: the town office screen (1366×768) as <c>NN-name</c>, a phone (360×740) as <c>NN+1-name-phone</c>.</summary>
public static class Shots
{
    public static async Task TakeAsync(IPage page, int number, string name)
    {
        await ConsoleServer.ScreenshotAsync(page, $"{number}-{name}");
        await page.SetViewportSizeAsync(360, 740);
        await page.Locator("main").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(page, $"{number + 1}-{name}-phone");
        await page.SetViewportSizeAsync(1366, 768);
    }
}
