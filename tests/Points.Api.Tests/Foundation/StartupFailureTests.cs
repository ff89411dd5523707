using System.Diagnostics;
using Npgsql;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// The real API process against the real throwaway PostgreSQL: a missing database is created (also by
/// several instances at once), and every failure to start is one line on stderr naming the setting,
/// with a non-zero exit and no stack trace.
/// </summary>
public sealed class StartupFailureTests
{
    private const string SigningKey = "test-signing-key-that-is-long-enough-0123456789";

    private sealed record Outcome(int ExitCode, string Output, string Error);

    private static string Dll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir!.FullName, "artifacts", "bin", "Points.Api", "release", "Points.Api.dll");
        Assert.True(File.Exists(dll), $"build the Release configuration first: {dll}");
        return dll;
    }

    private static async Task<Outcome> RunAsync(Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Points__DataDir"] = Path.Combine(Path.GetTempPath(), "points-tests", Guid.NewGuid().ToString("N"));
        start.Environment["Points__SeedDemo"] = "false";
        start.Environment["Scheduler__Enabled"] = "false";
        start.Environment["Auth__SigningKey"] = SigningKey;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the API did not exit: {await output} {await error}");
        }

        return new Outcome(process.ExitCode, await output, await error);
    }

    private static Dictionary<string, string> Postgres(string connectionString) => new()
    {
        ["Database__Provider"] = "Postgres",
        ["ConnectionStrings__Points"] = connectionString,
    };

    private static void AssertOneLineNaming(Outcome outcome, string setting)
    {
        Assert.NotEqual(0, outcome.ExitCode);
        var lines = outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {outcome.Error} / stdout: {outcome.Output}");
        Assert.Contains(setting, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Points API ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error + outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", outcome.Error + outcome.Output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the API without an address of its own choosing, waits for it to listen, and returns its health answer.</summary>
    private static async Task<(string Listening, HttpStatusCode Health)> ServeAsync(Dictionary<string, string> env, string url, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Points__DataDir"] = Path.Combine(Path.GetTempPath(), "points-tests", Guid.NewGuid().ToString("N"));
        start.Environment["Points__SeedDemo"] = "false";
        start.Environment["Scheduler__Enabled"] = "false";
        start.Environment["Auth__SigningKey"] = SigningKey;
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("Points API listening on ", StringComparison.Ordinal))
                {
                    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                    var health = await http.GetAsync(new Uri(new Uri(url), "/healthz"));
                    return (line, health.StatusCode);
                }
            }

            await process.WaitForExitAsync(timeout.Token);
            throw new InvalidOperationException($"the API exited {process.ExitCode} without listening: {await error}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task Start_AspNetCoreUrls_ChoosesTheAddress()
    {
        var url = $"http://127.0.0.1:{FreePort()}";

        var (listening, health) = await ServeAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url }, url);

        Assert.Contains(url, listening, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health);
    }

    [Fact]
    public async Task Start_UrlsArgument_ChoosesTheAddress()
    {
        var url = $"http://127.0.0.1:{FreePort()}";

        var (listening, health) = await ServeAsync([], url, "--urls", url);

        Assert.Contains(url, listening, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health);
    }

    [Fact]
    public void LaunchProfile_SetsNoAddress()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
        {
            dir = dir.Parent;
        }

        // An applicationUrl in the launch profile would override ASPNETCORE_URLS under `dotnet run`.
        var profile = File.ReadAllText(Path.Combine(dir!.FullName, "Api", "Properties", "launchSettings.json"));
        Assert.DoesNotContain("applicationUrl", profile, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Migrate_DatabaseMissing_IsCreated_AlsoByThreeInstancesAtOnce()
    {
        var name = "t_missing_" + Guid.NewGuid().ToString("N")[..12];
        var target = new NpgsqlConnectionStringBuilder(TestServers.PostgresBase) { Database = name }.ConnectionString;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RunAsync(Postgres(target), "migrate")));

        Assert.All(outcomes, o => Assert.True(o.ExitCode == 0, $"{o.ExitCode}: {o.Output} {o.Error}"));
        Assert.All(outcomes, o => Assert.Contains("database schema is up to date", o.Output, StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM __ef_migrations_history", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
    }

    [Fact]
    public async Task Start_PostgresUnreachable_SaysSoInOneLine()
    {
        var target = new NpgsqlConnectionStringBuilder(TestServers.PostgresBase) { Port = FreePort(), Timeout = 5 }.ConnectionString;

        var outcome = await RunAsync(Postgres(target));

        AssertOneLineNaming(outcome, "ConnectionStrings:Points");
        Assert.Contains("cannot reach PostgreSQL", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LoginRefused_SaysSoInOneLine()
    {
        // The throwaway server trusts every role it knows, so an unknown role is how a login is refused here.
        var target = new NpgsqlConnectionStringBuilder(TestServers.PostgresBase) { Username = "no_such_role_" + Guid.NewGuid().ToString("N")[..8], Password = "wrong" }.ConnectionString;

        var outcome = await RunAsync(Postgres(target), "migrate");

        AssertOneLineNaming(outcome, "ConnectionStrings:Points");
        Assert.Contains("refused user", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerCheck_DatabaseMissing_SaysToMigrate()
    {
        var target = new NpgsqlConnectionStringBuilder(TestServers.PostgresBase) { Database = "t_absent_" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;

        var outcome = await RunAsync(Postgres(target), "ledger", "check");

        AssertOneLineNaming(outcome, "ConnectionStrings:Points");
        Assert.Contains("does not exist", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RedisUnreachableOutsideDevelopment_SaysSoInOneLine()
    {
        var env = Postgres(TestServers.CreateDatabase());
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Redis__Configuration"] = $"127.0.0.1:{FreePort()},connectTimeout=1000";
        foreach (var (key, value) in StartupCheckTests.ProductionWeChat)
        {
            env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var outcome = await RunAsync(env);

        AssertOneLineNaming(outcome, "Redis:Configuration");
    }

    [Fact]
    public async Task Start_ProductionWithoutPublicBaseUrl_RefusesInOneLine()
    {
        var env = Postgres(TestServers.CreateDatabase());
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Redis__Configuration"] = TestServers.Redis;
        foreach (var (key, value) in StartupCheckTests.ProductionWeChat.Where(p => p.Key != "WeChat:PublicBaseUrl"))
        {
            env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var outcome = await RunAsync(env);

        AssertOneLineNaming(outcome, "WeChat:PublicBaseUrl");
        Assert.Contains("unchecked", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresWithoutConnectionString_SaysSoInOneLine()
    {
        var outcome = await RunAsync(new Dictionary<string, string> { ["Database__Provider"] = "Postgres" });

        AssertOneLineNaming(outcome, "ConnectionStrings:Points");
    }

    [Fact]
    public async Task Start_ProductionWithoutSigningKey_SaysSoInOneLine()
    {
        var env = Postgres(TestServers.CreateDatabase());
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Auth__SigningKey"] = "";
        env["Redis__Configuration"] = TestServers.Redis;
        foreach (var (key, value) in StartupCheckTests.ProductionWeChat)
        {
            env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var outcome = await RunAsync(env);

        AssertOneLineNaming(outcome, "Auth:SigningKey");
    }
}
