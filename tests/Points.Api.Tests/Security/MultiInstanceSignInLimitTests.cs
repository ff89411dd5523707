using System.Diagnostics;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Security;

/// <summary>
/// Three API processes from the Release build behind a "load balancer" (loopback, named in
/// ReverseProxy:KnownNetworks), sharing one database and one Redis key prefix. Clients are told apart
/// only by X-Forwarded-For, and every limit must hold across the three instances together.
/// </summary>
public sealed class ThreeInstances : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "signin-limits-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _apis = [];
    private readonly List<System.Collections.Concurrent.ConcurrentQueue<string>> _logs = [];

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> log, string? line)
    {
        if (line is not null && log.Count < 200)
        {
            log.Enqueue(line);
        }
    }

    public List<HttpClient> Clients { get; } = [];

    public const int PasswordPerAddress = 6;
    public const int PasswordPerAccount = 9;
    public const int BankTokenPerClient = 4;
    public const int RefreshPerFamily = 3;

    private Dictionary<string, string> Environment(string connectionString) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Database__Provider"] = "Postgres",
        ["ConnectionStrings__Points"] = connectionString,
        ["Redis__Configuration"] = TestServers.Redis,
        ["Redis__KeyPrefix"] = $"limits:{Guid.NewGuid():N}:",
        ["Auth__SigningKey"] = "limits-test-signing-key-that-is-long-enough-0123456789",
        ["WeChat__BaseUrl"] = "http://127.0.0.1:9",
        ["WeChat__AppId"] = "wx0000limit000000",
        ["WeChat__AppSecret"] = "limits-test-secret",
        ["Points__DataProtectionKey"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ["WeChat__PublicBaseUrl"] = "https://points.example.test",
        ["WeChat__PushToken"] = "pushToken2026",
        ["WeChat__EncodingAesKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ["Points__DataDir"] = _dir,
        ["Points__SeedDemo"] = "false",
        ["Scheduler__Enabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["ReverseProxy__KnownNetworks__0"] = "127.0.0.0/8",
        ["RateLimiting__PasswordPerAddress"] = PasswordPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting__PasswordPerAccount"] = PasswordPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting__BankTokenPerClient"] = BankTokenPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting__RefreshPerFamily"] = RefreshPerFamily.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ProcessStartInfo Dotnet(IEnumerable<string> args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var env = Environment(TestServers.CreateDatabase());
        var dll = Path.Combine(RepoRoot(), "artifacts", "bin", "Points.Api", "release", "Points.Api.dll");
        Assert.True(File.Exists(dll), $"build the Release configuration first: {dll}");
        using (var seed = Process.Start(Dotnet([dll, "seed"], env))!)
        {
            var output = seed.StandardOutput.ReadToEndAsync();
            var error = seed.StandardError.ReadToEndAsync();
            await seed.WaitForExitAsync();
            Assert.True(seed.ExitCode == 0, $"seed failed: {await output} {await error}");
        }

        env["Points__MigrateOnStartup"] = "false";
        for (var i = 0; i < 3; i++)
        {
            var port = FreePort();
            var process = Process.Start(Dotnet([dll, "--urls", $"http://127.0.0.1:{port}"], env))!;
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            _logs.Add(log);
            process.OutputDataReceived += (_, e) => Keep(log, e.Data);
            process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _apis.Add(process);
            Clients.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
        }

        // Three processes starting at once on busy cores can take well over 30 s; fail at once if one exits.
        await ApiProcessHealth.WaitAllAsync(_apis, Clients, i => string.Join(System.Environment.NewLine, _logs[i]));
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _apis)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        Clients.ForEach(c => c.Dispose());
    }

    /// <summary>Posts <paramref name="body"/> through instance <paramref name="instance"/> (mod 3) on behalf of <paramref name="address"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(int instance, string address, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", address);
        try
        {
            return await Clients[instance % 3].SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            var process = _apis[instance % 3];
            throw new InvalidOperationException($"instance {instance % 3} (exited: {process.HasExited}): {string.Join(System.Environment.NewLine, _logs[instance % 3])}", ex);
        }
    }
}

[Collection("Rush")]
public sealed class MultiInstanceSignInLimitTests(ThreeInstances apis) : IClassFixture<ThreeInstances>
{
    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "auth.rate_limited");
        Assert.True(response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero && delta <= TimeSpan.FromMinutes(1), "Retry-After");
        Assert.Equal("登录请求过于频繁，请稍后再试", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task PasswordLogin_PerAddressBudget_IsSharedByThreeInstances_OtherAddressUnaffected()
    {
        const string address = "198.51.100.7";
        for (var i = 0; i < ThreeInstances.PasswordPerAddress; i++)
        {
            var allowed = await apis.PostAsync(i, address, "/api/auth/staff", new { username = $"nobody-{i}", password = "x" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        await AssertRateLimitedAsync(await apis.PostAsync(1, address, "/api/auth/staff", new { username = "nobody-last", password = "x" }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await apis.PostAsync(2, "198.51.100.8", "/api/auth/staff", new { username = "nobody-other", password = "x" })).StatusCode);
    }

    [Fact]
    public async Task PasswordLogin_PerAccountBudget_HoldsAcrossAddressesAndInstances()
    {
        for (var i = 0; i < ThreeInstances.PasswordPerAccount; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await apis.PostAsync(i, $"203.0.113.{i + 1}", "/api/auth/staff", new { username = "target-account", password = "x" })).StatusCode);
        }

        await AssertRateLimitedAsync(await apis.PostAsync(0, "203.0.113.200", "/api/auth/staff", new { username = "target-account", password = "x" }));
    }

    [Fact]
    public async Task BankToken_PerClientIdBudget_HoldsAcrossAddressesAndInstances()
    {
        for (var i = 0; i < ThreeInstances.BankTokenPerClient; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await apis.PostAsync(i, $"192.0.2.{i + 1}", "/api/auth/token", new { clientId = "some-bank", clientSecret = "guess" })).StatusCode);
        }

        await AssertRateLimitedAsync(await apis.PostAsync(2, "192.0.2.100", "/api/auth/token", new { clientId = "some-bank", clientSecret = "guess" }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await apis.PostAsync(2, "192.0.2.100", "/api/auth/token", new { clientId = "other-bank", clientSecret = "guess" })).StatusCode);
    }

    [Fact]
    public async Task WeChatLogin_VillageBehindOneNat_ThreeHundredInAMinute_NoneThrottled()
    {
        var responses = new List<HttpResponseMessage>();
        foreach (var batch in Enumerable.Range(0, 300).Chunk(30))
        {
            responses.AddRange(await Task.WhenAll(batch.Select(i => apis.PostAsync(i, "100.64.0.1", "/api/auth/wechat", new { code = $"code-{i}" }))));
        }

        Assert.DoesNotContain(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Refresh_PerFamilyBudget_HoldsAcrossInstances()
    {
        var family = Guid.NewGuid().ToString("N");
        for (var i = 0; i < ThreeInstances.RefreshPerFamily; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await apis.PostAsync(i, $"100.64.1.{i + 1}", "/api/auth/refresh", new { refreshToken = $"{family}.guess{i}" })).StatusCode);
        }

        await AssertRateLimitedAsync(await apis.PostAsync(0, "100.64.1.99", "/api/auth/refresh", new { refreshToken = $"{family}.guess-last" }));
    }
}
