using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

/// <summary>The ledger features on the embedded default (SQLite): the same queries must translate there too.</summary>
public sealed class EmbeddedLedgerTests(EmbeddedFactory factory) : IClassFixture<EmbeddedFactory>
{
    [Fact]
    public async Task EmbeddedDefault_RedeemOrderPageSummarise_AllWorkAndLedgerBalances()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8)));
        var (resident, residentId) = await FreshResidentAsync(factory, 500);
        var merchant = await factory.StaffAsync("merchant-market");
        var staff = await factory.StaffAsync("staff-dongshan");
        for (var i = 0; i < 3; i++)
        {
            var redeemed = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 10 }, $"e-{i}"));
            Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        }

        var items = await resident.GetFromJsonAsync<JsonElement>("/api/market/items");
        var order = await resident.SendAsync(Post("/api/market/orders", new { itemId = items[0].GetProperty("id").GetGuid() }, "eo-1"));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        var orderId = (await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync($"/api/market/orders/{orderId}/cancel", null)).StatusCode);

        var first = await resident.GetFromJsonAsync<JsonElement>("/api/me/points?pageSize=2");
        var second = await resident.GetFromJsonAsync<JsonElement>($"/api/me/points?pageSize=2&cursor={first.GetProperty("next").GetString()}");
        var summary = await staff.GetAsync($"/api/communities/{PointsApiFactory.DongshanId}/summaries/2026-11?format=csv");
        var statement = await merchant.GetFromJsonAsync<JsonElement>("/api/merchant/statements/2026-11");

        Assert.Equal(470, first.GetProperty("balance").GetInt64());
        Assert.Equal(4, first.GetProperty("entries").GetArrayLength() + second.GetProperty("entries").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal(30, statement.GetProperty("netPoints").GetInt64());
        Assert.Equal(470, await BalanceAsync(factory, residentId));
        await AssertLedgerConsistentAsync(factory);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
    }
}
