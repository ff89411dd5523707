using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Infrastructure.Seeding;

namespace Points.Console.Tests;

/// <summary>
/// A loan officer's page in a real browser: the bank signs in with its client credentials, a wrong token shows the API's
/// refusal and nothing else, the resident's consent token shows tier, band, as-of and model version, and each query is
/// recorded exactly as a bank system's query is. Screenshots 80–83.
/// </summary>
public sealed class BankConsoleTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static readonly Guid DemoBank = DemoSeeder.StableId("bank");

    [Fact]
    public async Task LoanOfficer_SignsInWithClientCredentials_QueriesOnlyWithConsent_EachQueryRecorded()
    {
        var resident = await server.ResidentAsync(41);
        var granted = await resident.PostAsJsonAsync("/api/me/credit/consents", new { bankId = DemoBank, purpose = "申请农户小额贷款", days = 30 });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var consent = await granted.Content.ReadFromJsonAsync<JsonElement>();
        var token = consent.GetProperty("consentToken").GetString()!;
        var consentId = consent.GetProperty("id").GetGuid();

        var page = await server.NewPageAsync();
        await page.GotoAsync("console/bank/credit");
        await page.GetByRole(AriaRole.Button, new() { Name = "银行客户经理入口" }).ClickAsync();
        await page.GetByLabel("接入编号").FillAsync(DemoSeeder.DemoBankClientId);
        await page.GetByLabel("接入密钥").FillAsync("wrong-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).GetByText("客户端凭证无效").WaitForAsync();
        await page.GetByLabel("接入密钥").FillAsync(DemoSeeder.DemoBankSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "信用查询" }).WaitForAsync();
        await page.GetByText("银行客户经理").First.WaitForAsync();

        // the bank sees its own page only: a staff page sends it back
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "活动", Exact = true }).CountAsync());
        await page.GotoAsync("console/residents");
        await page.GetByRole(AriaRole.Heading, new() { Name = "信用查询" }).WaitForAsync();
        Assert.EndsWith("/console/bank/credit", page.Url, StringComparison.Ordinal);

        // no consent, nothing: the API's one refusal, in Chinese, and no result card
        await page.GetByLabel("居民授权码").FillAsync("not-a-consent-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("授权", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Region, new() { Name = "查询结果" }).CountAsync());
        await Shots.TakeAsync(page, 80, "bank-query-refused");

        await page.GetByLabel("居民授权码").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Region, new() { Name = "查询结果" });
        await result.WaitForAsync();
        var expected = await server.WithDbAsync(db => db.CreditQueries.AsNoTracking()
            .Where(q => q.ConsentId == consentId && q.Outcome == CreditQueryOutcome.Granted).Select(q => q.ModelVersion).SingleAsync());
        Assert.Equal(expected, (await page.GetByTestId("credit-model").InnerTextAsync()).Trim());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", (await page.GetByTestId("credit-asof").InnerTextAsync()).Trim());
        Assert.False(string.IsNullOrWhiteSpace(await page.GetByTestId("credit-band").InnerTextAsync()));
        await Shots.TakeAsync(page, 82, "bank-query-result");

        // recorded exactly as an API query: the resident sees the bank's query in the mini-program's list
        var queries = await resident.GetFromJsonAsync<JsonElement>("/api/me/credit/queries");
        Assert.Contains(queries.EnumerateArray(), q => q.GetProperty("bankId").GetGuid() == DemoBank && q.GetProperty("outcome").GetString() == "Granted");
        Assert.Equal(1, await server.WithDbAsync(db => db.CreditQueries.CountAsync(q => q.ConsentId == consentId)));
    }
}
