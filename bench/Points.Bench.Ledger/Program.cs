using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// Redemptions per second and p99 against the real API (Kestrel, Release, Production, PostgreSQL +
// Redis), at several connection counts, compared with pgbench's TPC-B-like TPS measured by
// bench/run-ledger.sh on the same PostgreSQL in the same run.
//   dotnet Points.Bench.Ledger.dll --api http://127.0.0.1:5080 --signing-key KEY [--seconds 10]
//        [--connections 8,64] [--pgbench-tps 2500]
var options = Args.Parse(args);
var api = new Uri(options.Get("api", "http://127.0.0.1:5080"));
var signingKey = options.Get("signing-key", "");
var seconds = int.Parse(options.Get("seconds", "10"), CultureInfo.InvariantCulture);
var connections = options.Get("connections", "8,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var pgbenchTps = double.Parse(options.Get("pgbench-tps", "0"), CultureInfo.InvariantCulture);
var residentCount = 50;
var apiPid = int.Parse(options.Get("api-pid", "0"), CultureInfo.InvariantCulture);
var pgPid = int.Parse(options.Get("pg-pid", "0"), CultureInfo.InvariantCulture);

var town = StableId("town");
var merchantId = StableId("merchant:market");
var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey));
var merchantToken = Token(key, StableId("user:merchant-market"), "Merchant", town, null, merchantId);
var staffToken = Token(key, StableId("user:town-staff"), "TownStaff", town, null, null);
var residents = Enumerable.Range(1, residentCount).Select(n => (Id: StableId($"resident:{n}"), Token: Token(key, StableId($"resident:{n}"), "Resident", town, n % 2 == 1 ? StableId("community:dongshan") : StableId("community:xihu"), null))).ToList();

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };

// Give every demo resident enough points for the whole run, through the API (ledger-consistent).
var run = Guid.NewGuid().ToString("N")[..8];
await Parallel.ForEachAsync(residents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/points/adjustments") { Content = JsonContent.Create(new { residentId = r.Id, points = 5_000_000, reason = "压测备用积分" }) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staffToken);
    request.Headers.Add("Idempotency-Key", $"bench-topup-{run}-{r.Id}");
    using var response = await http.SendAsync(request, ct);
    response.EnsureSuccessStatusCode();
});

if (options.Get("probe", "") is { Length: > 0 } probePaths)
{
    // Where does the API's CPU go? The same loop on lighter endpoints, for comparison with a redemption.
    foreach (var path in probePaths.Split(','))
    {
        var (a0, n, t0) = (CpuMs(apiPid, false), 0, Stopwatch.GetTimestamp());
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            while (Stopwatch.GetElapsedTime(t0).TotalSeconds < 3)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", residents[w].Token);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref n);
            }
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe GET {path}: {n / 3.0:F0} req/s, api CPU {(CpuMs(apiPid, false) - a0) / Math.Max(1, n):F2} ms per request"));
    }
}

Console.WriteLine($"api {api}  residents {residentCount}  phase {seconds} s  pgbench tpcb-like c8: {pgbenchTps:F0} tps");
Console.WriteLine("connections\tredemptions/s\tp50 ms\tp99 ms\terrors\tratio to pgbench\tCPU ms per redemption: api / postgres / bench client");
var results = new List<string>();
var summaries = new List<string>();
var paycodeQueue = new System.Collections.Concurrent.ConcurrentQueue<string>();
var previousRate = double.Parse(options.Get("expected-rps", "400"), CultureInfo.InvariantCulture);
foreach (var c in connections)
{
    // Paycodes are single use and live 60 s: mint enough for the phase just before it (1.5x the last
    // measured rate; a phase that runs out reports its rate over the time it ran).
    var warmupSeconds = int.Parse(options.Get("warmup", "8"), CultureInfo.InvariantCulture);
    var estimate = Math.Max(2000, (int)((seconds + warmupSeconds) * previousRate * 1.5));
    var paycodes = paycodeQueue;
    paycodes.Clear();
    var perResident = (estimate / residentCount) + 1;
    await Parallel.ForEachAsync(residents, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (r, ct) =>
    {
        for (var i = 0; i < perResident; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/paycode");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Token);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            paycodes.Enqueue(body.GetProperty("code").GetString()!);
        }
    });

    // Warm up first (tiered JIT, connection pools, PostgreSQL plan caches): pgbench has nothing to warm.
    await Phase(warmupSeconds, new List<double>[c], c);
    var latencies = new List<double>[c];
    var (api0, pg0, client0) = (CpuMs(apiPid, false), CpuMs(pgPid, true), Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds);
    var started = Stopwatch.GetTimestamp();
    if (Environment.GetEnvironmentVariable("BENCH_PHASE_FILE") is { Length: > 0 } phaseFile)
    {
        // Lets a profiler (bench/run-ledger.sh with PERF=1) sample exactly the measured phase.
        File.WriteAllText(phaseFile, c.ToString(CultureInfo.InvariantCulture));
    }

    var errors = await Phase(seconds, latencies, c);
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    var count = Math.Max(1, all.Length);
    var cpu = string.Create(CultureInfo.InvariantCulture,
        $"{(CpuMs(apiPid, false) - api0) / count:F2} / {(CpuMs(pgPid, true) - pg0) / count:F2} / {(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - client0) / count:F2}");
    var rps = all.Length / elapsed;
    previousRate = Math.Max(rps, 100);
    var line = string.Create(CultureInfo.InvariantCulture,
        $"{c}\t{rps:F0}\t{Percentile(all, 0.50):F2}\t{Percentile(all, 0.99):F2}\t{errors}\t{(pgbenchTps > 0 ? rps / pgbenchTps : 0):P0}\t{cpu}");
    Console.WriteLine(line);
    results.Add(line);
    summaries.Add(string.Create(CultureInfo.InvariantCulture,
        $"redemptions at {c} connections: {rps:F0} req/s; anchor pgbench tpcb-like c8: {pgbenchTps:F0} tps; ratio {(pgbenchTps > 0 ? rps / pgbenchTps : 0):0.00}"));
    if (paycodes.IsEmpty)
    {
        Console.WriteLine($"  (paycodes ran out after {elapsed:F1} s; the rate above is over that time)");
    }
}

