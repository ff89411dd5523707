// Sign-up load benchmark: one API process (Release build, Production settings, PostgreSQL + Redis),
// 64 keep-alive connections from an HttpClient load generator, three scenarios measured in the same
// run: GET /healthz (the plain-endpoint ceiling of this very app), sign-up attempts against a full
// activity (pure rejections: one Lua script, no database) and against an open activity (admissions:
// Lua script + one database transaction each). Prints requests/s, p50/p99 and the ratios.
//   bench/run-signup.sh starts the servers and passes POINTS_BENCH_PG / POINTS_BENCH_REDIS.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Infrastructure.Seeding;

var pgBase = Environment.GetEnvironmentVariable("POINTS_BENCH_PG") ?? throw new InvalidOperationException("POINTS_BENCH_PG is not set (use bench/run-signup.sh)");
var redis = Environment.GetEnvironmentVariable("POINTS_BENCH_REDIS") ?? throw new InvalidOperationException("POINTS_BENCH_REDIS is not set");
var root = Environment.GetEnvironmentVariable("POINTS_ROOT") ?? Directory.GetCurrentDirectory();
var seconds = int.Parse(Environment.GetEnvironmentVariable("POINTS_BENCH_SECONDS") ?? "8", CultureInfo.InvariantCulture);
const int Connections = 64;
const string SigningKey = "bench-signing-key-that-is-long-enough-0123456789";
var townId = DemoSeeder.StableId("town");
var dongshan = DemoSeeder.StableId("community:dongshan");

var dbName = "bench_" + Guid.NewGuid().ToString("N")[..10];
await using (var c = new NpgsqlConnection(pgBase))
{
    await c.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{dbName}\"", c);
    await create.ExecuteNonQueryAsync();
}

var cs = new NpgsqlConnectionStringBuilder(pgBase) { Database = dbName, MaxPoolSize = 64 }.ConnectionString;
var dll = Path.Combine(root, "artifacts", "bin", "Points.Api", "release", "Points.Api.dll");
var port = 5600 + Random.Shared.Next(300);
var env = new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["Database__Provider"] = "Postgres",
    ["ConnectionStrings__Points"] = cs,
    ["Redis__Configuration"] = redis,
    ["Redis__KeyPrefix"] = "bench:",
    ["Auth__SigningKey"] = SigningKey,
    ["WeChat__BaseUrl"] = "http://127.0.0.1:9",
    ["WeChat__AppId"] = "wx0000bench000000",
    ["WeChat__AppSecret"] = "bench-secret",
    ["Points__DataProtectionKey"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    ["WeChat__PublicBaseUrl"] = "https://points.example.test",
    ["WeChat__PushToken"] = "pushToken2026",
    ["WeChat__EncodingAesKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ["Points__DataDir"] = Path.GetTempPath(),
    ["Points__SeedDemo"] = "false",
    ["Logging__LogLevel__Default"] = "Warning",
};

Process Start(params string[] args)
{
    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(dll);
    foreach (var a in args)
    {
        psi.ArgumentList.Add(a);
    }

    foreach (var (k, v) in env)
    {
        psi.Environment[k] = v;
    }

    var p = Process.Start(psi)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, _) => { };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

using (var seed = Start("seed"))
{
    await seed.WaitForExitAsync();
}

const int Residents = 40_000;
var residents = Enumerable.Range(0, Residents).Select(_ => Guid.CreateVersion7()).ToArray();
await using (var c = new NpgsqlConnection(cs))
{
    await c.OpenAsync();
    await using var insert = new NpgsqlCommand(
        "INSERT INTO users (id, role, display_name, town_id, community_id, we_chat_open_id, created_at, honor_roll_opt_out, is_active) "
        + "SELECT id, 'Resident', '压测居民', @town, @community, 'bench-' || id::text, now(), false, true FROM unnest(@ids) AS id", c);
    insert.Parameters.AddWithValue("town", townId);
    insert.Parameters.AddWithValue("community", dongshan);
    insert.Parameters.AddWithValue("ids", residents);
    await insert.ExecuteNonQueryAsync();
}

var api = Start("--urls", $"http://127.0.0.1:{port}");
var tokens = new TokenService(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), new AuthOptions(), TimeProvider.System);
string Token(Guid id, string role) => tokens.CreateAccessToken(
[
    new Claim(PointsClaims.Subject, id.ToString()),
    new Claim(PointsClaims.Role, role),
    new Claim(PointsClaims.Town, townId.ToString()),
    new Claim(PointsClaims.Community, dongshan.ToString()),
]);
var residentTokens = residents.Select(r => Token(r, "Resident")).ToArray();

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromHours(1) })
{
    BaseAddress = new Uri($"http://127.0.0.1:{port}"),
};
for (var i = 0; ; i++)
{
    try
    {
        if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
        {
            break;
        }
    }
    catch (HttpRequestException) when (i < 300)
    {
    }

    await Task.Delay(100);
}

