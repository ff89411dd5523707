using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

public sealed class HealthTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Healthz_Always_Returns200()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_WithPostgresAndRedis_ReportsBothOk()
    {
        var body = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/readyz");

        Assert.Equal("ok", body.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("redis").GetString());
    }
}