Console.WriteLine();
summaries.ForEach(Console.WriteLine);
return 0;

// utime+stime (+ reaped children for the postmaster, whose backends come and go) of a process and its children, in ms.
static double CpuMs(int pid, bool withChildren)
{
    if (pid <= 0)
    {
        return 0;
    }

    var pids = new List<int> { pid };
    if (withChildren)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var child) && Stat(child) is { } st && st.Length > 1 && st[1] == pid.ToString(CultureInfo.InvariantCulture))
            {
                pids.Add(child);
            }
        }
    }

    double ticks = 0;
    foreach (var p in pids)
    {
        if (Stat(p) is { } f && f.Length > 14)
        {
            ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)
                + (p == pid ? long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture) : 0);
        }
    }

    return ticks * 10.0;
}

// Fields of /proc/PID/stat after the command name: [0]=state, [1]=ppid, [11]=utime, [12]=stime, [13]=cutime, [14]=cstime.
static string[]? Stat(int pid)
{
    try
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return text[(text.LastIndexOf(')') + 2)..].Split(' ');
    }
    catch (IOException)
    {
        return null;
    }
    catch (UnauthorizedAccessException)
    {
        return null;
    }
}

async Task<int> Phase(int phaseSeconds, List<double>[] latencies, int callers)
{
    var errors = 0;
    var stopAt = Stopwatch.GetTimestamp() + (long)(phaseSeconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async w =>
    {
        latencies[w] = [];
        var n = 0;
        while (Stopwatch.GetTimestamp() < stopAt && paycodeQueue.TryDequeue(out var code))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/merchant/redemptions") { Content = JsonContent.Create(new { paycode = code, points = 1 + (n % 50), note = "压测" }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", merchantToken);
            request.Headers.Add("Idempotency-Key", $"bench-{run}-{callers}-{phaseSeconds}-{w}-{n++}");
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (response.StatusCode == System.Net.HttpStatusCode.Created)
            {
                latencies[w].Add(ms);
            }
            else
            {
                Interlocked.Increment(ref errors);
            }
        }
    }));
    return errors;
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

// Same derivation as DemoSeeder.StableId, so the bench knows the demo ids without a database connection.
static Guid StableId(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes("points-demo:" + name)).AsSpan(0, 16));

static string Token(SymmetricSecurityKey key, Guid subject, string role, Guid town, Guid? community, Guid? merchant)
{
    var claims = new List<Claim> { new("sub", subject.ToString()), new("role", role), new("town", town.ToString()) };
    if (community is { } c)
    {
        claims.Add(new Claim("community", c.ToString()));
    }

    if (merchant is { } m)
    {
        claims.Add(new Claim("merchant", m.ToString()));
    }

    var now = DateTime.UtcNow;
    return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "points",
        Audience = "points-clients",
        Subject = new ClaimsIdentity(claims),
        IssuedAt = now,
        NotBefore = now,
        Expires = now.AddHours(2),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });
}

internal sealed class Args
{
    private readonly Dictionary<string, string> _values = [];

    public static Args Parse(string[] args)
    {
        var parsed = new Args();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            parsed._values[args[i].TrimStart('-')] = args[i + 1];
        }

        return parsed;
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;
}