async Task<Guid> ActivityAsync(int capacity)
{
    var staff = Token(DemoSeeder.StableId("user:staff-dongshan"), "CommunityStaff");
    var now = DateTimeOffset.UtcNow;
    using var create = new HttpRequestMessage(HttpMethod.Post, "/api/activities")
    {
        Content = JsonContent.Create(new { title = "压测活动", category = "Other", startsAt = now.AddDays(2), endsAt = now.AddDays(2).AddHours(2), signUpOpensAt = now.AddHours(-1), capacity, points = 10, eligibility = "Anyone" }),
    };
    create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff);
    var id = (await (await client.SendAsync(create)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/publish");
    publish.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff);
    (await client.SendAsync(publish)).EnsureSuccessStatusCode();
    return id;
}

var full = await ActivityAsync(1);
using (var taker = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{full}/signups"))
{
    taker.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residentTokens[^1]);
    (await client.SendAsync(taker)).EnsureSuccessStatusCode();
}

var open = await ActivityAsync(10_000);
var next = -1;

async Task<(double Rps, double P50, double P99, long Requests, Dictionary<int, long> Statuses)> RunAsync(string name, Func<HttpRequestMessage> request, int maxRequests = int.MaxValue)
{
    // Warm-up, then the measured window.
    foreach (var (duration, measured) in new[] { (TimeSpan.FromSeconds(2), false), (TimeSpan.FromSeconds(seconds), true) })
    {
        var latencies = new List<double>[Connections];
        var statuses = new Dictionary<int, long>();
        long count = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var local = new Dictionary<int, long>();
            while (Stopwatch.GetTimestamp() < stopAt && Interlocked.Increment(ref count) <= maxRequests)
            {
                using var message = request();
                var t0 = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(message);
                await response.Content.LoadIntoBufferAsync();
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                local[(int)response.StatusCode] = local.GetValueOrDefault((int)response.StatusCode) + 1;
            }

            lock (statuses)
            {
                foreach (var (k, v) in local)
                {
                    statuses[k] = statuses.GetValueOrDefault(k) + v;
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!measured)
        {
            continue;
        }

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Pct(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        Console.WriteLine($"{name,-28} {all.Length / elapsed,10:F0} req/s   p50 {Pct(0.50),6:F2} ms   p99 {Pct(0.99),6:F2} ms   n={all.Length}   statuses {string.Join(' ', statuses.Select(s => $"{s.Key}:{s.Value}"))}");
        return (all.Length / elapsed, Pct(0.50), Pct(0.99), all.Length, statuses);
    }

    throw new InvalidOperationException();
}

var wrk = FindWrk();
Console.WriteLine($"sign-up benchmark: {Connections} connections, {seconds} s per scenario after 2 s warm-up, load from {(wrk is null ? "an in-process HttpClient" : "wrk")}, {Environment.ProcessorCount} cores shared by load generator, API, PostgreSQL and Redis");
(double Rps, double P50, double P99, long Requests, Dictionary<int, long> Statuses) plain, rejected, admitted;
if (wrk is not null)
{
    var tokensFile = Path.Combine(Path.GetTempPath(), $"points-bench-tokens-{Guid.NewGuid():N}.txt");
    await File.WriteAllLinesAsync(tokensFile, residentTokens[..^1]);
    plain = await WrkAsync(wrk, "GET /healthz", "GET", "/healthz", tokensFile);
    rejected = await WrkAsync(wrk, "sign-up, full activity", "POST", $"/api/activities/{full}/signups", tokensFile);
    admitted = await WrkAsync(wrk, "sign-up, open activity", "POST", $"/api/activities/{open}/signups", tokensFile);
    File.Delete(tokensFile);
}
else
{
    plain = await RunAsync("GET /healthz", () => new HttpRequestMessage(HttpMethod.Get, "/healthz"));
    rejected = await RunAsync("sign-up, full activity", () =>
    {
        var m = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{full}/signups");
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residentTokens[Random.Shared.Next(Residents - 1)]);
        return m;
    });
    admitted = await RunAsync("sign-up, open activity", () =>
    {
        var i = Interlocked.Increment(ref next) % (Residents - 1);
        var m = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{open}/signups");
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residentTokens[i]);
        return m;
    }, maxRequests: 9_000);
}
Console.WriteLine();
Console.WriteLine($"ratio full-activity rejections / plain endpoint: {rejected.Rps / plain.Rps:P0}  (target >= 50%), p99 {rejected.P99:F2} ms (target < 50 ms)");
Console.WriteLine($"ratio open-activity admissions / plain endpoint: {admitted.Rps / plain.Rps:P0}, p99 {admitted.P99:F2} ms");

