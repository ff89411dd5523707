using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MiniExcelLibs;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Ledger;
using Points.Domain.Credit;
using Points.Domain.Identity;
using Points.Scoring;
using Points.Scoring.Synthetic;

namespace Points.Console.Tests;

/// <summary>
/// Town and credit administration in a real browser against the real API: an admin onboards a merchant whose new
/// operator signs in, changes the one-time password and redeems; unlocks a locked-out operator; keeps regions, staff,
/// bank clients, settings and settlement; the platform activates a model over the guard's refusal with a written
/// reason; staff answer a credit appeal. Screenshots 40–61 (even at 1366×768, the next odd one at 360×740).
/// </summary>
public sealed class AdminConsoleTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task Admin_OnboardsMerchantAndOperator_WhoSignsInChangesThePasswordAndRedeems()
    {
        var shop = "青禾水果店" + Guid.NewGuid().ToString("N")[..4];
        var username = "op-" + Guid.NewGuid().ToString("N")[..8];
        var admin = await server.SignedInAsync("admin", "console/admin/merchants");
        await admin.GetByRole(AriaRole.Heading, new() { Name = "商户", Exact = true }).WaitForAsync();
        await admin.GetByLabel("商户名称").FillAsync(shop);
        await admin.GetByLabel("商户地址").FillAsync("东山村振兴路8号");
        await admin.GetByRole(AriaRole.Button, new() { Name = "办理入驻" }).ClickAsync();
        await admin.GetByRole(AriaRole.Alert).GetByText("同意").WaitForAsync(); // the rate agreement is required
        await admin.GetByLabel("商户同意本镇街的积分兑换比例").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "办理入驻" }).ClickAsync();
        var section = admin.GetByRole(AriaRole.Region, new() { Name = shop, Exact = true });
        await section.GetByText("协议有效").WaitForAsync();

        await section.GetByLabel("操作员用户名").FillAsync(username);
        await section.GetByLabel("操作员姓名").FillAsync("李青禾");
        await section.GetByRole(AriaRole.Button, new() { Name = "添加操作员" }).ClickAsync();
        var secret = admin.GetByTestId("one-time-secret");
        await secret.WaitForAsync();
        var oneTime = (await secret.InnerTextAsync()).Trim();
        await section.GetByRole(AriaRole.Cell, new() { Name = username, Exact = true }).WaitForAsync();
        await Shots.TakeAsync(admin, 40, "admin-merchants");

        // the operator signs in with the one-time password: the console asks for a new one before anything else
        var op = await server.NewPageAsync();
        await op.GotoAsync("console/");
        await op.GetByLabel("用户名").FillAsync(username);
        await op.GetByLabel("密码").FillAsync(oneTime);
        await op.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await op.GetByRole(AriaRole.Heading, new() { Name = "修改密码" }).WaitForAsync();
        await Shots.TakeAsync(op, 52, "password-change");
        await op.GetByLabel("当前密码").FillAsync(oneTime);
        await op.GetByLabel("新密码", new() { Exact = true }).FillAsync("Qinghe#2026-fruit");
        await op.GetByLabel("再次输入新密码").FillAsync("Qinghe#2026-fruit");
        await op.GetByRole(AriaRole.Button, new() { Name = "保存新密码" }).ClickAsync();
        await op.GetByRole(AriaRole.Heading, new() { Name = "扫码核销" }).WaitForAsync();

        var (resident, residentId) = await LedgerTestKit.FreshResidentAsync(server, 90);
        await op.GetByLabel("付款码").FillAsync(await LedgerTestKit.PaycodeAsync(resident));
        await op.GetByLabel("核销积分").FillAsync("40");
        await op.GetByRole(AriaRole.Button, new() { Name = "确认核销" }).ClickAsync();
        await op.GetByRole(AriaRole.Status).GetByText("核销成功").WaitForAsync();
        Assert.Equal(50, await LedgerTestKit.BalanceAsync(server, residentId));
        var merchantId = await server.WithDbAsync(db => db.Merchants.Where(m => m.Name == shop).Select(m => m.Id).SingleAsync());
        Assert.Equal(40, await server.WithDbAsync(db => db.Redemptions.Where(r => r.MerchantId == merchantId).SumAsync(r => r.Points)));
    }

    [Fact]
    public async Task LockedOutOperator_IsUnlockedByAnAdmin_AndSignsInAgain()
    {
        var op = await server.NewPageAsync();
        await op.GotoAsync("console/");
        await op.GetByLabel("用户名").FillAsync("merchant-barber");
        var refusal = op.GetByRole(AriaRole.Alert);
        for (var i = 0; i < 5; i++)
        {
            await op.GetByLabel("密码").FillAsync("not-the-password-" + i);
            await op.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            await refusal.WaitForAsync();
            await op.WaitForFunctionAsync("() => !document.querySelector('button[type=submit]').disabled");
        }

        await op.GetByLabel("密码").FillAsync("Points@2026");
        await op.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await refusal.GetByText("锁定").WaitForAsync();

        var admin = await server.SignedInAsync("admin", "console/admin/merchants");
        await admin.GetByRole(AriaRole.Button, new() { Name = "解锁 merchant-barber" }).ClickAsync();
        await admin.GetByText("已解除 merchant-barber 的登录锁定").WaitForAsync();

        await op.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await op.GetByRole(AriaRole.Heading, new() { Name = "扫码核销" }).WaitForAsync();
        var barber = DemoSeederId("user:merchant-barber");
        Assert.True(await server.WithDbAsync(db => db.AccountLockEvents.AnyAsync(e => e.UserId == barber && e.ActorId != null)));
    }

    [Fact]
    public async Task TownAdministration_RegionsStaffBankSettingsSettlement()
    {
        var page = await server.SignedInAsync("admin", "console/admin/regions");

        // communities and grids: create, rename, retire
        var community = "南湖村" + Guid.NewGuid().ToString("N")[..4];
        await page.GetByLabel("新村社名称").FillAsync(community);
        await page.GetByRole(AriaRole.Button, new() { Name = "新建村社" }).ClickAsync();
        var panel = page.GetByRole(AriaRole.Region, new() { Name = community, Exact = true });
        await panel.WaitForAsync();
        await panel.GetByLabel($"{community} 新网格名称").FillAsync("第一网格");
        await panel.GetByRole(AriaRole.Button, new() { Name = "新建网格" }).ClickAsync();
        await panel.GetByText("第一网格").WaitForAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "重命名" }).Last.ClickAsync();
        await page.GetByLabel("网格新名称").FillAsync("湖滨网格");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await panel.GetByText("湖滨网格").WaitForAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "撤销", Exact = true }).ClickAsync();
        await page.GetByText("已撤销网格「湖滨网格」").WaitForAsync();
        await Shots.TakeAsync(page, 44, "admin-regions");
        var communityId = await server.WithDbAsync(db => db.Communities.Where(c => c.Name == community).Select(c => c.Id).SingleAsync());
        Assert.NotNull(await server.WithDbAsync(db => db.Grids.Where(g => g.CommunityId == communityId).Select(g => g.RetiredAt).SingleAsync()));

        // staff: create with role and scope (one-time password shown once)
        var username = "gy-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByRole(AriaRole.Link, new() { Name = "工作人员" }).ClickAsync();
        await page.GetByLabel("用户名", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("姓名", new() { Exact = true }).FillAsync("王网格");
        await page.GetByLabel("角色", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "村社工作人员" });
        await page.GetByLabel("所属村社（村社工作人员必填）").SelectOptionAsync(new SelectOptionValue { Label = "东山村" });
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成一次性密码" }).ClickAsync();
        await page.GetByTestId("one-time-secret").WaitForAsync();
        await page.GetByLabel("用户名或姓名").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        var staffTable = page.GetByRole(AriaRole.Table, new() { Name = "工作人员" });
        await staffTable.GetByText("staff-dongshan").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await staffTable.GetByText("待改初始密码").WaitForAsync();
        await Shots.TakeAsync(page, 42, "admin-staff");
        var account = await server.WithDbAsync(db => db.Users.SingleAsync(u => u.Username == username));
        Assert.Equal((Role.CommunityStaff, PointsApiFactory.DongshanId, true), (account.Role, account.CommunityId!.Value, account.MustChangePassword));

        // bank clients: the secret is shown once, only its hash is stored; rotate
        var clientId = "bank-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByRole(AriaRole.Link, new() { Name = "银行接入" }).ClickAsync();
        await page.GetByLabel("银行名称").FillAsync("东山农商银行");
        await page.GetByLabel("clientId").FillAsync(clientId);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成密钥" }).ClickAsync();
        var secret = (await page.GetByTestId("one-time-secret").InnerTextAsync()).Trim();
        var token = await server.CreateClient().PostAsJsonAsync("/api/auth/token", new { clientId, clientSecret = secret });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "我已记下" }).ClickAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = clientId }).GetByRole(AriaRole.Button, new() { Name = "轮换密钥" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认轮换（旧密钥立即失效）" }).ClickAsync();
        await page.GetByTestId("one-time-secret").WaitForAsync();
        await Shots.TakeAsync(page, 46, "admin-bank-clients");
        var old = await server.CreateClient().PostAsJsonAsync("/api/auth/token", new { clientId, clientSecret = secret });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);

        // settings: the rate, market days and the expiry policy read back
        await page.GetByRole(AriaRole.Link, new() { Name = "镇街设置" }).ClickAsync();
        await page.GetByLabel("超市开放日（每月几号，逗号分隔）").FillAsync("10,25");
        await page.GetByLabel("积分有效期（月，留空为永不过期）").FillAsync("24");
        await page.GetByLabel("学习积分 默认积分").FillAsync("3");
        await page.GetByLabel("学习积分 每日上限").FillAsync("9");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存设置" }).ClickAsync();
        await page.GetByText("设置已保存").WaitForAsync();
        await Shots.TakeAsync(page, 48, "admin-settings");
        await page.ReloadAsync();
        Assert.Equal("24", await page.GetByLabel("积分有效期（月，留空为永不过期）").InputValueAsync());
        Assert.Equal("10,25", await page.GetByLabel("超市开放日（每月几号，逗号分隔）").InputValueAsync());
        Assert.Equal("9", await page.GetByLabel("学习积分 每日上限").InputValueAsync());
    }

    [Fact]
    public async Task Settlement_OnceTheMonthIsOver_ShowsEveryMerchant_IsApproved_AndDownloads()
    {
        var (resident, _) = await LedgerTestKit.FreshResidentAsync(server, 100);
        var merchant = await server.StaffAsync("merchant-market");
        var redeemed = await merchant.SendAsync(LedgerTestKit.Post("/api/merchant/redemptions", new { paycode = await LedgerTestKit.PaycodeAsync(resident), points = 60 }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);

        // a month is approved once it is over: the server's clock moves to the next month (sessions start after it)
        var now = server.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var month = now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        server.Clock.SetUtcNow(new DateTimeOffset(now.Year, now.Month, 1, 1, 0, 0, TimeSpan.FromHours(8)).AddMonths(1));
        var page = await server.SignedInAsync("admin", "console/admin/settlements");
        await page.GetByLabel("月份").FillAsync(month);
        await page.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = "商户结算" });
        await table.GetByRole(AriaRole.Row).Filter(new() { HasText = "西湖理发店" }).WaitForAsync(); // every merchant, also one without redemptions
        var shop = table.GetByRole(AriaRole.Row).Filter(new() { HasText = "东山便民超市" });
        await page.GetByRole(AriaRole.Button, new() { Name = "审批该月结算" }).ClickAsync();
        await page.GetByText("已审批：").WaitForAsync();
        await Shots.TakeAsync(page, 50, "admin-settlements");

        var api = await (await server.StaffAsync("admin")).GetFromJsonAsync<JsonElement>($"/api/towns/{PointsApiFactory.DemoTownId}/settlements/{month}");
        Assert.True(api.GetProperty("approved").GetBoolean());
        var line = api.GetProperty("merchants").EnumerateArray().Single(l => l.GetProperty("merchantName").GetString() == "东山便民超市");
        Assert.True(line.GetProperty("netPoints").GetInt64() >= 60);
        Assert.Contains(line.GetProperty("netPoints").GetInt64().ToString(CultureInfo.InvariantCulture), await shop.InnerTextAsync(), StringComparison.Ordinal);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载 Excel" }).ClickAsync());
        Assert.Equal($"settlement-{month}.xlsx", download.SuggestedFilename);
        var rows = MiniExcel.Query(await download.PathAsync(), useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        var xlsx = rows.Single(r => Equals(r["商户"], "东山便民超市"));
        Assert.Equal(line.GetProperty("netPoints").GetInt64(), Convert.ToInt64(xlsx["净积分"], CultureInfo.InvariantCulture));
        Assert.StartsWith("已审批", Convert.ToString(xlsx["审批状态"], CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(line.GetProperty("owedFen").GetInt64() / 100m, Convert.ToDecimal(xlsx["应付合计（元）"], CultureInfo.InvariantCulture));
        Assert.Equal(1, await table.GetByRole(AriaRole.Columnheader, new() { Name = "积分券补贴" }).CountAsync());
    }

    [Fact]
    public async Task ModelActivation_RefusedByTheGuard_ThenOverriddenWithAWrittenReason()
    {
        var live = await server.WithDbAsync(db => db.CreditModels.Where(m => m.IsActive).Select(m => m.Version).SingleAsync());
        var version = "e2e-collapsed-" + Guid.NewGuid().ToString("N")[..4];
        var card = new Scorecard(ExpertScorecard.CreateModel() with { ModelVersion = version });
        var metrics = $$$"""{"labels":400,"bads":38,"cv":{"aucMean":0.812,"ksMean":0.47},"psi":{"against":"{{{live}}}","value":0.41},"tierShares":{"poor":0.86,"fair":0.08,"good":0.04,"very-good":0.02,"excellent":0}}""";
        var modelCard = $$$"""{"version":"{{{version}}}","purpose":"乡镇居民信用画像","groupComparison":[{"community":"东山村","residents":25,"candidate":{"poor":0.9,"fair":0.1,"good":0,"very-good":0,"excellent":0}},{"community":"西湖社区","residents":25,"candidate":{"poor":0.8,"fair":0.08,"good":0.08,"very-good":0.04,"excellent":0}}]}""";
        await server.WithDbAsync(async db =>
        {
            db.CreditModels.Add(new CreditModel(Guid.CreateVersion7(), version, CreditModelKind.Trained, card.ToJson(), metrics, modelCard, server.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });

        var page = await server.SignedInAsync("platform", "console/credit/models");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = version });
        await row.GetByText("0.812").WaitForAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = $"启用 {version}" }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Region, new() { Name = "启用检查未通过" });
        await refusal.GetByText("较差").WaitForAsync();
        await refusal.GetByText("PSI").WaitForAsync();
        Assert.Equal(live, await server.WithDbAsync(db => db.CreditModels.Where(m => m.IsActive).Select(m => m.Version).SingleAsync()));
        await Shots.TakeAsync(page, 54, "credit-activation-refused");

        await page.GetByLabel("越过检查启用的书面理由（至少10个字，记入模型卡）").FillAsync("太短");
        await page.GetByRole(AriaRole.Button, new() { Name = "填写理由后启用" }).ClickAsync();
        await page.Locator("#override-reason-error").WaitForAsync();
        const string reason = "经镇党委同意：银行试点期间先用新模型，两周内复核分布";
        await page.GetByLabel("越过检查启用的书面理由（至少10个字，记入模型卡）").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "填写理由后启用" }).ClickAsync();
        await page.GetByText($"已越过 2 项检查启用 {version}").WaitForAsync();
        await page.GetByTestId("override-reason").GetByText(reason).WaitForAsync();
        await page.GetByRole(AriaRole.Img, new() { Name = "各村社等级分布（本版本）" }).GetByText("东山村").WaitForAsync();
        await Shots.TakeAsync(page, 56, "credit-model-card");
        Assert.Equal(version, await server.WithDbAsync(db => db.CreditModels.Where(m => m.IsActive).Select(m => m.Version).SingleAsync()));
        Assert.Equal(reason, await server.WithDbAsync(db => db.CreditModels.Where(m => m.Version == version).Select(m => m.ActivationOverrideReason).SingleAsync()));

        var platform = await server.StaffAsync("platform");
        Assert.Equal(HttpStatusCode.OK, (await platform.PostAsync($"/api/admin/credit/models/{live}/activate", null)).StatusCode);
    }

    [Fact]
    public async Task AppealsQueue_ShowsTheDueDate_AndStaffAnswer()
    {
        var resident = await server.ResidentAsync(5);
        var text = "我上月的志愿活动没有记入，申请复核" + Guid.NewGuid().ToString("N")[..4];
        await resident.GetFromJsonAsync<JsonElement>("/api/me/credit");
        var filed = await resident.PostAsJsonAsync("/api/me/credit/appeals", new { kind = "HumanReview", text });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var due = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueAt").GetDateTimeOffset();

        var page = await server.SignedInAsync("staff-dongshan", "console/credit/appeals");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = text });
        await row.GetByText(due.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).WaitForAsync();
        Assert.InRange((due - server.Clock.GetUtcNow()).TotalDays, 19.99, 20.01); // 20 days to answer
        await Shots.TakeAsync(page, 58, "credit-appeals");
        await row.GetByRole(AriaRole.Button, new() { Name = "答复" }).ClickAsync();
        await page.GetByLabel("处理结论").SelectOptionAsync(new SelectOptionValue { Label = "维持原结果" });
        await page.GetByLabel("答复内容").FillAsync("经核对，该活动未确认出勤，维持原结果。");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交答复" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("的申诉").WaitForAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Row).Filter(new() { HasText = text }).CountAsync());
    }

    private static Guid DemoSeederId(string key) => Points.Infrastructure.Seeding.DemoSeeder.StableId(key);
}
