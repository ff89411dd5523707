using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;

namespace Points.Console.Tests;

/// <summary>
/// The staff console in a real browser against the real API: the whole daily loop, each step through the pages a
/// community 网格员 would use, named by label, button text and role. Screenshots of each main page land in docs/screenshots.
/// </summary>
public sealed partial class ConsoleLoopTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    [Fact]
    public async Task SignIn_WrongPassword_ShowsChineseError_AndExpiredSessionKeepsTheWantedPage()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("console/reviews");
        await page.GetByLabel("用户名").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(page, "01-sign-in");
        Assert.Equal("username", await page.GetByLabel("用户名").GetAttributeAsync("autocomplete"));
        Assert.Equal("current-password", await page.GetByLabel("密码").GetAttributeAsync("autocomplete"));

        await page.GetByLabel("用户名").FillAsync("staff-dongshan");
        await page.GetByLabel("密码").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await alert.WaitForAsync();
        Assert.Matches(ChineseText(), await alert.InnerTextAsync());

        await page.GetByLabel("密码").FillAsync("Points@2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "审核" }).WaitForAsync();
        Assert.EndsWith("/console/reviews", page.Url, StringComparison.Ordinal);

        // the session is cut (token no longer accepted): the next call returns to sign-in, and signing in again lands on the same page
        await page.EvaluateAsync("() => { const k = 'points.console.session'; const s = JSON.parse(sessionStorage.getItem(k)); s.accessToken = 'x.y.z'; s.refreshToken = null; sessionStorage.setItem(k, JSON.stringify(s)); }");
        await page.GotoAsync("console/residents");
        await page.GetByText("登录已过期").WaitForAsync();
        await page.GetByLabel("用户名").FillAsync("staff-dongshan");
        await page.GetByLabel("密码").FillAsync("Points@2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "居民" }).WaitForAsync();
        Assert.EndsWith("/console/residents", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateForm_ShowsTheApisFieldErrorsBesideTheFields()
    {
        var page = await server.SignedInAsync("staff-dongshan", "console/activities/new");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        var titleError = page.Locator("#title-error");
        await titleError.WaitForAsync();
        Assert.Equal("请填写活动标题", await titleError.InnerTextAsync());
        Assert.Equal("请选择活动类别", await page.Locator("#category-error").InnerTextAsync());
        await ConsoleServer.ScreenshotAsync(page, "03-activity-form-errors");
    }

    [Fact]
    public async Task WholeLoop_Activity_CheckIn_Attendance_Declaration_Summary()
    {
        var now = server.Clock.GetUtcNow().ToOffset(Shanghai);
        var starts = now.AddMinutes(10);
        var title = "护河巡查" + Guid.NewGuid().ToString("N")[..4];

        // 1. staff sign in, create and publish an activity
        var staff = await server.SignedInAsync("staff-dongshan");
        // the list's rows, not its loading spinner (a row is there even when no activity matches)
        await staff.GetByRole(AriaRole.Table, new() { Name = "活动列表" }).GetByRole(AriaRole.Row).Nth(1).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "02-activities");
        await staff.GetByRole(AriaRole.Link, new() { Name = "新建活动" }).ClickAsync();
        await staff.GetByLabel("活动标题").FillAsync(title);
        await staff.GetByLabel("活动类别").SelectOptionAsync(new SelectOptionValue { Label = "护河巡河" });
        await staff.GetByLabel("活动地址").FillAsync("东山村村委会");
        await staff.GetByLabel("开始时间", new() { Exact = true }).FillAsync(starts.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        await staff.GetByLabel("结束时间", new() { Exact = true }).FillAsync(starts.AddMinutes(10).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        await staff.GetByLabel("名额").FillAsync("5");
        await staff.GetByLabel("积分", new() { Exact = true }).FillAsync("15");
        await staff.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "发布" }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = "签到码" }).WaitForAsync();
        var activityId = Guid.Parse(ActivityIdInUrl().Match(staff.Url).Groups[1].Value);

        // 2. a resident signs up and checks in through the API with the code the console shows
        var (resident, residentId) = await ResidentAsync("王小明");
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsync($"/api/activities/{activityId}/signups", null)).StatusCode);
        await staff.GetByRole(AriaRole.Link, new() { Name = "签到码" }).ClickAsync();
        var codeText = staff.GetByTestId("checkin-code");
        await codeText.WaitForAsync();
        await staff.GetByRole(AriaRole.Img, new() { Name = "签到二维码" }).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "04-checkin-code");
        var code = (await codeText.InnerTextAsync()).Trim();
        var checkIn = await resident.PostAsJsonAsync($"/api/activities/{activityId}/checkins", new { code });
        Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);

        // 3. staff confirm attendance after the end and the balance rises
        server.Clock.Advance(TimeSpan.FromMinutes(21));
        await staff.GetByRole(AriaRole.Link, new() { Name = "返回" }).ClickAsync();
        await staff.GetByRole(AriaRole.Table, new() { Name = "报名名单" }).GetByText("王*").WaitForAsync();
        await staff.GetByLabel("选择 王*").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "确认出勤" }).ClickAsync();
        await staff.GetByText("已确认 1 人出勤，共发放 15 积分").WaitForAsync();
        Assert.Equal("+15", (await staff.GetByRole(AriaRole.Row).Filter(new() { HasText = "王*" }).GetByRole(AriaRole.Cell).Nth(6).InnerTextAsync()).Trim());
        await ConsoleServer.ScreenshotAsync(staff, "05-activity-detail");
        await staff.GotoAsync($"console/residents/{residentId}");
        await staff.GetByTestId("balance").WaitForAsync();
        Assert.Equal("15", (await staff.GetByTestId("balance").InnerTextAsync()).Trim());
        await ConsoleServer.ScreenshotAsync(staff, "07-resident");

        // 4. a declaration approved at both levels by two different people
        var town = await server.ClientAsAsync(Role.TownStaff, "town-e2e");
        (await town.PutAsJsonAsync("/api/declarations/settings/GoodDeed", new { defaultPoints = 8, needsTownReview = true })).EnsureSuccessStatusCode();
        var submitted = await resident.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = "帮邻居修好了漏水的水管" });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var declarationId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await staff.GetByRole(AriaRole.Link, new() { Name = "审核", Exact = true }).ClickAsync();
        var row = staff.GetByRole(AriaRole.Row).Filter(new() { HasText = "帮邻居修好了漏水的水管" });
        await row.WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "06-reviews");
        await row.GetByRole(AriaRole.Link, new() { Name = "审核" }).ClickAsync();
        await staff.GetByLabel("积分").FillAsync("8");
        await staff.GetByRole(AriaRole.Button, new() { Name = "通过" }).ClickAsync();
        await staff.GetByText("村社初审已通过，已转镇街复审").WaitForAsync();

        var townPage = await server.SignedInAsync("town-staff", $"console/reviews/{declarationId}");
        await townPage.GetByText("镇街复审").First.WaitForAsync();
        await townPage.GetByRole(AriaRole.Button, new() { Name = "通过" }).ClickAsync();
        await townPage.GetByText("已通过，发放 8 积分").WaitForAsync();

        // 5. the month's summary downloads as .xlsx and reads back with the right totals
        await staff.GetByRole(AriaRole.Link, new() { Name = "积分汇总" }).ClickAsync();
        await staff.GetByRole(AriaRole.Table, new() { Name = "积分汇总表" }).GetByText("王小明").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "08-summary");
        var download = await staff.RunAndWaitForDownloadAsync(() => staff.GetByRole(AriaRole.Button, new() { Name = "下载 Excel" }).ClickAsync());
        var month = server.Clock.GetUtcNow().ToOffset(Shanghai).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Equal($"summary-{month}.xlsx", download.SuggestedFilename);
        var path = await download.PathAsync();
        var rows = MiniExcel.Query(path, useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        var mine = rows.Single(r => Equals(r["姓名"], "王小明"));
        Assert.Equal(15L, Number(mine["活动积分"]));
        Assert.Equal(8L, Number(mine["申报积分"]));
        Assert.Equal(23L, Number(mine["期末余额"]));
        var total = rows[^1];
        Assert.Equal("合计", total["姓名"]);
        Assert.Equal(rows.Take(rows.Count - 1).Sum(r => Number(r["期末余额"])), Number(total["期末余额"]));
        Assert.Equal(rows.Take(rows.Count - 1).Sum(r => Number(r["活动积分"])), Number(total["活动积分"]));

        var balance = await resident.GetFromJsonAsync<JsonElement>("/api/me/points");
        Assert.Equal(23, balance.GetProperty("balance").GetInt64());

        await staff.GetByRole(AriaRole.Link, new() { Name = "数据看板" }).ClickAsync();
        await staff.GetByRole(AriaRole.Img, new() { Name = "近六个月积分发放与消费" }).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "09-dashboard");
        var fire = await resident.PostAsJsonAsync("/api/hazards", new { category = "Fire", description = "楼道堆放纸箱，堵住消防通道", latitude = 30.03, longitude = 120.87, address = "东山村3号楼楼道" });
        Assert.Equal(HttpStatusCode.Created, fire.StatusCode);
        await staff.GetByRole(AriaRole.Link, new() { Name = "隐患", Exact = true }).ClickAsync();
        await staff.GetByRole(AriaRole.Heading, new() { Name = "隐患处理看板" }).WaitForAsync();
        var card = staff.Locator(".board-card", new() { HasText = "堵住消防通道" });
        await card.GetByText("红色").WaitForAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "上报上级" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "确认上报" }).ClickAsync();
        await card.GetByText("村社处理").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "10-hazards");
    }

    private async Task<(HttpClient Client, Guid Id)> ResidentAsync(string name)
    {
        var client = await server.ClientAsAsync(Role.Resident, "e2e-" + Guid.NewGuid().ToString("N")[..10]);
        (await client.PatchAsJsonAsync("/api/me", new { displayName = name })).EnsureSuccessStatusCode();
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        return (client, me.GetProperty("id").GetGuid());
    }

    private static long Number(object? cell) => Convert.ToInt64(cell, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex ChineseText();

    [GeneratedRegex(@"/activities/([0-9a-f-]{36})")]
    private static partial Regex ActivityIdInUrl();
}
