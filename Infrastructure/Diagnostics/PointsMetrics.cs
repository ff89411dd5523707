using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Notifications;
using Points.Infrastructure.Persistence;
using StackExchange.Redis;

namespace Points.Infrastructure.Diagnostics;

/// <summary>
/// The application's own metrics (meter <see cref="MeterName"/>), exported by the API at <c>/metrics</c>. Counters are
/// added where the change commits; the gauges are read when a scraper asks (the outbox ones at most every 5 s).
/// </summary>
public sealed class PointsMetrics : IDisposable
{
    public const string MeterName = "Points";

    private static readonly TimeSpan OutboxSampleLifetime = TimeSpan.FromSeconds(5);

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _signUps;
    private readonly Counter<long> _redemptions;
    private readonly Counter<long> _redeemedPoints;
    private readonly Counter<long> _refunds;
    private readonly Counter<long> _jobRuns;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly Lock _sampleLock = new();
    private (DateTimeOffset At, long Backlog, double OldestAgeSeconds)? _outbox;

    public PointsMetrics(IServiceScopeFactory scopes, TimeProvider clock, IServiceProvider services)
    {
        _scopes = scopes;
        _clock = clock;
        _signUps = _meter.CreateCounter<long>("points.signups", "{attempt}", "Sign-up attempts: outcome admitted or refused, reason the refusal code");
        _redemptions = _meter.CreateCounter<long>("points.redemptions", "{redemption}", "Merchant redemptions committed (replays not counted)");
        _redeemedPoints = _meter.CreateCounter<long>("points.redemptions.points", "{point}", "Points spent at merchants");
        _refunds = _meter.CreateCounter<long>("points.refunds", "{refund}", "Redemptions refunded");
        _jobRuns = _meter.CreateCounter<long>("points.jobs.runs", "{run}", "Scheduled job runs on this instance: outcome succeeded or failed");
        _meter.CreateObservableGauge("points.outbox.backlog", () => SampleOutbox().Backlog, "{notification}",
            "Notifications waiting to be sent (pending or failed and due again)");
        _meter.CreateObservableGauge("points.outbox.oldest_age", () => SampleOutbox().OldestAgeSeconds, "s",
            "Age of the oldest notification waiting to be sent (0 when none)");
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            _meter.CreateObservableGauge("points.redis.connected", () => redis.IsConnected ? 1 : 0, null,
                "1 while the Redis connection is up, 0 while the client is reconnecting");
        }
    }

    public void SignUpAdmitted() => _signUps.Add(1, new("outcome", "admitted"), new("reason", "none"));

    public void SignUpRefused(string code) => _signUps.Add(1, new("outcome", "refused"), new("reason", code));

    public void Redeemed(long points)
    {
        _redemptions.Add(1);
        _redeemedPoints.Add(points);
    }

    public void Refunded() => _refunds.Add(1);

    public void JobRan(string job, bool succeeded) => _jobRuns.Add(1, new("job", job), new("outcome", succeeded ? "succeeded" : "failed"));

    private (long Backlog, double OldestAgeSeconds) SampleOutbox()
    {
        lock (_sampleLock)
        {
            var now = _clock.GetUtcNow();
            if (_outbox is { } s && now - s.At < OutboxSampleLifetime && now >= s.At)
            {
                return (s.Backlog, s.OldestAgeSeconds);
            }

            // Gauges are read synchronously by the exporter; a scrape is rare and the query is one indexed aggregate.
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<PointsDbContext>();
            var waiting = db.Notifications.AsNoTracking()
                .Where(n => n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Failed);
            var backlog = waiting.LongCount();
            var oldest = backlog == 0 ? (DateTimeOffset?)null : waiting.Min(n => (DateTimeOffset?)n.CreatedAt);
            var age = oldest is { } o ? Math.Max(0, (now - o).TotalSeconds) : 0;
            _outbox = (now, backlog, age);
            return (backlog, age);
        }
    }

    public void Dispose() => _meter.Dispose();
}
