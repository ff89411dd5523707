using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace Points.Infrastructure;

/// <summary>What the configuration chose, resolved once at startup.</summary>
public sealed record InfrastructureChoice(DatabaseProvider Provider, string ConnectionString, string? RedisConfiguration, string DataDir)
{
    /// <summary>Prefix of every Redis key this deployment writes (<c>Redis:KeyPrefix</c>), so tests and towns can share a server.</summary>
    public string RedisKeyPrefix { get; init; } = "points:";

    public bool UsesRedis => !string.IsNullOrWhiteSpace(RedisConfiguration);

    public bool IsEmbedded => Provider == DatabaseProvider.Sqlite || !UsesRedis;

    public static InfrastructureChoice From(IConfiguration configuration)
    {
        var options = configuration.GetSection(PointsOptions.Section).Get<PointsOptions>() ?? new PointsOptions();
        var dataDir = Path.GetFullPath(options.DataDir);
        var providerText = configuration["Database:Provider"];
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(providerText, ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new StartupException($"Database:Provider must be Sqlite or Postgres, not '{providerText}'.");
        }

        var connectionString = configuration.GetConnectionString("Points");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new StartupException("ConnectionStrings:Points is required when Database:Provider is Postgres: set it, e.g. Host=db;Database=points;Username=points;Password=….");
            }

            connectionString = $"Data Source={Path.Combine(dataDir, "points.db")}";
        }

        return new InfrastructureChoice(provider, connectionString, configuration["Redis:Configuration"], dataDir)
        {
            RedisKeyPrefix = configuration["Redis:KeyPrefix"] is { Length: > 0 } prefix ? prefix : "points:",
        };
    }
}

public static class DependencyInjection
{
    public static IServiceCollection AddPointsInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var choice = InfrastructureChoice.From(configuration);
        services.AddSingleton(choice);
        services.Configure<PointsOptions>(configuration.GetSection(PointsOptions.Section));
        services.Configure<SchedulerOptions>(configuration.GetSection("Scheduler"));
        services.Configure<Points.Domain.Credit.ModelActivationThresholds>(configuration.GetSection("Credit:Activation"));
        services.AddSingleton(TimeProvider.System);

        if (choice.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(choice.DataDir);
        }

        // Pooled: a sign-up rush resolves a context per request, and most requests never touch the database.
        services.AddSingleton<Audit.AuditInterceptor>();
        services.AddDbContextPool<PointsDbContext>((sp, o) =>
        {
            DatabaseSetup.Configure(o, choice.Provider, choice.ConnectionString);
            o.AddInterceptors(sp.GetRequiredService<Audit.AuditInterceptor>());
        });

