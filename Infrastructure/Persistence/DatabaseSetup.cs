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
                options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history"));
                break;
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider");
        }

        // Migrations are hand-written (no EF design package here), so there is no model snapshot
        // to compare against; the schema test compares the model with the migrated database instead.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException is { } inner && IsUniqueViolation(inner);

    public static bool IsCheckViolation(DbUpdateException ex) => ex.InnerException switch
    {
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
