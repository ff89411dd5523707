using Microsoft.Extensions.Configuration;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Security;

public sealed class ForwardedHeaderTests(NoProxyFactory factory) : IClassFixture<NoProxyFactory>
{
    [Fact]
    public async Task ForwardedFor_FromUnconfiguredPeer_IsIgnored_SoChangingItDoesNotDodgeTheLimit()
    {
        for (var i = 0; i < NoProxyFactory.PasswordPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientFrom($"203.0.113.{i + 1}").PostAsJsonAsync("/api/auth/staff", new { username = $"nobody{i}", password = "x" })).StatusCode);
        }

        var limited = await factory.ClientFrom("203.0.113.250").PostAsJsonAsync("/api/auth/staff", new { username = "nobody-last", password = "x" });

        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "auth.rate_limited");
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public void ReverseProxy_BadCidr_RefusesToStartWithTheSettingNamed()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ReverseProxy:KnownNetworks"] = "10.0.0.0/8, not-a-network" }).Build();

        Assert.Contains("ReverseProxy:KnownNetworks", Points.Api.Http.ReverseProxy.Read(configuration).Error);
    }
}
