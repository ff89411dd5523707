using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Foundation;

public sealed class LogSecrecyTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task LoginFlows_NeverLogPasswordsTokensOrCodes()
    {
        var client = factory.CreateClient();
        var code = "js-code-" + Guid.NewGuid().ToString("N");
        var wechat = await (await client.PostAsJsonAsync("/api/auth/wechat", new { code })).Content.ReadFromJsonAsync<JsonElement>();
        var refresh = wechat.GetProperty("refreshToken").GetString()!;
        var access = wechat.GetProperty("accessToken").GetString()!;
        var rotated = await (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh })).Content.ReadFromJsonAsync<JsonElement>();
        await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh });
        await client.PostAsJsonAsync("/api/auth/staff", new { username = "admin", password = DemoSeeder.DemoPassword });
        await client.PostAsJsonAsync("/api/auth/staff", new { username = "admin", password = "Wrong-Secret-Pass-123" });
        await client.PostAsJsonAsync("/api/auth/token", new { clientId = DemoSeeder.DemoBankClientId, clientSecret = DemoSeeder.DemoBankSecret });

        var logs = factory.Logs.All;

        Assert.NotEmpty(factory.Logs.Lines);
        foreach (var secret in new[] { code, refresh, access, rotated.GetProperty("refreshToken").GetString()!, DemoSeeder.DemoPassword, "Wrong-Secret-Pass-123", DemoSeeder.DemoBankSecret, "Auth:SigningKey", "test-signing-key-that-is-long-enough" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
