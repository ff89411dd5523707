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
        "INSERT INTO users (id, role, display_name, town_id, community_id, we_chat_open_id, failed_login_count, created_at, honor_roll_opt_out, is_active) "
        + "SELECT id, 'Resident', '压测居民', @town, @community, 'bench-' || id::text, 0, now(), false, true FROM unnest(@ids) AS id", c);
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

Console.WriteLine($"sign-up benchmark: {Connections} connections, {seconds} s per scenario after 2 s warm-up, {Environment.ProcessorCount} cores shared by load generator, API, PostgreSQL and Redis");
var plain = await RunAsync("GET /healthz", () => new HttpRequestMessage(HttpMethod.Get, "/healthz"));
var rejected = await RunAsync("sign-up, full activity", () =>
{
    var m = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{full}/signups");
    m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residentTokens[Random.Shared.Next(Residents - 1)]);
    return m;
});
var admitted = await RunAsync("sign-up, open activity", () =>
{
    var i = Interlocked.Increment(ref next) % (Residents - 1);
    var m = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{open}/signups");
    m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residentTokens[i]);
    return m;
}, maxRequests: 9_000);
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
