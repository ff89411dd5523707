using Npgsql;

namespace Points.Api.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and Redis that scripts/test.sh starts. Tests fail (never skip) when they are
/// missing, so a green run always means the real servers were exercised.
/// </summary>
public static class TestServers
{
    public static string PostgresBase => Environment.GetEnvironmentVariable("POINTS_TEST_PG") is { Length: > 0 } pg
        ? pg
        : throw new InvalidOperationException("POINTS_TEST_PG is not set: run the tests with scripts/test.sh, which starts PostgreSQL and Redis.");

    public static string Redis => Environment.GetEnvironmentVariable("POINTS_TEST_REDIS") is { Length: > 0 } redis
        ? redis
        : throw new InvalidOperationException("POINTS_TEST_REDIS is not set: run the tests with scripts/test.sh, which starts PostgreSQL and Redis.");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..16];
        var builder = new NpgsqlConnectionStringBuilder(PostgresBase);
        using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        builder.Database = name;
        return builder.ConnectionString;
    }
}
