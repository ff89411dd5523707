using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Quotas;
using Points.Infrastructure.Seeding;
using StackExchange.Redis;

namespace Points.Api.Tests.Activities;

[CollectionDefinition("Rush", DisableParallelization = true)]
public sealed class RushCollection;

/// <summary>
/// Three API processes from the Release build on loopback, sharing one PostgreSQL database and one
/// Redis, take 5,000 concurrent sign-up attempts from 2,000 residents for 30 places; then again with
/// Redis restarted empty in the middle of the rush. The Redis here is the test's own server (started
/// and restarted by this class) so the restart cannot disturb test classes running alongside.
/// </summary>
[Collection("Rush")]
[Trait("Category", "Rush")]
public sealed class MultiInstanceRushTests : IAsyncLifetime
{
    private const string SigningKey = "rush-test-signing-key-that-is-long-enough-0123456789";
    private const int Capacity = 30;
    private const int ResidentCount = 2000;
    private readonly string _dir = Path.Combine(Environment.GetEnvironmentVariable("POINTS_TEST_REDIS_DIR") ?? Path.GetTempPath(), "rush-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _apis = [];
    private readonly List<HttpClient> _clients = [];
    private readonly Guid[] _residents = Enumerable.Range(0, ResidentCount).Select(_ => Guid.CreateVersion7()).ToArray();
    private int _redisPort;
    private string _connectionString = "";
    private ConnectionMultiplexer? _redis;
    private TokenService _tokens = null!;

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

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };

