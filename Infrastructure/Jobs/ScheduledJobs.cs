using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Points.Infrastructure.Jobs;

/// <summary>
/// A job that must run on exactly one instance at a time (quota reconciliation, month-end summaries,
/// nightly re-scoring, the notification outbox). Register with <c>services.AddScheduledJob&lt;T&gt;()</c>.
/// </summary>
public interface IScheduledJob
{
    /// <summary>Lease name, unique per job.</summary>
    string Name { get; }

    /// <summary>The longest one run may take; the lease lasts this long.</summary>
    TimeSpan MaxDuration { get; }

    /// <summary>Whether a run is due, given the last completed run on any instance.</summary>
    bool IsDue(DateTimeOffset? lastRun, DateTimeOffset now);

    Task RunAsync(IServiceProvider services, CancellationToken ct);
}

/// <summary>A job due once per Asia/Shanghai day, from <see cref="RunAt"/> on (a missed day runs at the next chance).</summary>
public abstract class DailyJob : IScheduledJob
{
    public abstract string Name { get; }

    /// <summary>Shanghai time of day from which the day's run is due.</summary>
    public abstract TimeOnly RunAt { get; }

    public virtual TimeSpan MaxDuration => TimeSpan.FromMinutes(30);

    public bool IsDue(DateTimeOffset? lastRun, DateTimeOffset now)
    {
        var slot = Points.Domain.Common.ShanghaiTime.StartOfDay(Points.Domain.Common.ShanghaiTime.Today(now)).Add(RunAt.ToTimeSpan());
        return now >= slot && (lastRun is null || lastRun.Value < slot);
    }

    public abstract Task RunAsync(IServiceProvider services, CancellationToken ct);
}

/// <summary>A job that runs every <see cref="Interval"/>.</summary>
public abstract class IntervalJob : IScheduledJob
{
    public abstract string Name { get; }

    public abstract TimeSpan Interval { get; }

    public virtual TimeSpan MaxDuration => TimeSpan.FromMinutes(5);

    public bool IsDue(DateTimeOffset? lastRun, DateTimeOffset now) => lastRun is null || now - lastRun.Value >= Interval;

    public abstract Task RunAsync(IServiceProvider services, CancellationToken ct);
}

public sealed class SchedulerOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Identifies this instance in leases; defaults to machine name + process id + a random suffix.</summary>
    public string? InstanceId { get; set; }
}

/// <summary>Polls every job; an instance runs a job only while it holds the job's lease.</summary>
public sealed partial class JobScheduler(
    IServiceScopeFactory scopes,
    IEnumerable<IScheduledJob> jobs,
    IOptions<SchedulerOptions> options,
    TimeProvider clock,
    Diagnostics.PointsMetrics metrics,
    ILogger<JobScheduler> logger) : BackgroundService
{
    private readonly string _holder = Truncate(options.Value.InstanceId ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");

    private static string Truncate(string s) => s.Length <= 128 ? s : s[^128..];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _local = new();

    public string Holder => _holder;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            foreach (var job in jobs)
            {
                await RunOnceAsync(job, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes the job's lease, runs it if due, and frees the lease. Returns whether it ran.</summary>
    public async Task<bool> RunOnceAsync(IScheduledJob job, CancellationToken ct)
    {
        // The lease keeps other instances out; this keeps a second run on this instance out
        // (the lease is re-entrant for its holder so that a long run can renew it).
        var local = _local.GetOrAdd(job.Name, _ => new SemaphoreSlim(1, 1));
        if (!await local.WaitAsync(0, ct))
        {
            return false;
        }

        try
        {
            return await RunLeasedAsync(job, ct);
        }
        finally
        {
            local.Release();
        }
    }

    private async Task<bool> RunLeasedAsync(IScheduledJob job, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<JobLeaseStore>();
            if (!await leases.TryAcquireAsync(job.Name, _holder, job.MaxDuration, ct))
            {
                return false;
            }

            var ran = false;
            try
            {
                if (job.IsDue(await leases.LastRunAsync(job.Name, ct), clock.GetUtcNow()))
                {
                    using var runCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    runCts.CancelAfter(job.MaxDuration);
                    await job.RunAsync(scope.ServiceProvider, runCts.Token);
                    ran = true;
                    metrics.JobRan(job.Name, succeeded: true);
                    LogRan(logger, job.Name);
                }
            }
            finally
            {
                await leases.CompleteAsync(job.Name, _holder, ran, CancellationToken.None);
            }

            return ran;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            metrics.JobRan(job.Name, succeeded: false);
            LogFailed(logger, ex, job.Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "scheduled job {Job} ran")]
    private static partial void LogRan(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "scheduled job {Job} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string job);
}

public static class ScheduledJobServiceCollectionExtensions
{
    public static IServiceCollection AddScheduledJob<T>(this IServiceCollection services)
        where T : class, IScheduledJob
    {
        services.AddSingleton<T>();
        services.AddSingleton<IScheduledJob>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