await using (var c = new NpgsqlConnection(cs))
{
    await c.OpenAsync();
    await using var q = new NpgsqlCommand("SELECT count(*) FROM sign_ups WHERE activity_id = @id AND status = 'Active'", c);
    q.Parameters.AddWithValue("id", open);
    Console.WriteLine($"open activity: {await q.ExecuteScalarAsync()} sign-ups in the database after the run (201s: {admitted.Statuses.GetValueOrDefault(201)})");
}

api.Kill(entireProcessTree: true);
await api.WaitForExitAsync();
return 0;

static string? FindWrk() =>
    (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);

// wrk takes about a third of a core at these rates, far less than an in-process HttpClient, so the
// API keeps the CPU a real deployment would give it. Each request carries the next resident's token.
async Task<(double Rps, double P50, double P99, long Requests, Dictionary<int, long> Statuses)> WrkAsync(string wrkPath, string name, string method, string path, string tokensFile)
{
    var script = Path.Combine(Path.GetTempPath(), $"points-bench-{Guid.NewGuid():N}.lua");
    await File.WriteAllTextAsync(script, $$"""
        local tokens = {}
        for line in io.lines("{{tokensFile}}") do tokens[#tokens + 1] = line end
        local counter = 0
        local i = 0
        local statuses = {}
        function setup(thread) counter = counter + 1; thread:set("id", counter) end
        function init(args) i = (id or 1) * 7919 end
        function request()
          i = i + 1
          local headers = { ["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1], ["Content-Length"] = "0" }
          return wrk.format("{{method}}", "{{path}}", headers, "")
        end
        function response(status) statuses[status] = (statuses[status] or 0) + 1 end
        function done(summary, latency, requests)
          io.write(string.format("WRK rps=%.1f p50=%.3f p99=%.3f n=%d errors=%d\n", summary.requests / (summary.duration / 1e6),
            latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
            summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
        end
        """);
    string output = string.Empty;
    foreach (var duration in new[] { 2, seconds })
    {
        var psi = new ProcessStartInfo(wrkPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t2", $"-c{Connections}", $"-d{duration}s", "--timeout", "10s", "-s", script, $"http://127.0.0.1:{port}" })
        {
            psi.ArgumentList.Add(a);
        }

        using var run = Process.Start(psi)!;
        output = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
    }

    File.Delete(script);
    var line = output.Split('\n').First(l => l.StartsWith("WRK ", StringComparison.Ordinal));
    var values = line[4..].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));
    Console.WriteLine($"{name,-28} {values["rps"],10:F0} req/s   p50 {values["p50"],6:F2} ms   p99 {values["p99"],6:F2} ms   n={values["n"]}   non-2xx/errors {values["errors"]}");
    return (values["rps"], values["p50"], values["p99"], (long)values["n"], new Dictionary<int, long>());
}
