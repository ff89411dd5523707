using System.Net.Http.Headers;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Foundation;

public sealed class AuthTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task StaffLogin_WithDemoPassword_ReturnsTokensAndAccount()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/staff", new { username = "staff-dongshan", password = DemoSeeder.DemoPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
        Assert.InRange(body.GetProperty("expiresIn").GetInt32(), 15 * 60, 60 * 60);
        Assert.Equal("CommunityStaff", body.GetProperty("account").GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task StaffLogin_WrongPassword_Returns401InvalidCredentials()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/staff", new { username = "staff-xihu", password = "wrong" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "auth.invalid_credentials");
    }

    [Fact]
    public async Task StaffLogin_UnknownUser_LooksLikeWrongPassword()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/staff", new { username = "nobody-here", password = "x" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "auth.invalid_credentials");
    }

    [Fact]
    public async Task StaffLogin_FiveFailures_LocksOutEvenWithRightPassword_UntilLockExpires()
    {
        var client = factory.CreateClient();
        var subject = "lockout-" + Guid.NewGuid().ToString("N")[..8];
        await factory.ClientAsAsync(Role.CommunityStaff, subject);
        await factory.WithDbAsync(async db =>
        {
            var user = db.Users.Single(u => u.Username == subject);
            db.Entry(user).Property(u => u.PasswordHash).CurrentValue = Points.Infrastructure.Identity.SecretHasher.Hash("Right#2026", 1000);
            await db.SaveChangesAsync();
        });

        for (var i = 0; i < 4; i++)
        {
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/auth/staff", new { username = subject, password = "bad" }), HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        }

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/auth/staff", new { username = subject, password = "bad" }), HttpStatusCode.TooManyRequests, "auth.locked_out");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/auth/staff", new { username = subject, password = "Right#2026" }), HttpStatusCode.TooManyRequests, "auth.locked_out");

        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var ok = await client.PostAsJsonAsync("/api/auth/staff", new { username = subject, password = "Right#2026" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Refresh_RotatesToken_AndOldTokenReuseRevokesFamily()
    {
        var client = factory.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/staff", new { username = "town-staff", password = DemoSeeder.DemoPassword })).Content.ReadFromJsonAsync<JsonElement>();
        var first = login.GetProperty("refreshToken").GetString();

        var rotated = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        Assert.NotEqual(first, second);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first }), HttpStatusCode.Unauthorized, "auth.refresh_reused");
        // The reuse revoked the whole family: the newest token is dead too.
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = second }), HttpStatusCode.Unauthorized, "auth.refresh_reused");
    }

    [Fact]
    public async Task Refresh_ConcurrentUseOfOneToken_OnlyOneRotates()
    {
        var client = factory.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/staff", new { username = "staff-xihu", password = DemoSeeder.DemoPassword })).Content.ReadFromJsonAsync<JsonElement>();
        var token = login.GetProperty("refreshToken").GetString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = token })));

        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task Refresh_UnknownOrExpiredToken_Returns401()
    {
        await ProblemAssert.IsProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token" }), HttpStatusCode.Unauthorized, "auth.refresh_invalid");

        var login = await (await factory.CreateClient().PostAsJsonAsync("/api/auth/staff", new { username = "admin", password = DemoSeeder.DemoPassword })).Content.ReadFromJsonAsync<JsonElement>();
        factory.Clock.Advance(TimeSpan.FromDays(31));
        try
        {
            await ProblemAssert.IsProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() }), HttpStatusCode.Unauthorized, "auth.refresh_expired");
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromDays(31));
        }
    }

    [Fact]
    public async Task ClientCredentials_DemoBank_GetsBankToken_WrongSecretRejected()
    {
        var client = factory.CreateClient();
        var ok = await client.PostAsJsonAsync("/api/auth/token", new { clientId = DemoSeeder.DemoBankClientId, clientSecret = DemoSeeder.DemoBankSecret });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("Bank", me.GetProperty("roles")[0].GetString());

        await ProblemAssert.IsProblemAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { clientId = DemoSeeder.DemoBankClientId, clientSecret = "nope" }), HttpStatusCode.Unauthorized, "auth.invalid_client");
    }

    [Fact]
    public async Task Me_AsResident_ReturnsContractShape()
    {
        var client = await factory.ResidentAsync(3);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(PointsApiFactory.DemoResidentId(3).ToString(), me.GetProperty("id").GetString());
        Assert.Equal("Resident", me.GetProperty("roles")[0].GetString());
        Assert.Equal(PointsApiFactory.DongshanId.ToString(), me.GetProperty("communityId").GetString());
        Assert.Equal(PointsApiFactory.DemoTownId.ToString(), me.GetProperty("townId").GetString());
        Assert.False(string.IsNullOrEmpty(me.GetProperty("displayName").GetString()));
    }

    [Fact]
    public async Task Me_WithTamperedToken_Returns401()
    {
        var client = await factory.ResidentAsync(4);
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Me_AccessTokenAfterLifetime_Returns401()
    {
        var client = await factory.ResidentAsync(5);
        factory.Clock.Advance(TimeSpan.FromMinutes(45));
        try
        {
            await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "auth.required");
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromMinutes(45));
        }
    }

    [Fact]
    public async Task PatchMe_NeverMovesCommunity_ItNeedsARequest()
    {
        var resident = await factory.ClientAsAsync(Role.Resident, "mover-" + Guid.NewGuid().ToString("N")[..6]);
        var before = (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetString();

        await ProblemAssert.IsProblemAsync(await resident.PatchAsJsonAsync("/api/me", new { communityId = PointsApiFactory.XihuId, displayName = "新居民" }), HttpStatusCode.Conflict, "account.community_move_required");
        var renamed = await resident.PatchAsJsonAsync("/api/me", new { displayName = "新居民", honorRollOptOut = true });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var body = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(before, body.GetProperty("communityId").GetString());
        Assert.True(body.GetProperty("honorRollOptOut").GetBoolean());
        var staff = await factory.StaffAsync("staff-dongshan");
        await ProblemAssert.IsProblemAsync(await staff.PatchAsJsonAsync("/api/me", new { communityId = PointsApiFactory.XihuId }), HttpStatusCode.Forbidden, "account.community_fixed");
    }

    [Fact]
    public async Task DevToken_SubjectWithOtherRole_Returns409()
    {
        await ProblemAssert.IsProblemAsync(
            await factory.CreateClient().PostAsJsonAsync("/api/auth/dev-token", new { role = "Resident", subject = "staff-dongshan" }),
            HttpStatusCode.Conflict, "dev.subject_role_mismatch");
    }
}
