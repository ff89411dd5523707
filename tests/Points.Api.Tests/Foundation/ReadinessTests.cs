using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

public sealed class RedisDownFactory : PointsApiFactory
{
    public RedisDownFactory()
    {
        // A loopback port nothing listens on: Redis is "configured but unreachable".
        Settings["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=200,abortConnect=false";
    }
}

/// <summary>
/// Starts normally (the API refuses to start without its database: the credit model loads at
/// startup), then the test takes the database away: connections refused, sessions terminated.
/// </summary>
public sealed class DatabaseDownFactory : PointsApiFactory
{
    public async Task SetDatabaseReachableAsync(bool reachable)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var admin = new Npgsql.NpgsqlConnection(TestServers.PostgresBase);
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = reachable
            ? $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS true"
            : $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'";
        await command.ExecuteNonQueryAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }
}

public sealed class RedisDownTests(RedisDownFactory factory) : IClassFixture<RedisDownFactory>
{
    [Fact]
    public async Task Readyz_RedisUnreachable_Returns503NamingRedis()
    {
        var response = await factory.CreateClient().GetAsync("/readyz");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service.not_ready");
        Assert.Equal("unreachable", problem.GetProperty("checks").GetProperty("redis").GetString());
        Assert.Equal("ok", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("Redis", problem.GetProperty("title").GetString());
    }
}

public sealed class DatabaseDownTests(DatabaseDownFactory factory) : IClassFixture<DatabaseDownFactory>
{
    [Fact]
    public async Task Readyz_DatabaseUnreachable_Returns503NamingDatabase()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        await factory.SetDatabaseReachableAsync(false);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync("/readyz");
        }
        finally
        {
            await factory.SetDatabaseReachableAsync(true);
        }

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service.not_ready");
        Assert.Equal("unreachable", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("数据库", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Healthz_DatabaseUnreachable_StillUp()
    {
        var client = factory.CreateClient();
        await factory.SetDatabaseReachableAsync(false);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            await factory.SetDatabaseReachableAsync(true);
        }
    }
}
