using System.Text;
using Points.Api.Http;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Foundation;

/// <summary>Control characters are refused at the edge with a field error, and huge page numbers are a 400, on both databases.</summary>
public abstract class ControlCharacterTestsBase<TFactory>(TFactory factory) where TFactory : PointsApiFactory
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertFieldRefusedAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.Equal(ControlCharacterGuard.Message, messages[0].GetString());
    }

    [Theory]
    [InlineData("/api/auth/staff", "{\"username\":\"a\\u0000\",\"password\":\"x\"}", "username")]
    [InlineData("/api/auth/staff", "{\"username\":\"admin\",\"password\":\"x\\u001b[0m\"}", "password")]
    [InlineData("/api/auth/token", "{\"clientId\":\"x\\u0000\",\"clientSecret\":\"s\"}", "clientId")]
    [InlineData("/api/auth/wechat", "{\"code\":\"\\u0007\"}", "code")]
    [InlineData("/api/auth/refresh", "{\"refreshToken\":\"r\\u0000\"}", "refreshToken")]
    public async Task Login_ControlCharacter_Returns400NamingTheField(string path, string body, string field)
    {
        var response = await factory.CreateClient().PostAsync(path, Json(body));

        await AssertFieldRefusedAsync(response, field);
    }

    [Fact]
    public async Task PatchMe_NulInDisplayName_Returns400AndStoresNothing()
    {
        var resident = await factory.ResidentAsync(3);
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/me") { Content = Json("{\"displayName\":\"王\\u0000五\"}") };

        var response = await resident.SendAsync(request);

        await AssertFieldRefusedAsync(response, "displayName");
        var me = await resident.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.DoesNotContain('\u0000', me.GetProperty("displayName").GetString()!);
    }

    [Fact]
    public async Task Query_ControlCharacter_Returns400NamingTheParameter()
    {
        var resident = await factory.ResidentAsync(3);

        var response = await resident.GetAsync("/api/activities?status=Published%00");

        await AssertFieldRefusedAsync(response, "status");
    }

    [Fact]
    public async Task BankLogin_ThreeRefusedThenValid_NextInnocentCallerAnswered()
    {
        var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await AssertFieldRefusedAsync(await client.PostAsync("/api/auth/token", Json("{\"clientId\":\"x\\u0000\",\"clientSecret\":\"s\"}")), "clientId");
        }

        var valid = await client.PostAsJsonAsync("/api/auth/token", new { clientId = DemoSeeder.DemoBankClientId, clientSecret = DemoSeeder.DemoBankSecret });
        var innocent = await client.PostAsJsonAsync("/api/auth/token", new { clientId = DemoSeeder.DemoBankClientId, clientSecret = DemoSeeder.DemoBankSecret });
        var staff = await client.PostAsJsonAsync("/api/auth/staff", new { username = "admin", password = DemoSeeder.DemoPassword });

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, innocent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
    }

    [Theory]
    [InlineData("/api/activities?page=2147483647&pageSize=100", "page")]
    [InlineData("/api/activities?page=10001", "page")]
    [InlineData("/api/activities?page=0", "page")]
    [InlineData("/api/activities?pageSize=2147483647", "pageSize")]
    [InlineData("/api/me/points?pageSize=2147483647", "pageSize")]
    [InlineData("/api/reviews?page=2147483647", "page")]
    [InlineData("/api/reviews?page=-1", "page")]
    public async Task Paging_OutOfRange_Returns400NamingTheParameter(string path, string field)
    {
        var client = path.StartsWith("/api/reviews", StringComparison.Ordinal) ? await factory.StaffAsync() : await factory.ResidentAsync(3);

        var response = await client.GetAsync(path);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Paging_LastAllowedPage_ReturnsEmptyPage()
    {
        var resident = await factory.ResidentAsync(3);

        var page = await resident.GetFromJsonAsync<JsonElement>($"/api/activities?page={Paging.MaxPage}&pageSize={Paging.MaxPageSize}");

        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.Equal(Paging.MaxPage, page.GetProperty("page").GetInt32());
    }
}

public sealed class ControlCharacterTests(PointsApiFactory factory)
    : ControlCharacterTestsBase<PointsApiFactory>(factory), IClassFixture<PointsApiFactory>;

public sealed class ControlCharacterSqliteTests(EmbeddedFactory factory)
    : ControlCharacterTestsBase<EmbeddedFactory>(factory), IClassFixture<EmbeddedFactory>;

/// <summary>The guard's JSON walk on its own: which strings it refuses and how it names them.</summary>
public sealed class ControlCharacterGuardTests
{
    [Theory]
    [InlineData("{\"a\":\"ok\",\"b\":\"x\\u0000\"}", "b")]
    [InlineData("{\"items\":[{\"name\":\"ok\"},{\"name\":\"\\u0001\"}]}", "items[1].name")]
    [InlineData("{\"n\":1,\"t\":[1,2,\"\\u001f\"]}", "t[2]")]
    [InlineData("{\"o\":{\"p\":{\"q\":\"\\u000b\"}}}", "o.p.q")]
    [InlineData("\"\\u0000\"", "body")]
    [InlineData("{\"k\\u0000\":1}", "k\\u0000")]
    public void FindInJson_RefusedCharacter_NamesThePath(string json, string expected)
    {
        Assert.Equal(expected, ControlCharacterGuard.FindInJson(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("{\"text\":\"line one\\nline two\\r\\n\\tindented\"}")]
    [InlineData("{\"text\":\"中文\\u4e2d\",\"n\":null,\"b\":true,\"a\":[]}")]
    [InlineData("{\"broken\":")]
    [InlineData("")]
    public void FindInJson_FreeTextOrMalformed_FindsNothing(string json)
    {
        Assert.Null(ControlCharacterGuard.FindInJson(Encoding.UTF8.GetBytes(json)));
    }
}
