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

public sealed class DatabaseDownFactory : PointsApiFactory
{
    public DatabaseDownFactory()
    {
        Settings["ConnectionStrings:Points"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=nothing;Timeout=1";
        Settings["Points:MigrateOnStartup"] = "false";
        Settings["Points:SeedDemo"] = "false";
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
        var response = await factory.CreateClient().GetAsync("/readyz");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service.not_ready");
        Assert.Equal("unreachable", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("数据库", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Healthz_DatabaseUnreachable_StillUp()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/healthz")).StatusCode);
    }
}
