using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Foundation;

public sealed class JobLeaseTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private sealed class OverlapProbe : IntervalJob
    {
        private int _running;

        public override string Name { get; } = "probe-" + Guid.NewGuid().ToString("N")[..8];

        public override TimeSpan Interval => TimeSpan.Zero;

        public int Runs;

        public int Overlaps;

        public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _running) > 1)
            {
                Interlocked.Increment(ref Overlaps);
            }

            await Task.Delay(20, ct);
            Interlocked.Increment(ref Runs);
            Interlocked.Decrement(ref _running);
        }
    }

    private JobScheduler NewHost(string holder, IScheduledJob job) =>
        new(factory.Services.GetRequiredService<IServiceScopeFactory>(), [job], Options.Create(new SchedulerOptions { InstanceId = holder }), factory.Clock,
            factory.Services.GetRequiredService<Points.Infrastructure.Diagnostics.PointsMetrics>(), NullLogger<JobScheduler>.Instance);

    [Fact]
    public async Task TwoHosts_RacingOnOneJob_NeverRunItTogether()
    {
        var job = new OverlapProbe();
        var a = NewHost("host-a", job);
        var b = NewHost("host-b", job);

        var attempts = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).RunOnceAsync(job, CancellationToken.None));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(0, job.Overlaps);
        Assert.Equal(results.Count(r => r), job.Runs);
        Assert.True(job.Runs >= 1);
    }

    [Fact]
    public async Task Lease_HeldByCrashedHost_IsTakenOverAfterExpiry()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var leases = scope.ServiceProvider.GetRequiredService<JobLeaseStore>();
        var name = "takeover-" + Guid.NewGuid().ToString("N")[..8];

        Assert.True(await leases.TryAcquireAsync(name, "crashed", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.False(await leases.TryAcquireAsync(name, "survivor", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.True(await leases.TryAcquireAsync(name, "crashed", TimeSpan.FromMinutes(5), CancellationToken.None));

        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        try
        {
            Assert.True(await leases.TryAcquireAsync(name, "survivor", TimeSpan.FromMinutes(5), CancellationToken.None));
            var holder = await scope.ServiceProvider.GetRequiredService<PointsDbContext>().JobLeases.AsNoTracking().Where(l => l.Name == name).Select(l => l.Holder).SingleAsync();
            Assert.Equal("survivor", holder);
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromMinutes(6));
        }
    }

    [Fact]
    public async Task IntervalJob_RunsOncePerInterval_AcrossHosts()
    {
        var job = new HourlyProbe();
        var a = NewHost("hourly-a", job);
        var b = NewHost("hourly-b", job);

        Assert.True(await a.RunOnceAsync(job, CancellationToken.None));
        Assert.False(await b.RunOnceAsync(job, CancellationToken.None));
        factory.Clock.Advance(TimeSpan.FromMinutes(61));
        try
        {
            Assert.True(await b.RunOnceAsync(job, CancellationToken.None));
            Assert.Equal(2, job.Runs);
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromMinutes(61));
        }
    }

    private sealed class HourlyProbe : IntervalJob
    {
        public override string Name { get; } = "hourly-" + Guid.NewGuid().ToString("N")[..8];

        public override TimeSpan Interval => TimeSpan.FromHours(1);

        public int Runs;

        public override Task RunAsync(IServiceProvider services, CancellationToken ct)
        {
            Runs++;
            return Task.CompletedTask;
        }
    }
}