        // HybridCache: in-process (L1) everywhere, and Redis (L2) shared by every instance when Redis is configured.
        services.AddHybridCache();
        if (choice.UsesRedis)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                // The client reconnects by itself (with backoff) and resends scripts the server lost; AbortOnConnectFail
                // = false lets the API start while Redis is down and keep answering "unknown" until it is back.
                var redis = ConfigurationOptions.Parse(choice.RedisConfiguration!);
                redis.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(redis);
            });
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<RedisCacheOptions>().Configure<IConnectionMultiplexer>((o, mux) =>
            {
                o.ConnectionMultiplexerFactory = () => Task.FromResult(mux);
                o.InstanceName = choice.RedisKeyPrefix + "cache:";
            });
        }

        services.AddSingleton<RateLimits.InProcessRateLimitCounter>();
        if (choice.UsesRedis)
        {
            services.AddSingleton<RateLimits.IRateLimitCounter>(sp => new RateLimits.RedisRateLimitCounter(sp.GetRequiredService<IConnectionMultiplexer>(), choice.RedisKeyPrefix,
                sp.GetRequiredService<RateLimits.InProcessRateLimitCounter>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RateLimits.RedisRateLimitCounter>>()));
        }
        else
        {
            services.AddSingleton<RateLimits.IRateLimitCounter>(sp => sp.GetRequiredService<RateLimits.InProcessRateLimitCounter>());
        }

        services.AddSingleton<Diagnostics.PointsMetrics>();
        services.AddScoped<LedgerService>();
        services.AddScoped<Residents.ResidentImportService>();
        services.AddScoped<Residents.ResidentDirectory>();
        services.AddScoped<Identity.LoginThrottleService>();
        services.AddScoped<EarningService>();
        services.AddScoped<RedemptionService>();
        services.AddScoped<AdjustmentService>();
        services.AddScoped<LedgerReports>();
        services.AddScoped<MerchantRedemptionHistory>();
        services.AddScoped<Administration.RegionAdministration>();
        services.AddScoped<Administration.StaffAdministration>();
        services.AddScoped<Administration.CommunityMoves>();
        services.AddScoped<Administration.TownProvisioning>();
        services.AddScoped<Administration.MerchantAdministration>();
        services.AddScoped<Administration.BankClientAdministration>();
        services.AddScoped<Administration.TownSettingsService>();
        services.AddScoped<Administration.SettlementService>();
        services.AddScoped<Market.MarketService>();
        services.AddScoped<Seeding.IDemoSeedContributor, MarketDemoSeed>();
        services.AddScoped<Coupons.CouponTemplateService>();
        services.AddScoped<Mediation.MediatorRegistry>();
        services.AddScoped<Mediation.MediationService>();
        services.AddScoped<Mediation.CaseLibrary>();
        services.AddScoped<Polls.PollService>();
        services.AddScoped<Polls.ProposalService>();
        services.AddScoped<Coupons.CouponIssuer>();
        services.AddScoped<Coupons.CouponRedemptionService>();
        services.AddScoped<Coupons.ResidentCoupons>();
        services.AddScheduledJob<Coupons.CouponIssueJob>();
        services.AddScoped<Premises.PremisesService>();
        services.AddScoped<Premises.PremisesMonthCloser>();
        services.AddScoped<Premises.PremisesReports>();
        services.AddScheduledJob<Premises.PremisesMonthCloseJob>();
        services.AddScheduledJob<PointsExpiryJob>();
        services.AddScheduledJob<Participation.AwardBackfillJob>();
        services.AddScheduledJob<Participation.HazardEscalationJob>();
        services.AddScoped<JobLeaseStore>();
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        services.AddSingleton<JobScheduler>();
        _ = environment;
        return services;
    }

    /// <summary>
    /// Opens the Redis connection at startup rather than inside the first request that needs it: the multiplexer
    /// connects synchronously, and no request should wait on that. Does nothing without Redis; a Redis that is
    /// down is retried in the background.
    /// </summary>
    /// <remarks>
    /// With <paramref name="required"/> (outside Development) a Redis that does not answer within the connect
    /// timeout stops the start with a <see cref="StartupException"/>: an instance without its shared quotas must not serve.
    /// </remarks>
    public static void ConnectRedis(IServiceProvider services, bool required)
    {
        if (services.GetService<IConnectionMultiplexer>() is { IsConnected: false } redis && required)
        {
            var endpoints = string.Join(", ", redis.GetEndPoints().Select(e => e.ToString()));
            throw new StartupException($"cannot reach Redis at {endpoints} (Redis:Configuration): start Redis, or fix Redis:Configuration.");
        }
    }

    /// <summary>Applies every pending migration (several instances may start at once: they take turns on an advisory lock).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        // A PostgreSQL database that does not exist yet is created first, as EF's own migrate would.
        var choice = services.GetRequiredService<InfrastructureChoice>();
        await DatabaseBootstrap.EnsureAsync(choice, createIfMissing: true, ct);
        await using var migrationLock = await DatabaseBootstrap.LockMigrationsAsync(choice, ct);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PointsDbContext>();
        if (db.IsSqlite)
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }

        // On a fresh PostgreSQL database EF probes the history table by reading it and logs the failed read as an
        // error (dotnet/efcore#37328): a false alarm in every first start's log. Creating the table first avoids it.
        if (db.Database.IsNpgsql()
            && !await db.Database.SqlQueryRaw<bool>("SELECT to_regclass('__ef_migrations_history') IS NOT NULL AS \"Value\"").SingleAsync(ct))
        {
            try
            {
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            }
            catch (Npgsql.PostgresException)
            {
                // Another instance created it at the same moment.
            }
        }

        await db.Database.MigrateAsync(ct);
    }
}
