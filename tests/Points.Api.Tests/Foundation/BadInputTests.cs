using System.Net.Http.Headers;
using System.Text;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

/// <summary>Malformed requests get 4xx problem details with a stable code, never a 500.</summary>
public sealed class BadInputTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    public static TheoryData<string, string, string?, string, int, string> Cases => new()
    {
        // method, path, body, content type, expected status, expected code
        { "POST", "/api/auth/staff", "{\"username\":", "application/json", 400, "request.malformed" },
        { "POST", "/api/auth/staff", "{\"username\":5,\"password\":\"x\"}", "application/json", 400, "request.malformed" },
        { "POST", "/api/auth/staff", "{}", "application/json", 400, "validation.failed" },
        { "POST", "/api/auth/staff", "[1,2]", "application/json", 400, "request.malformed" },
        { "POST", "/api/auth/staff", "username=a", "application/x-www-form-urlencoded", 415, "request.unsupported_media_type" },
        { "POST", "/api/auth/staff", "x", "text/plain", 415, "request.unsupported_media_type" },
        { "POST", "/api/auth/wechat", "{\"code\":\"\"}", "application/json", 400, "validation.failed" },
        { "POST", "/api/auth/wechat", "{\"code\":null}", "application/json", 400, "validation.failed" },
        { "POST", "/api/auth/refresh", "{\"refreshToken\":12}", "application/json", 400, "request.malformed" },
        { "POST", "/api/auth/token", "{\"clientId\":\"a\"}", "application/json", 400, "validation.failed" },
        { "POST", "/api/auth/dev-token", "{\"role\":\"Emperor\",\"subject\":\"x\"}", "application/json", 400, "request.malformed" },
        { "POST", "/api/auth/dev-token", "{\"role\":\"Resident\"}", "application/json", 400, "validation.failed" },
        { "DELETE", "/api/auth/staff", null, "application/json", 405, "request.method_not_allowed" },
        { "GET", "/api/no-such-route", null, "application/json", 404, "route.not_found" },
        { "GET", "/api/communities/not-a-guid", null, "application/json", 404, "route.not_found" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_Malformed_ReturnsProblemWithCode(string method, string path, string? body, string contentType, int status, string code)
    {
        var client = await factory.StaffAsync("admin");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        var response = await client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Request_OversizedBody_Returns413()
    {
        var client = factory.CreateClient();
        var huge = "{\"username\":\"" + new string('a', 600 * 1024) + "\",\"password\":\"x\"}";

        var response = await client.PostAsync("/api/auth/staff", new StringContent(huge, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Fact]
    public async Task TownSettings_InvalidMarketDay_ReturnsValidationCode()
    {
        var client = await factory.StaffAsync("town-staff");

        var response = await client.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { marketDays = new[] { 0, 32 } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "town.market_days_invalid");
    }

    [Fact]
    public async Task TownSettings_TownStaffUpdates_CommunityStaffForbidden()
    {
        var town = await factory.StaffAsync("town-staff");
        var ok = await town.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { pointsPerYuan = 40, marketDays = new[] { 5, 25 } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(40, body.GetProperty("pointsPerYuan").GetInt32());
        Assert.Equal(2, body.GetProperty("marketDays").GetArrayLength());

        var community = await factory.StaffAsync("staff-dongshan");
        await ProblemAssert.IsProblemAsync(await community.PatchAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings", new { pointsPerYuan = 1 }), HttpStatusCode.Forbidden, "auth.forbidden");

        var other = await town.PatchAsJsonAsync($"/api/towns/{Guid.NewGuid()}/settings", new { pointsPerYuan = 10 });
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.NotFound, "town.not_found");
    }
}
