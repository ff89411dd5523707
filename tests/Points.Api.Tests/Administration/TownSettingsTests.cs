using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Administration;

public sealed class TownSettingsTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly string Settings = $"/api/towns/{PointsApiFactory.DemoTownId}/settings";

    [Fact]
    public async Task Patch_WritesEverySetting_GetReadsThemBack()
    {
        var townStaff = await factory.StaffAsync("town-staff");

        var patched = await townStaff.PatchAsJsonAsync(Settings, new
        {
            pointsPerYuan = 40,
            marketDays = new[] { 25, 5 },
            dailyEarningCap = 150,
            refundWindowDays = 3,
            expiry = new { months = 12 },
            earningRules = new[] { new { source = "Learning", defaultPoints = 2, dailyCap = 10, monthlyCap = 100 } },
            weChatTemplates = new Dictionary<string, string> { ["RedemptionReceipt"] = "town-receipt-tpl_1" },
        });

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var read = await townStaff.GetFromJsonAsync<JsonElement>(Settings);
        Assert.Equal(40, read.GetProperty("pointsPerYuan").GetInt32());
        Assert.Equal([5, 25], read.GetProperty("marketDays").EnumerateArray().Select(d => d.GetInt32()).ToList());
        Assert.Equal(150, read.GetProperty("dailyEarningCap").GetInt32());
        Assert.Equal(3, read.GetProperty("refundWindowDays").GetInt32());
        Assert.Equal(12, read.GetProperty("expiryMonths").GetInt32());
        var rule = read.GetProperty("earningRules").EnumerateArray().Single(r => r.GetProperty("source").GetString() == "Learning");
        Assert.Equal((2, 10, 100), (rule.GetProperty("defaultPoints").GetInt32(), rule.GetProperty("dailyCap").GetInt32(), rule.GetProperty("monthlyCap").GetInt32()));
        var template = read.GetProperty("weChatTemplates").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "RedemptionReceipt");
        Assert.Equal(("town-receipt-tpl_1", "Town"), (template.GetProperty("templateId").GetString(), template.GetProperty("source").GetString()));
        var other = read.GetProperty("weChatTemplates").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "ActivityReminder");
        Assert.Equal("None", other.GetProperty("source").GetString());

        var partial = await townStaff.PatchAsJsonAsync(Settings, new { expiry = new { months = (int?)null }, weChatTemplates = new Dictionary<string, string?> { ["RedemptionReceipt"] = null } });
        var after = await partial.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, after.GetProperty("expiryMonths").ValueKind);
        Assert.Equal(40, after.GetProperty("pointsPerYuan").GetInt32());
        Assert.Equal("None", after.GetProperty("weChatTemplates").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "RedemptionReceipt").GetProperty("source").GetString());
        Assert.Single(after.GetProperty("earningRules").EnumerateArray(), r => r.GetProperty("source").GetString() == "Learning");
        await townStaff.PatchAsJsonAsync(Settings, new { pointsPerYuan = 50, refundWindowDays = 7, dailyEarningCap = 200, marketDays = new[] { 25 } });
    }

    [Fact]
    public async Task Patch_InvalidValues_AreProblemsAndChangeNothing()
    {
        var admin = await factory.StaffAsync("admin");
        var before = await admin.GetStringAsync(Settings);

        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync(Settings, new { pointsPerYuan = 30, weChatTemplates = new Dictionary<string, string> { ["NoSuchKind"] = "x" } }),
            HttpStatusCode.BadRequest, "town.template_kind_invalid");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync(Settings, new { weChatTemplates = new Dictionary<string, string> { ["ReviewResult"] = "has space" } }),
            HttpStatusCode.BadRequest, "town.template_id_invalid");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync(Settings, new { marketDays = new[] { 32 } }), HttpStatusCode.BadRequest, "town.market_days_invalid");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync(Settings, new { earningRules = new[] { new { source = "Redemption", defaultPoints = 1 } } }),
            HttpStatusCode.BadRequest, "earning_rule.source_invalid");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync(Settings, new { expiry = new { months = 0 } }), HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(before, await admin.GetStringAsync(Settings));

        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("staff-dongshan")).GetAsync(Settings), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/towns/{Guid.NewGuid()}/settings"), HttpStatusCode.NotFound, "town.not_found");
    }
}
