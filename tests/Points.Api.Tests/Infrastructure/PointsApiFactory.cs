using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Infrastructure;

/// <summary>
/// The API in-process against the real PostgreSQL and Redis the test command started: one fresh
/// database and one Redis key prefix per factory (use it as a class fixture), the demo town seeded,
/// a <see cref="FakeTimeProvider"/> (at <see cref="TestClocks.DefaultStart"/>) in place of the system clock and the scheduler off (tests run jobs).
/// </summary>
public class PointsApiFactory : WebApplicationFactory<Program>
{
    public PointsApiFactory()
    {
        ConnectionString = TestServers.CreateDatabase();
        RedisKeyPrefix = $"test:{Guid.NewGuid():N}:";
        DataDir = Path.Combine(Path.GetTempPath(), "points-tests", Guid.NewGuid().ToString("N"));
    }

    public string ConnectionString { get; }

    public string RedisKeyPrefix { get; }

    public string DataDir { get; }

    public FakeTimeProvider Clock { get; } = TestClocks.AtDefaultStart();

    /// <summary>Everything the app logged, for asserting that no secret ever reaches a log line.</summary>
    public LogCapture Logs { get; } = new();

    public string EnvironmentName { get; init; } = "Development";

    /// <summary>Extra configuration a test class needs (e.g. a fake WeChat server's address).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public static readonly Guid DemoTownId = DemoSeeder.StableId("town");
    public static readonly Guid DongshanId = DemoSeeder.StableId("community:dongshan");
    public static readonly Guid XihuId = DemoSeeder.StableId("community:xihu");

    public static Guid DemoResidentId(int n) => DemoSeeder.StableId($"resident:{n}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Points"] = ConnectionString,
            ["Redis:Configuration"] = TestServers.Redis,
            ["Redis:KeyPrefix"] = RedisKeyPrefix,
            ["Points:DataDir"] = DataDir,
            ["Points:SeedDemo"] = "true",
            ["Auth:SigningKey"] = "test-signing-key-that-is-long-enough-0123456789",
            ["Scheduler:Enabled"] = "false",
            // Feature tests sign in hundreds of times from one loopback address; the limits have tests of their own.
            ["RateLimiting:WeChatLoginPerAddress"] = "100000",
            ["RateLimiting:RefreshPerAddress"] = "100000",
            ["RateLimiting:RefreshPerFamily"] = "100000",
            ["RateLimiting:PasswordPerAddress"] = "100000",
            ["RateLimiting:PasswordPerAccount"] = "100000",
            ["RateLimiting:BankTokenPerClient"] = "100000",
            ["RateLimiting:DevTokenPerAddress"] = "100000",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
        });
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>A client signed in as <paramref name="subject"/> with <paramref name="role"/> (created in the first demo community when new).</summary>
    public async Task<HttpClient> ClientAsAsync(Role role, string subject)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/dev-token", new { role = role.ToString(), subject });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!.AccessToken);
        return client;
    }

    public Task<HttpClient> ResidentAsync(int demoResident = 1) => ClientAsAsync(Role.Resident, $"demo-resident-{demoResident:D2}");

    public Task<HttpClient> StaffAsync(string username = "staff-dongshan") => ClientAsAsync(username switch
    {
        "admin" => Role.Admin,
        "platform" => Role.Platform,
        "town-staff" => Role.TownStaff,
        "grid-worker" => Role.GridWorker,
        var s when s.StartsWith("merchant-", StringComparison.Ordinal) => Role.Merchant,
        _ => Role.CommunityStaff,
    }, username);

    /// <summary>Runs <paramref name="work"/> with a fresh scope's DbContext (for asserting database state).</summary>
    public async Task<T> WithDbAsync<T>(Func<PointsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PointsDbContext>());
    }

    public async Task WithDbAsync(Func<PointsDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<PointsDbContext>());
    }

    public sealed record TokenBody(string AccessToken, string? RefreshToken, int ExpiresIn);
}
