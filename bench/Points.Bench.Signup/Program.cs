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
// The warm-up must outlast tiered compilation: with 2 s, a fifth of the API's CPU in the measured window was the JIT
// (perf: the ".NET Tiered Com" thread) and a plain endpoint cost 4x its steady state; after ~16 s of load it settles.
var warmup = int.Parse(Environment.GetEnvironmentVariable("POINTS_BENCH_WARMUP") ?? "20", CultureInfo.InvariantCulture);
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
    ["Metrics__Enabled"] = Environment.GetEnvironmentVariable("POINTS_BENCH_METRICS") ?? "true",
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
    // The API logs at Warning: whatever it says (a failed start above all) is worth seeing beside the figures.
    var tag = $"api {string.Join(' ', args)}: ";
    p.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Console.Error.WriteLine(tag + line); } };
    p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Console.Error.WriteLine(tag + line); } };
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

var tokens = new TokenService(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), new AuthOptions(), TimeProvider.System);
string Token(Guid id, string role) => tokens.CreateAccessToken(
[
    new Claim(PointsClaims.Subject, id.ToString()),
    new Claim(PointsClaims.Role, role),
    new Claim(PointsClaims.Town, townId.ToString()),
    new Claim(PointsClaims.Community, dongshan.ToString()),
]);
var residentTokens = residents.Select(r => Token(r, "Resident")).ToArray();

var wrk = FindWrk();
var tokensFile = Path.Combine(Path.GetTempPath(), $"points-bench-tokens-{Guid.NewGuid():N}.txt");
await File.WriteAllLinesAsync(tokensFile, residentTokens[..^1]);

// The anchors, in this run, before the API starts so that nothing else competes: the project's own minimal
// Kestrel app (bench/Points.Bench.Anchor), plain text and one EVALSHA, driven by the same wrk and connections.
Run? anchorPlain = null, anchorRedis = null;
var anchorDll = Path.Combine(root, "artifacts", "bin", "Points.Bench.Anchor", "release", "Points.Bench.Anchor.dll");
if (wrk is not null && File.Exists(anchorDll))
{
    var anchorPort = port + 400;
    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(anchorDll);
    psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{anchorPort}";
    psi.Environment["ANCHOR_REDIS"] = redis;
    using var anchor = Process.Start(psi)!;
    anchor.OutputDataReceived += (_, _) => { };
    anchor.ErrorDataReceived += (_, _) => { };
    anchor.BeginOutputReadLine();
    anchor.BeginErrorReadLine();
    await WaitUntilUpAsync($"http://127.0.0.1:{anchorPort}/plaintext", anchor);

    anchorPlain = await WrkAsync(wrk, "anchor: plain Kestrel", "GET", "/plaintext", tokensFile, anchor, anchorPort);
    anchorRedis = await WrkAsync(wrk, "anchor: Kestrel + EVALSHA", "POST", "/redis", tokensFile, anchor, anchorPort);
    anchor.Kill(entireProcessTree: true);
    await anchor.WaitForExitAsync();
}

var api = Start("--urls", $"http://127.0.0.1:{port}");
using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromHours(1) })
{
    BaseAddress = new Uri($"http://127.0.0.1:{port}"),
};
await WaitUntilUpAsync($"http://127.0.0.1:{port}/healthz", api);

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

async Task<Run> RunAsync(string name, Func<HttpRequestMessage> request, int maxRequests = int.MaxValue)
{
    // Warm-up, then the measured window.
    foreach (var (duration, measured) in new[] { (TimeSpan.FromSeconds(warmup), false), (TimeSpan.FromSeconds(seconds), true) })
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
        return new Run(all.Length / elapsed, Pct(0.50), Pct(0.99), all.Length, statuses, double.NaN);
    }

    throw new InvalidOperationException();
}

