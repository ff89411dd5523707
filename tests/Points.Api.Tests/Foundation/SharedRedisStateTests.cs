using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Points.Api.Tests.Foundation;

/// <summary>What instances share through Redis besides quotas and tokens: the data-protection key ring and the cache.</summary>
public sealed class SharedRedisStateTests
{
    [Fact]
    public async Task DataProtection_ProtectedOnOneInstance_UnprotectsOnAnother()
    {
        await using var first = new PointsApiFactory();
        await using var second = new PointsApiFactory();
        second.Settings["Redis:KeyPrefix"] = first.RedisKeyPrefix;

        var sealedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("antiforgery-test").Protect("积分 2026");
        var opened = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("antiforgery-test").Unprotect(sealedText);

        Assert.Equal("积分 2026", opened);
        var redis = first.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.True(await redis.ListLengthAsync(first.RedisKeyPrefix + Points.Api.ApiSetup.DataProtectionKeysKey) >= 1);
    }

    [Fact]
    public async Task HonorRoll_Served_IsCachedInRedisWithItsLifetime()
    {
        await using var factory = new PointsApiFactory();
        var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/public/communities/{PointsApiFactory.XihuId}/honor-roll?month=2026-11");
        var unknown = await anonymous.GetAsync($"/api/public/communities/{Guid.NewGuid()}/honor-roll?month=2026-11");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = $"{factory.RedisKeyPrefix}cache:honor-roll:{PointsApiFactory.XihuId}:2026-11";
        Assert.True(await redis.KeyExistsAsync(key));
        var ttl = await redis.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(61));
    }
}
