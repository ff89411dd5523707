using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Points.Domain.Activities;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Quotas;

/// <summary>Reads an activity's admission state from the database, the source of truth.</summary>
public sealed class QuotaStateReader(PointsDbContext db)
{
    /// <summary>Keys outlive the activity by a day, then Redis forgets them.</summary>
    public static DateTimeOffset ExpiresAt(Activity activity) => activity.EndsAt + TimeSpan.FromDays(1);

    public static QuotaState From(Activity activity, IReadOnlyCollection<Guid> members) =>
        new(activity.Id, activity.Capacity, activity.Status == ActivityStatus.Published, activity.SignUpOpensAt, activity.SignUpClosesAt, members, ExpiresAt(activity));

    public async Task<QuotaState?> ReadAsync(Guid activityId, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == activityId, ct);
        if (activity is null)
        {
            return null;
        }

        var members = activity.Status == ActivityStatus.Published
            ? await db.SignUps.AsNoTracking().Where(s => s.ActivityId == activityId && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync(ct)
            : [];
        return From(activity, members);
    }
}

/// <summary>
/// Rebuilds a missing quota state from the database under a short lock, so that after a Redis
/// restart exactly one request per activity and instance reads the database while the others wait.
/// </summary>
public sealed class QuotaRebuilder(IQuotaStore store, QuotaStateReader reader)
{
    public async Task EnsureLoadedAsync(Guid activityId, CancellationToken ct)
    {
        await using (var held = await store.TryLockAsync(activityId, TimeSpan.FromSeconds(5), ct))
        {
            if (held is not null)
            {
                if (await reader.ReadAsync(activityId, ct) is { } state)
                {
                    await store.LoadAsync(state, onlyIfMissing: true, ct);
                }

                return;
            }
        }

        // Someone else is rebuilding: wait for the state to appear (bounded).
        for (var i = 0; i < 40 && await store.ReadAsync(activityId, ct) is null; i++)
        {
            await Task.Delay(25, ct);
        }
    }
}

/// <summary>
/// Compares every open activity's quota state with the database and rewrites the ones that disagree
/// or are missing. Runs on one instance via the job lease, and once at startup.
/// </summary>
public sealed partial class QuotaReconciler(PointsDbContext db, IQuotaStore store, TimeProvider clock, ILogger<QuotaReconciler> logger)
{
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.Status == ActivityStatus.Published && a.EndsAt > now)
            .ToListAsync(ct);
        var repaired = 0;
        foreach (var activity in activities)
        {
            var members = await db.SignUps.AsNoTracking().Where(s => s.ActivityId == activity.Id && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync(ct);
            var snapshot = await store.ReadAsync(activity.Id, ct);
            if (snapshot is not null
                && snapshot.Capacity == activity.Capacity
                && snapshot.Open
                && snapshot.OpensAt == activity.SignUpOpensAt
                && snapshot.ClosesAt == activity.SignUpClosesAt
                && snapshot.Remaining == activity.Capacity - members.Count
                && snapshot.Members.SetEquals(members))
            {
                continue;
            }

            await store.LoadAsync(QuotaStateReader.From(activity, members), onlyIfMissing: false, ct);
            repaired++;
            LogRepaired(logger, activity.Id, snapshot is null ? "missing" : "different");
        }

        return repaired;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "quota state of activity {ActivityId} was {What}; rebuilt from the database")]
    private static partial void LogRepaired(ILogger logger, Guid activityId, string what);
}

public sealed class QuotaOptions
{
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool ReconcileOnStartup { get; set; } = true;
}

public sealed class QuotaReconcileJob(Microsoft.Extensions.Options.IOptions<QuotaOptions> options) : IntervalJob
{
    public override string Name => "quota-reconcile";

    public override TimeSpan Interval => options.Value.ReconcileInterval;

    public override TimeSpan MaxDuration => TimeSpan.FromMinutes(2);

    public override Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<QuotaReconciler>().ReconcileAsync(ct);
}

/// <summary>Rebuilds quota state once when the instance starts (a Redis that restarted with it starts empty).</summary>
public sealed partial class QuotaStartupReconcile(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<QuotaOptions> options, ILogger<QuotaStartupReconcile> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReconcileOnStartup)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<QuotaReconciler>().ReconcileAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "startup quota reconcile failed; the scheduled job and lazy rebuilds will repair it")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}

public static class QuotaServiceCollectionExtensions
{
    public static IServiceCollection AddQuotas(this IServiceCollection services, InfrastructureChoice choice, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.Configure<QuotaOptions>(configuration.GetSection("Quotas"));
        if (choice.UsesRedis)
        {
            services.AddSingleton<IQuotaStore>(sp => new RedisQuotaStore(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), choice.RedisKeyPrefix));
        }
        else
        {
            services.AddSingleton<IQuotaStore, InProcessQuotaStore>();
        }

        services.AddScoped<QuotaStateReader>();
        services.AddScoped<QuotaRebuilder>();
        services.AddScoped<QuotaReconciler>();
        services.AddScheduledJob<QuotaReconcileJob>();
        services.AddHostedService<QuotaStartupReconcile>();
        return services;
    }
}
