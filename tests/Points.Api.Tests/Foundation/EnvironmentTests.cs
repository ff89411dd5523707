using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

public sealed class ProductionFactory : PointsApiFactory
{
    public ProductionFactory()
    {
        EnvironmentName = "Production";
        Settings["RateLimiting:BankTokenPerClient"] = "3";
        Settings["RateLimiting:PasswordPerAddress"] = "3";

        // WeChat is mandatory outside Development; nothing here calls it, so an unused loopback address will do.
        foreach (var (key, value) in StartupCheckTests.ProductionWeChat)
        {
            Settings[key] = value;
        }
    }
}

public sealed class ProductionTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task DevToken_InProduction_Returns404()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/dev-token", new { role = "Admin", subject = "x" });

        // Not mapped: 404. Run from build output (tests, dotnet run; never a published app), MapStaticAssets adds a GET
        // catch-all for files added after the build, and the router then answers an unmapped POST with 405.
        if (response.StatusCode == HttpStatusCode.MethodNotAllowed)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "request.method_not_allowed");
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "route.not_found");
        }

        Assert.DoesNotContain(factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>(),
            e => e.RoutePattern.RawText == "/api/auth/dev-token");
    }

    [Fact]
    public async Task Readyz_InProductionOnPostgresAndRedis_IsReady()
    {
        var response = await factory.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LoginEndpoints_BeyondRateLimit_Return429()
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/token", new { clientId = "x", clientSecret = "y" })).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        for (var i = 0; i < 3; i++)
        {
            await client.PostAsJsonAsync("/api/auth/staff", new { username = "a" + i, password = "b" });
        }

        var limited = await client.PostAsJsonAsync("/api/auth/staff", new { username = "a", password = "b" });
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "auth.rate_limited");
        Assert.True(limited.Headers.Contains("Retry-After"));
    }
}

public sealed class StartupCheckTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Points.Api";

        public string ContentRootPath { get; set; } = ".";

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    /// <summary>The WeChat settings (with what the image check needs) and data-protection key production needs.</summary>
    public static readonly (string Key, string Value)[] ProductionWeChat =
    [
        ("WeChat:BaseUrl", "http://127.0.0.1:9"),
        ("WeChat:AppId", "wx0000production00"),
        ("WeChat:AppSecret", "production-secret-not-used"),
        ("Points:DataProtectionKey", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        ("WeChat:PublicBaseUrl", "https://points.example.test"),
        ("WeChat:PushToken", "pushToken2026"),
        ("WeChat:EncodingAesKey", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
    ];

    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void Production_OnSqlite_RefusesWithClearMessage()
    {
        var problem = StartupChecks.Problem(Config(("Database:Provider", "Sqlite"), ("Redis:Configuration", "localhost")), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("Points:AllowEmbedded=true", problem);
        Assert.Contains("SQLite", problem);
    }

    [Fact]
    public void Production_WithoutRedis_Refuses()
    {
        var problem = StartupChecks.Problem(Config(("Database:Provider", "Postgres"), ("ConnectionStrings:Points", "Host=x")), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("Redis", problem);
    }

    [Fact]
    public void Production_EmbeddedAllowedExplicitly_Starts()
    {
        Assert.Null(StartupChecks.Problem(Config([("Points:AllowEmbedded", "true"), .. ProductionWeChat]), new Env("Production")));
    }

    [Fact]
    public void Production_WithoutWeChat_RefusesEvenWhenEmbeddedAllowed()
    {
        var problem = StartupChecks.Problem(Config(("Points:AllowEmbedded", "true")), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("WeChat:AppId is not configured", problem);
        Assert.Contains("WeChat:AppSecret is not configured", problem);
        Assert.Contains("WeChat:BaseUrl is not configured", problem);
    }

    [Fact]
    public void Production_WithoutDataProtectionKey_Refuses()
    {
        var problem = StartupChecks.Problem(Config([("Points:AllowEmbedded", "true"), .. ProductionWeChat.Where(p => p.Key != "Points:DataProtectionKey")]), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("Points:DataProtectionKey", problem);
    }

    [Theory]
    [InlineData("WeChat:PublicBaseUrl")]
    [InlineData("WeChat:PushToken")]
    public void Production_WithoutWhatTheImageCheckNeeds_RefusesNamingIt(string missing)
    {
        var problem = StartupChecks.Problem(Config([("Points:AllowEmbedded", "true"), .. ProductionWeChat.Where(p => p.Key != missing)]), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains($"{missing} is not set", problem, StringComparison.Ordinal);
        Assert.Contains("unchecked", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Production_PublicBaseUrlNotAnUrl_Refuses()
    {
        var problem = StartupChecks.Problem(Config([("Points:AllowEmbedded", "true"), .. ProductionWeChat.Where(p => p.Key != "WeChat:PublicBaseUrl"), ("WeChat:PublicBaseUrl", "points.example.test")]), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("WeChat:PublicBaseUrl is not an absolute http(s) URL", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_WithoutPublicBaseUrl_Starts()
    {
        Assert.Null(StartupChecks.Problem(Config(("Points:AllowEmbedded", "true")), new Env("Development")));
    }

    [Fact]
    public void Production_PushTokenWithoutAesKey_Refuses()
    {
        var problem = StartupChecks.Problem(Config([("Points:AllowEmbedded", "true"), .. ProductionWeChat.Where(p => p.Key != "WeChat:EncodingAesKey")]), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("WeChat:EncodingAesKey", problem);
    }

    [Fact]
    public void Development_WithoutWeChat_Starts()
    {
        Assert.Null(StartupChecks.WeChatProblem(Config(), new Env("Development")));
    }

    [Fact]
    public void Production_PostgresAndRedis_Starts()
    {
        Assert.Null(StartupChecks.Problem(Config([("Database:Provider", "Postgres"), ("ConnectionStrings:Points", "Host=x"), ("Redis:Configuration", "localhost:6379"), .. ProductionWeChat]), new Env("Production")));
    }

    [Fact]
    public void Development_OnSqlite_Starts()
    {
        Assert.Null(StartupChecks.Problem(Config(), new Env("Development")));
    }

    [Fact]
    public void UnknownProvider_Refuses()
    {
        var problem = StartupChecks.Problem(Config(("Database:Provider", "Oracle")), new Env("Production"));

        Assert.NotNull(problem);
        Assert.Contains("Sqlite or Postgres", problem);
    }

    [Fact]
    public void Production_RefusalStopsTheHost()
    {
        using var factory = new SqliteProductionFactory();

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    private sealed class SqliteProductionFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Auth:SigningKey", "test-signing-key-that-is-long-enough-0123456789");
        }
    }
}
