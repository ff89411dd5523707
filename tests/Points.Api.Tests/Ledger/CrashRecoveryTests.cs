using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

/// <summary>
/// The real API as a child process (the Release build), killed by a test-only fault flag right after
/// a redemption commits and before it replies. A second process gets the same request: the journal's
/// unique key turns it into a replay, so exactly one transfer exists and the receipt is the first one.
/// </summary>
public sealed class CrashRecoveryTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Redeem_ProcessDiesAfterCommit_RetryWithSameKeyMakesOneTransfer()
    {
        factory.Clock.Set(DateTimeOffset.UtcNow);
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);
        var key = "crash-" + Guid.NewGuid();
        var body = new { paycode = code, points = 25, note = "断电重试" };

        using (var crashing = await ApiProcess.StartAsync(factory, exitAfterCommit: true))
        {
            var client = crashing.Client(merchant.DefaultRequestHeaders.Authorization!);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.SendAsync(Post("/api/merchant/redemptions", body, key)));
            Assert.True(crashing.Process.WaitForExit(30_000));
            Assert.Equal(75, crashing.Process.ExitCode);
        }

        var committed = await factory.WithDbAsync(db => db.Redemptions.AsNoTracking().SingleAsync(r => r.ResidentId == residentId));
        using var healthy = await ApiProcess.StartAsync(factory, exitAfterCommit: false);
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

    private sealed class ApiProcess : IDisposable
    {
        private ApiProcess(Process process, Uri address)
        {
            Process = process;
            Address = address;
        }

        public Process Process { get; }

        public Uri Address { get; }

        public HttpClient Client(AuthenticationHeaderValue auth)
        {
            var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
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

        public static async Task<ApiProcess> StartAsync(PointsApiFactory factory, bool exitAfterCommit)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var start = StartInfo(factory, [Dll()]);
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["Points__Faults__ExitAfterRedemptionCommit"] = exitAfterCommit ? "true" : "false";
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
