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
/// Compares every open activity's quota state with the database and repairs it. A missing state is
/// loaded (unless a request rebuilt it meanwhile). A state that disagrees is rewritten only when
/// neither side moved during <see cref="QuietPeriod"/>: in the middle of a rush the two legitimately
/// differ for the milliseconds between an admission and its commit, and overwriting then would drop
/// in-flight admissions. Runs on one instance via the job lease, and once at startup.
/// </summary>
public sealed partial class QuotaReconciler(PointsDbContext db, IQuotaStore store, TimeProvider clock, ILogger<QuotaReconciler> logger)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    private sealed record Observation(Activity Activity, List<Guid> Members, QuotaSnapshot? Snapshot)
    {
        public bool Agrees => Snapshot is { } s
            && s.Capacity == Activity.Capacity
            && s.Open
            && s.OpensAt == Activity.SignUpOpensAt
            && s.ClosesAt == Activity.SignUpClosesAt
            && s.Remaining == Activity.Capacity - Members.Count
            && s.Members.SetEquals(Members);

        public bool SameAs(Observation other) =>
            other.Activity.Capacity == Activity.Capacity && other.Activity.Taken == Activity.Taken && other.Members.ToHashSet().SetEquals(Members)
            && other.Snapshot is { } o && Snapshot is { } s && o.Remaining == s.Remaining && o.Capacity == s.Capacity && o.Members.SetEquals(s.Members);
    }

    private async Task<Observation?> ObserveAsync(Guid id, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
        {
            return null;
        }

        var members = await db.SignUps.AsNoTracking().Where(s => s.ActivityId == id && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync(ct);
        return new Observation(activity, members, await store.ReadAsync(id, ct));
    }

    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ids = await db.Activities.AsNoTracking()
            .Where(a => a.Status == ActivityStatus.Published && a.EndsAt > now)
            .Select(a => a.Id)
            .ToListAsync(ct);
        var repaired = 0;
        var suspects = new List<Observation>();
        foreach (var id in ids)
        {
            if (await ObserveAsync(id, ct) is not { } seen || seen.Agrees)
            {
                continue;
            }

            if (seen.Snapshot is null)
            {
                if (await store.LoadAsync(QuotaStateReader.From(seen.Activity, seen.Members), onlyIfMissing: true, ct))
                {
                    repaired++;
                    LogRepaired(logger, id, "missing");
                }

                continue;
            }

            suspects.Add(seen);
        }

        if (suspects.Count == 0)
        {
            return repaired;
        }

        await Task.Delay(QuietPeriod, clock, ct);
        foreach (var before in suspects)
        {
            if (await ObserveAsync(before.Activity.Id, ct) is { } after && !after.Agrees && after.SameAs(before))
            {
                await store.LoadAsync(QuotaStateReader.From(after.Activity, after.Members), onlyIfMissing: false, ct);
                repaired++;
                LogRepaired(logger, after.Activity.Id, "different");
            }
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
            services.AddSingleton<IQuotaStore>(sp => new RedisQuotaStore(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), choice.RedisKeyPrefix, sp.GetRequiredService<TimeProvider>()));
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
