using System.Net.Sockets;
using Npgsql;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// Checks at startup that the configured PostgreSQL database answers, before EF touches it, and
/// creates the database when it is missing and the caller migrates (as EF's own migrate does). Every
/// failure becomes a <see cref="StartupException"/> naming <c>ConnectionStrings:Points</c>.
/// </summary>
public static class DatabaseBootstrap
{
    private const string Setting = "ConnectionStrings:Points";

    public static async Task EnsureAsync(InfrastructureChoice choice, bool createIfMissing, CancellationToken ct)
    {
        if (choice.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(choice.ConnectionString) { Pooling = false };
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"{Setting} is not a valid PostgreSQL connection string ({ex.Message}): fix it, e.g. Host=db;Database=points;Username=points;Password=….");
        }

        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(ct);
            return;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName && createIfMissing)
        {
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw Explain(ex, target);
        }

        await CreateAsync(target, ct);
    }

    /// <summary>
    /// Holds a session-level advisory lock on a connection of its own until disposed, so instances that
    /// start at once migrate one after the other: EF's own migration lock lets a second instance read the
    /// history before the first committed, and it then replays the same DDL (42P07 "already exists").
    /// Nothing on SQLite (one process owns the file).
    /// </summary>
    public static async Task<IAsyncDisposable?> LockMigrationsAsync(InfrastructureChoice choice, CancellationToken ct)
    {
        if (choice.Provider != DatabaseProvider.Postgres)
        {
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder(choice.ConnectionString) { Pooling = false, CommandTimeout = 0 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", connection);
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw Explain(ex, builder);
        }
    }

    /// <summary>The advisory lock key of migrations ("points-m" as bytes); closing the connection releases it.</summary>
    private const long MigrationLockKey = 0x706F696E74732D6D;

    /// <summary>
    /// CREATE DATABASE through the server's maintenance database. Several instances may race here:
    /// the losers see duplicate_database (42P04), or a unique violation on pg_database (23505).
    /// </summary>
    private static async Task CreateAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var name = target.Database!;
        foreach (var maintenance in new[] { "postgres", "template1" })
        {
            var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = maintenance };
            try
            {
                await using var connection = new NpgsqlConnection(admin.ConnectionString);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await command.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName && maintenance == "postgres")
            {
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new StartupException(
                    $"PostgreSQL database \"{name}\" does not exist and user \"{target.Username}\" may not create it ({Setting}): "
                    + $"create it (CREATE DATABASE \"{name}\" OWNER \"{target.Username}\") or grant the user CREATEDB.");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw Explain(ex, target);
            }
        }

        throw new StartupException(
            $"PostgreSQL database \"{name}\" does not exist and the server has neither a postgres nor a template1 database to create it from ({Setting}): create it by hand.");
    }

    private static StartupException Explain(Exception ex, NpgsqlConnectionStringBuilder target)
    {
        var where = $"{target.Host}:{target.Port}";
        return ex switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } => new StartupException(
                $"PostgreSQL at {where} refused the password of user \"{target.Username}\" ({Setting}): set the right Password in {Setting}."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } pg => new StartupException(
                $"PostgreSQL at {where} refused user \"{target.Username}\": {pg.MessageText} ({Setting}): fix Username in {Setting}, or the server's pg_hba.conf."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => new StartupException(
                $"PostgreSQL database \"{target.Database}\" does not exist ({Setting}): run the migrate verb (it creates it), set Points:MigrateOnStartup=true, or fix Database in {Setting}."),
            PostgresException pg => new StartupException(
                $"PostgreSQL at {where} refused the connection: {pg.SqlState} {pg.MessageText} ({Setting}): fix {Setting} or the server."),
            _ => new StartupException(
                $"cannot reach PostgreSQL at {where} ({Setting}): {Reason(ex)}. Start PostgreSQL, or fix Host and Port in {Setting}."),
        };
    }

    private static string Reason(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.Message;
            }

            if (e is TimeoutException)
            {
                return "no answer within the connection timeout";
            }
        }

        return ex.Message;
    }
}
