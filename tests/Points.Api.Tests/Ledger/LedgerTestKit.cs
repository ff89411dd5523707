using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Regions;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Ledger;

/// <summary>Shared moves for ledger tests: fresh residents with an exact balance, paycodes, a second town.</summary>
public static class LedgerTestKit
{
    public static async Task<(HttpClient Client, Guid Id)> FreshResidentAsync(PointsApiFactory factory, long balance)
    {
        var subject = "r-" + Guid.NewGuid().ToString("N")[..12];
        var client = await factory.ClientAsAsync(Role.Resident, subject);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        var id = me.GetProperty("id").GetGuid();
        if (balance > 0)
        {
            await CreditAsync(factory, id, balance);
        }

        return (client, id);
    }

    public static async Task CreditAsync(PointsApiFactory factory, Guid residentId, long points)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        var result = await ledger.PostAsync(new TransferRequest(AccountRef.Issuance(PointsApiFactory.DemoTownId), AccountRef.Wallet(residentId, PointsApiFactory.DemoTownId), points, TransferReason.Adjustment, "test-credit:" + Guid.NewGuid()), CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Code);
    }

    public static Task<long> BalanceAsync(PointsApiFactory factory, Guid residentId) =>
        factory.WithDbAsync(db => db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == residentId).Select(a => a.Balance).FirstOrDefaultAsync());

    public static async Task<string> PaycodeAsync(HttpClient resident)
    {
        var response = await resident.PostAsync("/api/me/paycode", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public static HttpRequestMessage Post(string url, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    public static async Task AssertLedgerConsistentAsync(PointsApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<LedgerReports>().CheckAsync(CancellationToken.None);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(0, report.GlobalSum);
    }

    /// <summary>A second town with its own merchant operator, signed in by password.</summary>
    public static async Task<HttpClient> OtherTownMerchantAsync(PointsApiFactory factory)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var username = "m-" + suffix;
        await factory.WithDbAsync(async db =>
        {
            var town = new Town(Guid.CreateVersion7(), "别的镇" + suffix);
            var merchant = new Merchant(Guid.CreateVersion7(), town.Id, "别镇商户");
            db.Towns.Add(town);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            db.Users.Add(UserAccount.NewStaff(Guid.CreateVersion7(), Role.Merchant, username, SecretHasher.Hash(DemoSeeder.DemoPassword), "别镇收银员", town.Id, null, merchant.Id, factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var client = factory.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/staff", new { username, password = DemoSeeder.DemoPassword });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
