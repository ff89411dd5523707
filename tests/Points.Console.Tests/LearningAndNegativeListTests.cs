using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Participation;
using Points.Domain.Identity;

namespace Points.Console.Tests;

/// <summary>
/// The 学习 and 负面清单 pages and the activity's waitlist in a real browser against the real API: staff write and publish an
/// article and moderate a held comment; record a resident on the negative list with an evidence photo; the resident appeals
/// through the API and another staff member decides it. Screenshots 11–17 at 1366×768, 20–23 at tablet size (1024×768).
/// </summary>
public sealed partial class LearningAndNegativeListTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task Learning_WriteAndPublish_ThenModerateAHeldComment()
    {
        var title = "民法典宣传" + Guid.NewGuid().ToString("N")[..4];
        var staff = await server.SignedInAsync("staff-dongshan", "console/learning/new");
        await staff.GetByLabel("类型").SelectOptionAsync(new SelectOptionValue { Label = "立法意见征集稿" });
        await staff.GetByLabel("标题").FillAsync(title);
        await staff.GetByLabel("正文").FillAsync("《东山村村规民约（修订草案）》向全体村民征求意见，请在月底前留言。");
        await staff.GetByLabel("阅读积分（0 到 100）").FillAsync("3");
        await staff.GetByLabel("最短阅读时间（秒）").FillAsync("30");
        Assert.Equal(0, await UnlabelledFieldsAsync(staff));
        await ConsoleServer.ScreenshotAsync(staff, "12-article-form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "保存并发布" }).ClickAsync();

        await staff.GetByText("已保存并发布").WaitForAsync();
        var row = staff.GetByRole(AriaRole.Table, new() { Name = "文章列表" }).GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await row.GetByText("已发布").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "11-learning");

        var articles = await (await server.ResidentAsync(21)).GetFromJsonAsync<JsonElement>("/api/articles");
        var articleId = articles.EnumerateArray().Single(a => a.GetProperty("title").GetString() == title).GetProperty("id").GetGuid();
        var held = await (await server.ResidentAsync(21)).PostAsJsonAsync($"/api/articles/{articleId}/comments", new { text = "建议加一条：红白喜事从简，详情加我微信号商量" });
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        Assert.Equal("PendingReview", (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await row.GetByRole(AriaRole.Link, new() { Name = $"{title} 的意见" }).ClickAsync();
        var comment = staff.GetByRole(AriaRole.Table, new() { Name = "意见列表" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "红白喜事从简" });
        await comment.WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "13-comments");
        await comment.GetByRole(AriaRole.Button, new() { Name = "采纳", Exact = true }).ClickAsync();
        await staff.GetByText("没有待审核的意见").WaitForAsync();

        var stored = await (await server.StaffAsync("staff-dongshan")).GetFromJsonAsync<JsonElement>($"/api/articles/{articleId}/comments");
        Assert.Equal("Accepted", Assert.Single(stored.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task NegativeList_RecordWithEvidence_AppealDecidedByAnotherStaffMember()
    {
        const int resident = 33;
        var residentId = PointsApiFactory.DemoResidentId(resident);
        var description = "占用消防通道堆放杂物" + Guid.NewGuid().ToString("N")[..4];

        // staff record it on the resident's page, with a photo as evidence
        var staff = await server.SignedInAsync("staff-dongshan", $"console/residents/{residentId}");
        await staff.GetByText("记入负面清单").First.ClickAsync();
        var occurred = staff.GetByLabel("发生时间");
        Assert.Matches(ShanghaiTimeText(), await occurred.InputValueAsync());
        await occurred.FillAsync("12/01/2026");
        await occurred.PressAsync("Tab");
        await staff.GetByText("时间格式应为 年-月-日 时:分").WaitForAsync();
        await occurred.FillAsync(server.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).AddHours(-3).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await staff.GetByLabel("类型").SelectOptionAsync(new SelectOptionValue { Label = "违规行为" });
        await staff.GetByLabel("严重程度").SelectOptionAsync(new SelectOptionValue { Label = "一般" });
        await staff.GetByLabel("事由").FillAsync(description);
        await staff.GetByLabel("证据照片（最多9张，JPEG/PNG/WebP，每张不超过5MB）").SetInputFilesAsync(new FilePayload { Name = "evidence.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg() });
        await staff.GetByRole(AriaRole.Img, new() { Name = "证据 1" }).WaitForAsync();
        Assert.Equal(0, await UnlabelledFieldsAsync(staff));
        await ConsoleServer.ScreenshotAsync(staff, "16-resident-negative-form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "记入负面清单" }).ClickAsync();
        await staff.GetByText("已记入负面清单（违规行为，证据 1 张）").WaitForAsync();
        await staff.GetByRole(AriaRole.Table, new() { Name = "负面清单" }).GetByText(description).WaitForAsync();

        // the resident appeals through the API (as the mini-program does)
        var residentClient = await server.ResidentAsync(resident);
        var mine = await residentClient.GetFromJsonAsync<JsonElement>("/api/me/negative-records");
        var record = mine.EnumerateArray().Single(r => r.GetProperty("description").GetString() == description);
        Assert.Single(record.GetProperty("evidenceIds").EnumerateArray());
        var recordId = record.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await residentClient.PostAsJsonAsync($"/api/negative-records/{recordId}/explanation", new { text = "杂物是临时放的" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await residentClient.PostAsJsonAsync($"/api/negative-records/{recordId}/appeal", new { text = "当天已全部清走" })).StatusCode);

        // the recorder sees the appeal in the queue but may not decide it
        await staff.GetByRole(AriaRole.Link, new() { Name = "负面清单", Exact = true }).ClickAsync();
        var queued = staff.GetByRole(AriaRole.Table, new() { Name = "负面清单" }).GetByRole(AriaRole.Row).Filter(new() { HasText = description });
        await queued.GetByText("申诉：当天已全部清走").WaitForAsync();
        await ConsoleServer.ScreenshotAsync(staff, "14-negative-list");
        await staff.SetViewportSizeAsync(1024, 768);
        await ConsoleServer.ScreenshotAsync(staff, "21-tablet-negative-list");
        await staff.SetViewportSizeAsync(1366, 768);
        await queued.GetByRole(AriaRole.Link).Filter(new() { HasText = "处理申诉" }).ClickAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "驳回申诉，维持记录" }).ClickAsync();
        await staff.GetByRole(AriaRole.Alert).Filter(new() { HasText = "记录人不能处理针对自己所记记录的申诉" }).WaitForAsync();

        // town staff decide it: the record is revoked and the resident's page says so
        var town = await server.SignedInAsync("town-staff", "console/negative-records");
        var townRow = town.GetByRole(AriaRole.Table, new() { Name = "负面清单" }).GetByRole(AriaRole.Row).Filter(new() { HasText = description });
        await townRow.GetByRole(AriaRole.Link).Filter(new() { HasText = "处理申诉" }).ClickAsync();
        await town.Locator("p.description").GetByText("杂物是临时放的").WaitForAsync();
        await town.GetByRole(AriaRole.Img, new() { Name = "证据照片 1" }).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(town, "15-negative-record");
        await town.GetByRole(AriaRole.Button, new() { Name = "查看证据照片 1" }).ClickAsync();
        await town.GetByRole(AriaRole.Dialog, new() { Name = "证据照片（大图）" }).ClickAsync();
        await town.GetByLabel("处理说明（告知居民）").FillAsync("经核实已清理，撤销记录");
        await town.GetByRole(AriaRole.Button, new() { Name = "申诉成立，撤销记录" }).ClickAsync();
        await town.GetByText("申诉成立，记录已撤销").WaitForAsync();
        await town.Locator(".timeline li").Filter(new() { HasText = "经核实已清理" }).GetByText("申诉成立，撤销记录").WaitForAsync();

        var after = await residentClient.GetFromJsonAsync<JsonElement>($"/api/negative-records/{recordId}");
        Assert.Equal("Revoked", after.GetProperty("status").GetString());
        Assert.False(after.GetProperty("counting").GetBoolean());
    }

    [Fact]
    public async Task ActivityDetail_ShowsTheWaitlistInOrder()
    {
        var staffApi = await server.StaffAsync("staff-dongshan");
        var starts = server.Clock.GetUtcNow().AddDays(2);
        var title = "垃圾分类宣传" + Guid.NewGuid().ToString("N")[..4];
        var created = await staffApi.PostAsJsonAsync("/api/activities", new
        {
            title, category = "GarbageSorting", address = "东山村文化礼堂", startsAt = starts, endsAt = starts.AddHours(2), capacity = 1, points = 5, eligibility = "Anyone",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await staffApi.PostAsync($"/api/activities/{id}/publish", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await (await server.ResidentAsync(23)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await (await server.ResidentAsync(25)).PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await (await server.ResidentAsync(27)).PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);

        var page = await server.SignedInAsync("staff-dongshan", $"console/activities/{id}");
        var waitlist = page.GetByRole(AriaRole.Table, new() { Name = "候补名单" });
        await waitlist.GetByText("第 2 位").WaitForAsync();
        var rows = waitlist.GetByRole(AriaRole.Row);
        Assert.Equal(3, await rows.CountAsync());
        Assert.Matches(MaskedName(), (await rows.Nth(1).GetByRole(AriaRole.Cell).Nth(1).InnerTextAsync()).Trim());
        await page.GetByRole(AriaRole.Table, new() { Name = "报名名单" }).GetByRole(AriaRole.Checkbox).First.WaitForAsync();
        Assert.Equal(0, await UnlabelledFieldsAsync(page));
        await ConsoleServer.ScreenshotAsync(page, "17-activity-waitlist");

        // the roster as .xlsx: the masked name and the total row
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "导出名单" }).ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);
        var sheet = MiniExcel.Query(await download.PathAsync(), useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, sheet.Count);
        Assert.Matches(MaskedName(), Convert.ToString(sheet[0]["姓名"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("合计", Convert.ToString(sheet[1]["序号"], System.Globalization.CultureInfo.InvariantCulture));
        await page.SetViewportSizeAsync(1024, 768);
        await ConsoleServer.ScreenshotAsync(page, "22-tablet-activity-detail");

        await page.GetByRole(AriaRole.Link, new() { Name = "活动", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Table, new() { Name = "活动列表" }).GetByRole(AriaRole.Link, new() { Name = title }).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(page, "20-tablet-activities");
        await page.GetByRole(AriaRole.Link, new() { Name = "学习", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Table, new() { Name = "文章列表" }).WaitForAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "审核", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Table, new() { Name = "审核队列" }).WaitForAsync();
        await ConsoleServer.ScreenshotAsync(page, "23-tablet-reviews");
    }

    /// <summary>Form fields on the page without a label or an aria-label (keyboard and screen-reader users need one on each).</summary>
    private static Task<int> UnlabelledFieldsAsync(IPage page) => page.EvaluateAsync<int>(
        "() => [...document.querySelectorAll('main input, main select, main textarea')].filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')).length");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")]
    private static partial Regex ShanghaiTimeText();

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}\*$")]
    private static partial Regex MaskedName();
}