        // Redis keeps the real clock under `scripts/test.sh --clock-offset` (it hangs under libfaketime).
        psi.Environment.Remove("LD_PRELOAD");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await output} {await error}");
        }
    }

    private async Task StartRedisAsync()
    {
        await RunAsync("redis-server", "--bind", "127.0.0.1", "--port", _redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--dir", _dir, "--pidfile", Path.Combine(_dir, "redis.pid"), "--logfile", Path.Combine(_dir, "redis.log"));
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redisPort},abortConnect=false,connectTimeout=200");
                if (probe.IsConnected)
                {
                    return;
                }
            }
            catch (RedisException)
            {
            }

            await Task.Delay(50);
        }
    }

    private async Task RestartRedisAsync()
    {
        try
        {
            await RunAsync("redis-cli", "-p", _redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "SHUTDOWN", "NOSAVE");
        }
        catch (InvalidOperationException)
        {
            // redis-cli reports the dropped connection of a successful shutdown as an error on some versions.
        }

        await StartRedisAsync();
    }

    private Dictionary<string, string> ApiEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Database__Provider"] = "Postgres",
        ["ConnectionStrings__Points"] = _connectionString,
        ["Redis__Configuration"] = $"127.0.0.1:{_redisPort}",
        ["Redis__KeyPrefix"] = "rush:",
        ["Auth__SigningKey"] = SigningKey,
        ["WeChat__BaseUrl"] = "http://127.0.0.1:9",
        ["WeChat__AppId"] = "wx0000rush0000000",
        ["WeChat__AppSecret"] = "rush-test-secret",
        ["Points__DataProtectionKey"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ["WeChat__PublicBaseUrl"] = "https://points.example.test",
        ["WeChat__PushToken"] = "pushToken2026",
        ["WeChat__EncodingAesKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ["Points__DataDir"] = _dir,
        ["Points__MigrateOnStartup"] = "false",
        ["Points__SeedDemo"] = "false",
        ["Quotas__ReconcileInterval"] = "00:00:02",
        ["Scheduler__PollInterval"] = "00:00:01",
        ["Logging__LogLevel__Default"] = "Warning",
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

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _redisPort = FreePort();
        await StartRedisAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redisPort},abortConnect=false");
        var builder = new NpgsqlConnectionStringBuilder(TestServers.CreateDatabase()) { MaxPoolSize = 40 };
        _connectionString = builder.ConnectionString;
        _tokens = new TokenService(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), new AuthOptions(), TimeProvider.System);

        var dll = Path.Combine(RepoRoot(), "artifacts", "bin", "Points.Api", "release", "Points.Api.dll");
        Assert.True(File.Exists(dll), $"build the Release configuration first: {dll}");
        using (var seed = Process.Start(Dotnet([dll, "seed"], ApiEnvironment()))!)
        {
            var output = seed.StandardOutput.ReadToEndAsync();
            var error = seed.StandardError.ReadToEndAsync();
            await seed.WaitForExitAsync();
            Assert.True(seed.ExitCode == 0, $"seed failed: {await output} {await error}");
        }

        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO users (id, role, display_name, town_id, community_id, we_chat_open_id, created_at, honor_roll_opt_out, is_active) "
                + "SELECT id, 'Resident', '冲刺居民', @town, @community, 'rush-' || id::text, now(), false, true FROM unnest(@ids) AS id", connection);
            insert.Parameters.AddWithValue("town", PointsApiFactory.DemoTownId);
            insert.Parameters.AddWithValue("community", PointsApiFactory.DongshanId);
            insert.Parameters.AddWithValue("ids", _residents);
            await insert.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            var port = FreePort();
            var process = Process.Start(Dotnet([dll, "--urls", $"http://127.0.0.1:{port}"], ApiEnvironment()))!;
            process.OutputDataReceived += (_, e) => KeepErrors(e.Data);
            process.ErrorDataReceived += (_, e) => KeepErrors(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _apis.Add(process);
            _clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(60),
            });
        }

        // Three processes starting at once on two busy cores can take well over 30 s; wait up to three minutes,
        // but fail at once with the process's own errors if one exits.
        await ApiProcessHealth.WaitAllAsync(_apis, _clients, _ => string.Join(Environment.NewLine, ApiErrors));
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

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _redis?.Dispose();
        var pidFile = Path.Combine(_dir, "redis.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid))
        {
            try
            {
                using var redis = Process.GetProcessById(pid);
                redis.Kill();
            }
            catch (ArgumentException)
            {
            }
        }
    }

    private string Token(Guid id, string role, Guid? community) => _tokens.CreateAccessToken(
    [
        new Claim(PointsClaims.Subject, id.ToString()),
        new Claim(PointsClaims.Role, role),
        new Claim(PointsClaims.Town, PointsApiFactory.DemoTownId.ToString()),
        .. community is { } c ? new[] { new Claim(PointsClaims.Community, c.ToString()) } : [],
    ]);

    private async Task<Guid> PublishAsync()
    {
        var staffToken = Token(DemoSeeder.StableId("user:staff-dongshan"), "CommunityStaff", PointsApiFactory.DongshanId);
        var now = DateTimeOffset.UtcNow;
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/activities")
        {
            Content = JsonContent.Create(new
            {
                title = "抢报测试巡河",
                category = "RiverPatrol",
                startsAt = now.AddDays(2),
                endsAt = now.AddDays(2).AddHours(2),
                signUpOpensAt = now.AddHours(-1),
                capacity = Capacity,
                points = 10,
                eligibility = "Anyone",
            }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staffToken);
        var created = await _clients[0].SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/publish");
        publish.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staffToken);
        Assert.Equal(HttpStatusCode.OK, (await _clients[1].SendAsync(publish)).StatusCode);
        return id;
    }

    private sealed record Attempt(Guid Resident, HttpStatusCode Status, string? Code);

    /// <summary>5,000 attempts: the first 1,000 residents try three times, the other 1,000 twice, in a shuffled order.</summary>
    private async Task<List<Attempt>> RushAsync(Guid activityId, Func<Attempt, Task>? onResult = null)
    {
        var tokens = _residents.Select(r => Token(r, "Resident", PointsApiFactory.DongshanId)).ToArray();
        var plan = Enumerable.Range(0, ResidentCount).SelectMany(i => Enumerable.Repeat(i, i < 1000 ? 3 : 2)).ToArray();
        new Random(42).Shuffle(plan);
        var results = new ConcurrentBag<Attempt>();
        await Task.WhenAll(plan.Select((resident, n) => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{activityId}/signups");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[resident]);
            using var response = await _clients[n % _clients.Count].SendAsync(request);
            string? code = null;
            if (response.StatusCode != HttpStatusCode.Created)
            {
                var text = await response.Content.ReadAsStringAsync();
                code = text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : text : text;
            }

            var attempt = new Attempt(_residents[resident], response.StatusCode, code);
            results.Add(attempt);
            if (onResult is not null)
            {
                await onResult(attempt);
            }
        })));
        return [.. results];
    }

    private async Task<HashSet<Guid>> DatabaseMembersAsync(Guid activityId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT resident_id FROM sign_ups WHERE activity_id = @id AND status = 'Active'", connection);
        query.Parameters.AddWithValue("id", activityId);
        var members = new HashSet<Guid>();
        var total = 0;
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                members.Add(reader.GetGuid(0));
                total++;
            }
        }

        Assert.Equal(members.Count, total);
        await using var taken = new NpgsqlCommand("SELECT taken FROM activities WHERE id = @id", connection);
        taken.Parameters.AddWithValue("id", activityId);
        Assert.Equal(members.Count, (int)(await taken.ExecuteScalarAsync())!);
        return members;
    }

    /// <summary>
    /// With <paramref name="restarted"/>, one answer is tolerated that a steady Redis never gives: a
    /// state rebuilt while admissions were in flight can overstate the places for a moment, so a
    /// resident's retry may hear "duplicate" while their first attempt is then refused "full" by the
    /// database guard. They are told no place either way; nobody is oversold or loses a place.
    /// </summary>
    private static readonly ConcurrentQueue<string> ApiErrors = new();

    /// <summary>Keeps the API processes' error log lines so a failed assertion can show why.</summary>
    private static void KeepErrors(string? line)
    {
        if (line is not null && (line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)) && ApiErrors.Count < 20)
        {
            ApiErrors.Enqueue(line.Length > 3000 ? line[..3000] : line);
        }
    }

    private static void AssertAnswers(List<Attempt> attempts, HashSet<Guid> members, bool restarted = false)
    {
        Assert.Equal(5000, attempts.Count);
        var admitted = attempts.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Resident).ToList();
        Assert.Equal(Capacity, admitted.Count);
        Assert.Equal(Capacity, admitted.Distinct().Count());
        Assert.True(members.SetEquals(admitted), "every admitted sign-up is in the database and nothing else is");
        foreach (var other in attempts.Where(a => a.Status != HttpStatusCode.Created))
        {
            Assert.True(other.Status == HttpStatusCode.Conflict, $"{(int)other.Status} {other.Code}; API errors: {string.Join(Environment.NewLine, ApiErrors)}");
            var refusedInFlight = restarted && attempts.Any(a => a.Resident == other.Resident && a.Code == "activity.full");
            Assert.True(other.Code == "activity.full" || (other.Code == "signup.duplicate" && (members.Contains(other.Resident) || refusedInFlight)), other.Code);
        }
    }

    private async Task AssertRedisAgreesAsync(Guid activityId, HashSet<Guid> members)
    {
        var store = new RedisQuotaStore(_redis!, "rush:", TimeProvider.System);
        QuotaSnapshot? snapshot = null;
        for (var i = 0; i < 100; i++)
        {
            snapshot = await store.ReadAsync(activityId);
            if (snapshot is not null && snapshot.Members.SetEquals(members) && snapshot.Remaining == Capacity - members.Count)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Redis disagrees with the database: {snapshot?.Members.Count} members, {snapshot?.Remaining} remaining");
    }

    [Fact]
    public async Task Rush_ThreeInstances5000AttemptsFor30Places_ExactlyThirtyThenAgainWithRedisRestartedMidway()
    {
        var first = await PublishAsync();
        var attempts = await RushAsync(first);
        var members = await DatabaseMembersAsync(first);
        AssertAnswers(attempts, members);
        await AssertRedisAgreesAsync(first, members);

        var second = await PublishAsync();
        var admittedSoFar = 0;
        Task? restart = null;
        var restarted = await RushAsync(second, a =>
        {
            if (a.Status == HttpStatusCode.Created && Interlocked.Increment(ref admittedSoFar) == 10)
            {
                restart = RestartRedisAsync();
            }

            return Task.CompletedTask;
        });
        Assert.NotNull(restart);
        await restart;
        var afterRestart = await DatabaseMembersAsync(second);
        AssertAnswers(restarted, afterRestart, restarted: true);
        await AssertRedisAgreesAsync(second, afterRestart);
    }
}
