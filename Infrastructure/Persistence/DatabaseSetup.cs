using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Points.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseSetup
{
    /// <summary>Configures the context for the chosen provider. MySQL would be one more case here.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                options.UseNpgsql(TunePostgres(connectionString), o => o.MigrationsHistoryTable("__ef_migrations_history"));
                break;
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider");
        }

        // The model snapshot is PostgreSQL's (see DesignTimeDbContextFactory), so on SQLite it differs from the
        // model in store types by design; and a branch's migration may land before the snapshot is regenerated.
        // Starting up must not fail on either: ModelSnapshotTests and SchemaTests hold the snapshot and the schema
        // to the model instead.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>
    /// Defaults for the hot paths, unless the connection string sets them: statements used twice are prepared on
    /// each pooled connection (PostgreSQL skips parse and plan), and a connection returned to the pool is not
    /// reset with DISCARD ALL (which would also drop those prepared statements). The application keeps no
    /// session state (no SET, temporary tables or advisory locks), so there is nothing to reset.
    /// </summary>
    public static string TunePostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException is { } inner && IsUniqueViolation(inner);

    public static bool IsCheckViolation(DbUpdateException ex) => ex.InnerException is { } inner && IsCheckViolation(inner);

    public static bool IsCheckViolation(Exception ex) => ex switch
    {
        DbUpdateException due => IsCheckViolation(due),
        PostgresException pg => pg.SqlState == PostgresErrorCodes.CheckViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 275,
        _ => false,
    };

    /// <summary>
    /// Failures of an overloaded or briefly unreachable database or Redis (pool exhausted, timeouts,
    /// SQLite busy, serialization conflicts): the request may succeed if retried, so callers get 503.
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        NpgsqlException npg when npg.IsTransient => true,
        PostgresException pg when pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.TooManyConnections => true,
        SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 => true,
        StackExchange.Redis.RedisException => true,
        Credit.CreditAuditUnavailableException => true,
        TimeoutException => true,
        DbUpdateException or InvalidOperationException when ex.InnerException is not null => IsTransient(ex.InnerException),
        _ => false,
    };

    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        DbUpdateException due => IsUniqueViolation(due),
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
