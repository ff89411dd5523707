using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

/// <summary>The embedded default: SQLite file in the data folder, in-process quota store, no servers.</summary>
public sealed class EmbeddedFactory : PointsApiFactory
{
    public EmbeddedFactory()
    {
        Settings["Database:Provider"] = "Sqlite";
        Settings["ConnectionStrings:Points"] = "";
        Settings["Redis:Configuration"] = "";
    }
}

public sealed class EmbeddedSmokeTests(EmbeddedFactory factory) : IClassFixture<EmbeddedFactory>
{
    [Fact]
    public async Task EmbeddedDefault_EndToEnd_SeedsLogsInAndServesDocs()
    {
        var anonymous = factory.CreateClient();
        var ready = await anonymous.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ok", ready.GetProperty("checks").GetProperty("database").GetString());
        Assert.StartsWith("not configured", ready.GetProperty("checks").GetProperty("redis").GetString());
        Assert.True(File.Exists(Path.Combine(factory.DataDir, "points.db")));

        var staffLogin = await anonymous.PostAsJsonAsync("/api/auth/staff", new { username = "admin", password = Points.Infrastructure.Seeding.DemoSeeder.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, staffLogin.StatusCode);

        var wechat = await anonymous.PostAsJsonAsync("/api/auth/wechat", new { code = "embedded-smoke" });
        Assert.Equal(HttpStatusCode.OK, wechat.StatusCode);
        var refresh = (await wechat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh })).StatusCode);

        var resident = await factory.ResidentAsync(2);
        var communities = await resident.GetFromJsonAsync<JsonElement>("/api/communities");
        Assert.Equal(2, communities.GetArrayLength());

        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/auth/wechat", out _));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs/index.html")).StatusCode);
    }
}
