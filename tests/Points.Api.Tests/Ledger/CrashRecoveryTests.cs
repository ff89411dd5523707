using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Points.Domain.Ledger;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

/// <summary>
/// The real API as a child process (the Release build), killed from outside while its redemption commits, so it never
/// replies. No hook in the product: the test puts a deferred constraint trigger on the redemptions table that, at
/// COMMIT, waits for an advisory lock the test holds. Seeing the child's backend wait on that lock means every row of
/// the redemption is written and only the commit is left; the test then kills the child, releases the lock, and the
/// server finishes the commit on its own (PostgreSQL does not abandon a running COMMIT when its client goes away).
/// A second process gets the same request: the journal's unique key turns it into a replay, so exactly one transfer
/// exists and the receipt is the first one.
/// </summary>
public sealed class CrashRecoveryTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private const long GateLock = 20_021_975;

    [Fact]
    public async Task Redeem_ProcessDiesAfterCommit_RetryWithSameKeyMakesOneTransfer()
    {
        factory.Clock.Set(DateTimeOffset.UtcNow);
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var key = "crash-" + Guid.NewGuid();
        object body;

        var table = await factory.WithDbAsync(db => Task.FromResult(db.Model.FindEntityType(typeof(Redemption))!.GetTableName()!));
        await using (var gate = new NpgsqlConnection(factory.ConnectionString))
        {
            await gate.OpenAsync();
            await ExecuteAsync(gate, $"""
                CREATE FUNCTION crash_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock({GateLock}); RETURN NULL; END $$;
                CREATE CONSTRAINT TRIGGER crash_gate AFTER INSERT ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION crash_gate();
                SELECT pg_advisory_lock({GateLock});
                """);
            using (var crashing = await ApiProcess.StartAsync(factory))
            {
                // The pay code lives 60 s on the child's (real) clock: mint it once the child is up, since under load
                // the start alone can take longer than that.
                factory.Clock.Set(DateTimeOffset.UtcNow);
                body = new { paycode = await PaycodeAsync(resident), points = 25, note = "断电重试" };
                // No client timeout: under load the child may take long to reach the gate, and the gate's own deadline bounds the wait.
                var client = crashing.Client(merchant.DefaultRequestHeaders.Authorization!, Timeout.InfiniteTimeSpan);
                var reply = client.SendAsync(Post("/api/merchant/redemptions", body, key));
                await WaitForCommitAtGateAsync(gate, reply);
                crashing.Process.Kill(entireProcessTree: true);
                Assert.True(crashing.Process.WaitForExit(30_000));
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => reply);
            }

            await ExecuteAsync(gate, $"""SELECT pg_advisory_unlock({GateLock}); DROP TRIGGER crash_gate ON "{table}"; DROP FUNCTION crash_gate();""");
        }

        await WaitForRowAsync(residentId);
        var committed = await factory.WithDbAsync(db => db.Redemptions.AsNoTracking().SingleAsync(r => r.ResidentId == residentId));
        using var healthy = await ApiProcess.StartAsync(factory);
        var retry = await healthy.Client(merchant.DefaultRequestHeaders.Authorization!).SendAsync(Post("/api/merchant/redemptions", body, key));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var receipt = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(committed.Id, receipt.GetProperty("id").GetGuid());
        Assert.Equal(committed.JournalEntryId, receipt.GetProperty("journalEntryId").GetGuid());
        Assert.Equal(1, await factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.IdempotencyKey.EndsWith(":" + key))));
        Assert.Equal(75, await BalanceAsync(factory, residentId));
        await AssertLedgerConsistentAsync(factory);
        var (exitCode, output) = await ApiProcess.RunVerbAsync(factory, "ledger", "check");
        Assert.True(exitCode == 0, output);
        Assert.Contains("ledger check: OK", output);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Until a backend waits for the gate's lock (the redemption's commit has begun); fails if the reply comes first.</summary>
    private static async Task WaitForCommitAtGateAsync(NpgsqlConnection gate, Task<HttpResponseMessage> reply)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (reply.IsCompleted)
            {
                Assert.Fail($"the redemption replied before reaching the commit gate: {(reply.IsCompletedSuccessfully ? reply.Result.StatusCode.ToString() : reply.Exception?.GetBaseException().Message ?? "cancelled")}");
            }

            await using var command = new NpgsqlCommand($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = {GateLock % (1L << 32)}", gate);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the redemption never reached the commit gate");
    }

    /// <summary>The orphaned COMMIT finishes on the server once the gate opens.</summary>
    private async Task WaitForRowAsync(Guid residentId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await factory.WithDbAsync(db => db.Redemptions.AsNoTracking().AnyAsync(r => r.ResidentId == residentId)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the gated commit never completed");
            await Task.Delay(50);
        }
    }

    private sealed class ApiProcess : IDisposable
    {
        private ApiProcess(Process process, Uri address)
        {
            Process = process;
            Address = address;
        }

        public Process Process { get; }

        public Uri Address { get; }

        public HttpClient Client(AuthenticationHeaderValue auth, TimeSpan? timeout = null)
        {
            var client = new HttpClient { BaseAddress = Address, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = auth;
            return client;
        }

        /// <summary>Runs a command-line verb of the API executable (e.g. <c>ledger check</c>) against the factory's database.</summary>
        public static async Task<(int ExitCode, string Output)> RunVerbAsync(PointsApiFactory factory, params string[] verb)
        {
            var start = StartInfo(factory, [Dll(), .. verb]);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output + errors);
        }

        private static string Dll()
        {
            var dll = Path.Combine(RepoRoot(), "artifacts", "bin", "Points.Api", "release", "Points.Api.dll");
            Assert.True(File.Exists(dll), $"{dll} missing: build Release first (scripts/test.sh does)");
            return dll;
        }

        public static async Task<ApiProcess> StartAsync(PointsApiFactory factory)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var start = StartInfo(factory, [Dll()]);
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return await WaitHealthyAsync(process, port);
        }

        private static ProcessStartInfo StartInfo(PointsApiFactory factory, string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Points"] = factory.ConnectionString;
            start.Environment["Redis__Configuration"] = TestServers.Redis;
            start.Environment["Redis__KeyPrefix"] = factory.RedisKeyPrefix;
            start.Environment["Points__DataDir"] = factory.DataDir;
            start.Environment["Points__SeedDemo"] = "false";
            start.Environment["Auth__SigningKey"] = "test-signing-key-that-is-long-enough-0123456789";
            start.Environment["Scheduler__Enabled"] = "false";
            return start;
        }

        private static async Task<ApiProcess> WaitHealthyAsync(Process process, int port)
        {
            var address = new Uri($"http://127.0.0.1:{port}");
            using var probeClient = new HttpClient { BaseAddress = address };
            try
            {
                await ApiProcessHealth.WaitAllAsync([process], [probeClient], _ => string.Empty);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new ApiProcess(process, address);
        }

        private static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Points.sln not found above the test binaries");
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }
    }
}