if (Environment.GetEnvironmentVariable("POINTS_BENCH_METRICS_AB") == "1" && wrk is not null)
{
    // The cost of metrics on the rejection path: two API processes on the same database and Redis, one with metrics
    // and one without, measured in alternating short windows so that both see the same neighbours' load.
    var offPort = port + 1;
    env["Metrics__Enabled"] = "false";
    var apiOff = Start("--urls", $"http://127.0.0.1:{offPort}");
    env["Metrics__Enabled"] = "true";
    await WaitUntilUpAsync($"http://127.0.0.1:{offPort}/healthz", apiOff);

    var rejection = $"/api/activities/{full}/signups";
    await WrkAsync(wrk, "warm-up, metrics on", "POST", rejection, tokensFile, api);
    await WrkAsync(wrk, "warm-up, metrics off", "POST", rejection, tokensFile, apiOff, offPort);
    var rounds = int.Parse(Environment.GetEnvironmentVariable("POINTS_BENCH_AB_ROUNDS") ?? "8", CultureInfo.InvariantCulture);
    var withMetrics = new List<Run>();
    var withoutMetrics = new List<Run>();
    for (var r = 1; r <= rounds; r++)
    {
        withMetrics.Add(await WrkAsync(wrk, $"round {r}, metrics on", "POST", rejection, tokensFile, api, warmupSeconds: 1, measureSeconds: 5));
        withoutMetrics.Add(await WrkAsync(wrk, $"round {r}, metrics off", "POST", rejection, tokensFile, apiOff, offPort, warmupSeconds: 1, measureSeconds: 5));
    }

    static double MedianOf(IEnumerable<double> xs)
    {
        var sorted = xs.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    Console.WriteLine(Summary("sign-up rejections, metrics on (median of rounds)", MedianOf(withMetrics.Select(x => x.Rps)), "req/s", "metrics off", MedianOf(withoutMetrics.Select(x => x.Rps))));
    Console.WriteLine(Summary("sign-up rejection server CPU, metrics on (median of rounds)", MedianOf(withMetrics.Select(x => x.CpuUs)), "us/request", "metrics off", MedianOf(withoutMetrics.Select(x => x.CpuUs))));
    Console.WriteLine(Summary("sign-up rejections p99, metrics on (median of rounds)", MedianOf(withMetrics.Select(x => x.P99)), "ms", "metrics off", MedianOf(withoutMetrics.Select(x => x.P99))));
    apiOff.Kill(entireProcessTree: true);
    await apiOff.WaitForExitAsync();
}

Console.WriteLine($"metrics (OpenTelemetry, /metrics): {(env["Metrics__Enabled"] == "false" ? "off" : "on")}");
Console.WriteLine($"sign-up benchmark: {Connections} connections, {seconds} s per scenario after {warmup} s warm-up, load from {(wrk is null ? "an in-process HttpClient" : "wrk")}, {Environment.ProcessorCount} cores shared by load generator, API, PostgreSQL and Redis");
Run plain, rejected, admitted;
if (wrk is not null)
{
    plain = await WrkAsync(wrk, "GET /healthz", "GET", "/healthz", tokensFile, api);
    rejected = await WrkAsync(wrk, "sign-up, full activity", "POST", $"/api/activities/{full}/signups", tokensFile, api);
    admitted = await WrkAsync(wrk, "sign-up, open activity", "POST", $"/api/activities/{open}/signups", tokensFile, api);
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
File.Delete(tokensFile);
Console.WriteLine();
if (anchorPlain is { } ap && anchorRedis is { } ar)
{
    Console.WriteLine(Summary("sign-up rejections", rejected.Rps, "req/s", "plain Kestrel", ap.Rps));
    Console.WriteLine(Summary("sign-up rejections", rejected.Rps, "req/s", "Kestrel + one EVALSHA", ar.Rps));
    Console.WriteLine(Summary("sign-up rejections p99", rejected.P99, "ms", "plain Kestrel p99", ap.P99));
    Console.WriteLine(Summary("sign-up rejection server CPU", rejected.CpuUs, "us/request", "Kestrel + one EVALSHA", ar.CpuUs));
}
else
{
    Console.WriteLine(Summary("sign-up rejections", rejected.Rps, "req/s", "the app's own /healthz", plain.Rps));
}

return 0;

// Polls until the server answers (up to 120 s: a start on a loaded host can take a minute); a server that exits fails at once.
static async Task WaitUntilUpAsync(string url, Process server)
{
    using var probe = new HttpClient();
    for (var i = 0; ; i++)
    {
        try
        {
            if ((await probe.GetAsync(url)).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException) when (i < 1200 && !server.HasExited)
        {
        }

        await Task.Delay(100);
    }
}

static string Summary(string metric, double value, string unit, string anchor, double anchorValue) =>
    string.Create(CultureInfo.InvariantCulture, $"{metric}: {value:0.##} {unit}; anchor {anchor}: {anchorValue:0.##} {unit}; ratio {value / anchorValue:0.00}");

static string? FindWrk() =>
    (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);

// wrk takes about a third of a core at these rates, far less than an in-process HttpClient, so the
// API keeps the CPU a real deployment would give it. Each request carries the next resident's token.
async Task<Run> WrkAsync(string wrkPath, string name, string method, string path, string tokensFile, Process server, int? targetPort = null, int? warmupSeconds = null, int? measureSeconds = null)
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
    var cpu = TimeSpan.Zero;
    foreach (var duration in new[] { warmupSeconds ?? warmup, measureSeconds ?? seconds })
    {
        server.Refresh();
        var cpu0 = server.TotalProcessorTime;
        var psi = new ProcessStartInfo(wrkPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t2", $"-c{Connections}", $"-d{duration}s", "--timeout", "10s", "-s", script, $"http://127.0.0.1:{targetPort ?? port}" })
        {
            psi.ArgumentList.Add(a);
        }

        using var run = Process.Start(psi)!;
        output = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
        server.Refresh();
        cpu = server.TotalProcessorTime - cpu0;
    }

    File.Delete(script);
    var line = output.Split('\n').First(l => l.StartsWith("WRK ", StringComparison.Ordinal));
    var values = line[4..].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));
    // The server's own CPU per request (utime + stime): on a shared host it moves far less than the rate does.
    var cpuUs = cpu.TotalMicroseconds / Math.Max(1, values["n"]);
    Console.WriteLine($"{name,-28} {values["rps"],10:F0} req/s   p50 {values["p50"],6:F2} ms   p99 {values["p99"],6:F2} ms   n={values["n"]}   non-2xx/errors {values["errors"]}   server CPU {cpuUs:F1} us/request");
    return new Run(values["rps"], values["p50"], values["p99"], (long)values["n"], new Dictionary<int, long>(), cpuUs);
}

internal sealed record Run(double Rps, double P50, double P99, long Requests, Dictionary<int, long> Statuses, double CpuUs);
