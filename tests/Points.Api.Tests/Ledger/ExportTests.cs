using System.Text;
using MiniExcelLibs;
using Points.Api.Http;
using Points.Api.Ledger;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

/// <summary>Every CSV and .xlsx the API writes: formulas neutralised, numbers kept as numbers, a total row, Chinese headers.</summary>
public sealed class ExportTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    public static TheoryData<string> Formulas => new() { "+SUM(1,1)", "=HYPERLINK(\"http://x\",\"y\")", "-1+cmd|' /C calc'!A0", "@SUM(1+1)", "\tcmd", "\r=1" };

    [Theory]
    [MemberData(nameof(Formulas))]
    public void Neutralise_PrefixesFormulaStarts(string text)
    {
        Assert.Equal("'" + text, ExportFile.Neutralise(text));
    }

    [Theory]
    [InlineData("张三")]
    [InlineData("")]
    [InlineData("1+1")]
    [InlineData("a=b")]
    public void Neutralise_LeavesOrdinaryText(string text)
    {
        Assert.Equal(text, ExportFile.Neutralise(text));
    }

    [Fact]
    public void Csv_NegativeNumbersStayNumbers_TextFormulasDoNot()
    {
        var table = new ExportTable("t", ["姓名", "调整", "金额"], [["-1+cmd|' /C calc'!A0", -20L, -0.2m], ["合计", -20L, -0.2m]]);

        var text = Encoding.UTF8.GetString(ExportFile.Csv(table)).TrimStart('\uFEFF');

        Assert.Equal("姓名,调整,金额\r\n'-1+cmd|' /C calc'!A0,-20,-0.20\r\n合计,-20,-0.20\r\n", text.Replace("\"", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void Xlsx_KeepsNumbersNumeric_AndNeutralisesText()
    {
        var table = new ExportTable("t", ["姓名", "调整"], [["=1+1", -20L], ["合计", -20L]]);

        var rows = ReadXlsx(ExportFile.Xlsx(table));

        Assert.Equal("'=1+1", rows[0]["姓名"]);
        Assert.Equal(-20d, Convert.ToDouble(rows[0]["调整"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.IsNotType<string>(rows[0]["调整"]);
        Assert.Equal("合计", rows[1]["姓名"]);
    }

    [Theory]
    [InlineData(-20, "-0.20")]
    [InlineData(-1, "-0.01")]
    [InlineData(-99, "-0.99")]
    [InlineData(-100, "-1.00")]
    [InlineData(-150, "-1.50")]
    [InlineData(0, "0.00")]
    [InlineData(350, "3.50")]
    public void Yuan_KeepsTheSign(long fen, string expected)
    {
        Assert.Equal(expected, MerchantEndpoints.Yuan(fen));
    }

    [Fact]
    public async Task Summary_Csv_NeutralisesAResidentsFormulaName()
    {
        var (resident, _) = await FreshResidentAsync(factory, 5);
        (await resident.PatchAsJsonAsync("/api/me", new { displayName = "+SUM(1,1)" })).EnsureSuccessStatusCode();
        var staff = await factory.StaffAsync("staff-dongshan");
        var month = Month();

        var csv = Encoding.UTF8.GetString(await staff.GetByteArrayAsync($"/api/communities/{PointsApiFactory.DongshanId}/summaries/{month}?format=csv"));

        Assert.Contains("'+SUM(1,1)", csv);
        Assert.DoesNotContain("\n+SUM", csv);
        Assert.DoesNotContain("\n\"+SUM", csv);
    }

    [Fact]
    public async Task Summary_Xlsx_HasChineseHeaders_NumbersAndATotalRowMatchingTheJson()
    {
        var (resident, _) = await FreshResidentAsync(factory, 40);
        (await resident.PatchAsJsonAsync("/api/me", new { displayName = "=HYPERLINK(1)" })).EnsureSuccessStatusCode();
        var staff = await factory.StaffAsync("staff-dongshan");
        var month = Month();
        var url = $"/api/communities/{PointsApiFactory.DongshanId}/summaries/{month}";

        var json = await staff.GetFromJsonAsync<JsonElement>(url);
        var response = await staff.GetAsync(url + "?format=xlsx");
        var rows = ReadXlsx(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(ExportFile.XlsxContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"summary-{month}.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var residents = json.GetProperty("residents").EnumerateArray().ToList();
        Assert.Equal(residents.Count + 1, rows.Count);
        var total = rows[^1];
        Assert.Equal("合计", total["姓名"]);
        Assert.Equal(residents.Sum(r => r.GetProperty("closing").GetInt64()), Convert.ToInt64(total["期末余额"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(residents.Sum(r => r.GetProperty("opening").GetInt64()), Convert.ToInt64(total["期初余额"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(rows, r => Equals(r["姓名"], "'=HYPERLINK(1)"));
        Assert.All(rows, r => Assert.IsNotType<string>(r["期末余额"]));
    }

    [Fact]
    public async Task Statement_Xlsx_HasATotalRowInYuanAsNumbers()
    {
        var (resident, _) = await FreshResidentAsync(factory, 1000);
        var barber = await factory.StaffAsync("merchant-barber");
        var redeem = new HttpRequestMessage(HttpMethod.Post, "/api/merchant/redemptions") { Content = JsonContent.Create(new { paycode = await PaycodeAsync(resident), points = 125 }) };
        redeem.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        (await barber.SendAsync(redeem)).EnsureSuccessStatusCode();
        var month = Month();

        var json = await barber.GetFromJsonAsync<JsonElement>($"/api/merchant/statements/{month}");
        var response = await barber.GetAsync($"/api/merchant/statements/{month}?format=xlsx");
        var rows = ReadXlsx(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal($"statement-{month}.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var total = rows[^1];
        Assert.Equal("合计", total["日期"]);
        Assert.Equal(json.GetProperty("netPoints").GetInt64(), Convert.ToInt64(total["净积分"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("netFen").GetInt64() / 100m, Convert.ToDecimal(total["金额（元）"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Roster_ShowsMaskedNames_AndDownloadsAsXlsxWithATotalRow()
    {
        var activityId = await ActivityTestKit.PublishedAsync(factory);
        var (resident, _) = await FreshResidentAsync(factory, 0);
        (await resident.PatchAsJsonAsync("/api/me", new { displayName = "@张三丰" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsync($"/api/activities/{activityId}/signups", null)).StatusCode);
        var staff = await factory.StaffAsync("staff-dongshan");

        var roster = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{activityId}/signups");
        var response = await staff.GetAsync($"/api/activities/{activityId}/signups?format=xlsx");
        var rows = ReadXlsx(await response.Content.ReadAsByteArrayAsync());
        var outsider = await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/activities/{activityId}/signups?format=xlsx");

        Assert.Equal("@*", roster[0].GetProperty("residentName").GetString());
        Assert.Equal(ExportFile.XlsxContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("roster-", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal(2, rows.Count);
        Assert.Equal("'@*", rows[0]["姓名"]);
        Assert.Equal("已报名", rows[0]["状态"]);
        Assert.Equal("合计", rows[1]["序号"]);
        Assert.Equal("1 人", rows[1]["姓名"]);
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
    }

    private string Month() => factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    internal static List<IDictionary<string, object?>> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return MiniExcel.Query(stream, useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
    }
}
