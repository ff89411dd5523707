using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Participation;
using Points.Domain.Identity;

namespace Points.Api.Tests.Security;

/// <summary>Races and abuse of sign-in: the lockout under parallel guesses, lockout as denial of service, unlock and its audit, refresh-token reuse, token algorithms.</summary>
public sealed class SignInSecurityTests(SecurityApiFactory factory) : IClassFixture<SecurityApiFactory>
{
    private static object Login(string username, string password) => new { username, password };

    [Fact]
    public async Task StaffLogin_ThirtyParallelWrongPasswords_EvaluatesAtMostTheLimit_RepeatedTenTimes()
    {
        for (var round = 0; round < 10; round++)
        {
            var (id, username) = await factory.NewStaffAsync();
            var address = $"198.51.100.{round + 1}";
            using var start = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await factory.ClientFrom(address).PostAsJsonAsync("/api/auth/staff", Login(username, "wrong-" + round));
            })).ToList();
            start.Set();
            var responses = await Task.WhenAll(attempts);

            var wrong = responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
            var failures = await factory.WithDbAsync(db => db.LoginThrottles.Where(t => t.UserId == id && t.Source == address).Select(t => t.Failures).SingleAsync());
            Assert.True(wrong <= LoginThrottle.PerSourceLimit - 1, $"round {round}: {wrong} wrong-password answers");
            Assert.Equal(LoginThrottle.PerSourceLimit, failures);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Unauthorized), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
            Assert.Equal(1, await factory.WithDbAsync(db => db.AccountLockEvents.CountAsync(e => e.UserId == id && e.Kind == AccountLockEventKind.Locked)));
            var right = await factory.ClientFrom(address).PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password));
            await ProblemAssert.IsProblemAsync(right, HttpStatusCode.TooManyRequests, "auth.locked_out");
            Assert.True(right.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(14));
        }
    }

    [Fact]
    public async Task StaffLogin_AttackerLocksOutTheirAddresses_RealUserOnUsualNetworkStillSignsIn()
    {
        var (_, username) = await factory.NewStaffAsync();
        const string usual = "10.20.30.40";
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientFrom(usual).PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password))).StatusCode);

        // Guesses from many addresses: each address locks itself, then the account-wide row locks every untrusted address.
        for (var a = 1; a <= LoginThrottle.AllSourcesLimit / LoginThrottle.PerSourceLimit + 1; a++)
        {
            for (var i = 0; i < LoginThrottle.PerSourceLimit; i++)
            {
                await factory.ClientFrom($"203.0.113.{a}").PostAsJsonAsync("/api/auth/staff", Login(username, "guess" + i));
            }
        }

        var attacker = await factory.ClientFrom("203.0.113.1").PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password));
        var newAddress = await factory.ClientFrom("192.0.2.99").PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password));
        var realUser = await factory.ClientFrom(usual).PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password));

        await ProblemAssert.IsProblemAsync(attacker, HttpStatusCode.TooManyRequests, "auth.locked_out");
        await ProblemAssert.IsProblemAsync(newAddress, HttpStatusCode.TooManyRequests, "auth.locked_out");
        Assert.Equal(HttpStatusCode.OK, realUser.StatusCode);
    }

    [Fact]
    public async Task Unlock_ByTownAdmin_ClearsLock_AndAuditTrailShowsLockAndUnlock()
    {
        var (id, username) = await factory.NewStaffAsync();
        var (adminId, adminName) = await factory.NewStaffAsync(Role.Admin);
        const string address = "198.51.100.200";
        for (var i = 0; i < LoginThrottle.PerSourceLimit; i++)
        {
            await factory.ClientFrom(address).PostAsJsonAsync("/api/auth/staff", Login(username, "bad"));
        }

        await ProblemAssert.IsProblemAsync(await factory.ClientFrom(address).PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password)), HttpStatusCode.TooManyRequests, "auth.locked_out");
        var admin = await SignedInAsync(adminName);

        var unlocked = await admin.PostAsync($"/api/staff/{id}/unlock", null);
        var after = await factory.ClientFrom(address).PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password));
        var events = await admin.GetFromJsonAsync<JsonElement>($"/api/staff/{id}/lock-events");

        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(1, (await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locksCleared").GetInt32());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var list = events.EnumerateArray().ToList();
        Assert.Equal(["Unlocked", "Locked"], list.Select(e => e.GetProperty("kind").GetString()).ToList());
        Assert.Equal(adminId, list[0].GetProperty("actorId").GetGuid());
        Assert.Equal(address, list[1].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Unlock_CommunityStaffOrOtherTownAdmin_Refused()
    {
        var (id, _) = await factory.NewStaffAsync();
        var otherTown = await factory.NewTownAsync();
        var (_, otherAdmin) = await factory.NewStaffAsync(Role.Admin, otherTown);
        var (_, communityStaff) = await factory.NewStaffAsync();

        var byOtherTown = await (await SignedInAsync(otherAdmin)).PostAsync($"/api/staff/{id}/unlock", null);
        var eventsByOtherTown = await (await SignedInAsync(otherAdmin)).GetAsync($"/api/staff/{id}/lock-events");
        var byCommunityStaff = await (await SignedInAsync(communityStaff)).PostAsync($"/api/staff/{id}/unlock", null);
        var byTownStaff = await (await factory.StaffAsync("town-staff")).PostAsync($"/api/staff/{id}/unlock", null);

        await ProblemAssert.IsProblemAsync(byOtherTown, HttpStatusCode.Forbidden, "staff.out_of_scope");
        await ProblemAssert.IsProblemAsync(eventsByOtherTown, HttpStatusCode.Forbidden, "staff.out_of_scope");
        Assert.Equal(HttpStatusCode.Forbidden, byCommunityStaff.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byTownStaff.StatusCode);
    }

    [Fact]
    public async Task Refresh_OneTokenPresentedConcurrently_FamilyRevokedIncludingTheWinnersToken_RepeatedThirtyTimes()
    {
        var (_, username) = await factory.NewStaffAsync();
        var survivors = new List<int>();
        for (var round = 0; round < 30; round++)
        {
            var login = await (await factory.ClientFrom("10.1.1.1").PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password))).Content.ReadFromJsonAsync<JsonElement>();
            var token = login.GetProperty("refreshToken").GetString();
            using var start = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = token });
            })).ToList();
            start.Set();
            var responses = await Task.WhenAll(racers);

            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
            foreach (var winner in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            {
                var successor = (await winner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
                if ((await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = successor })).StatusCode == HttpStatusCode.OK)
                {
                    survivors.Add(round);
                }
            }
        }

        Assert.True(survivors.Count == 0, "a successor survived the family's revocation in rounds " + string.Join(",", survivors));
    }

    [Fact]
    public async Task Refresh_TokenNamesItsFamily_AndRotationKeepsTheFamily()
    {
        var (id, username) = await factory.NewStaffAsync();
        var login = await (await factory.ClientFrom("10.1.1.2").PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password))).Content.ReadFromJsonAsync<JsonElement>();
        var first = login.GetProperty("refreshToken").GetString()!;
        var second = (await (await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;

        var family = await factory.WithDbAsync(db => db.RefreshTokenFamilies.AsNoTracking().SingleAsync(f => f.UserId == id));
        Assert.Equal(family.Id, Points.Api.Auth.TokenService.FamilyOf(first));
        Assert.Equal(family.Id, Points.Api.Auth.TokenService.FamilyOf(second));
        Assert.Null(Points.Api.Auth.TokenService.FamilyOf("not-a-family-token"));
    }

    public static TheoryData<string, int> Algorithms => new()
    {
        { "HS256", 200 },
        { "HS384", 401 },
        { "HS512", 401 },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task AccessToken_SameKeyOtherAlgorithm_Refused(string algorithm, int expected)
    {
        var now = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode($$"""{"alg":"{{algorithm}}","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"{{PointsApiFactory.DemoResidentId(1)}}","role":"Resident","town":"{{PointsApiFactory.DemoTownId}}","iss":"points","aud":"points-clients","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""");
        var key = Encoding.UTF8.GetBytes(SecurityApiFactory.SigningKey);
        var input = Encoding.ASCII.GetBytes(header + "." + payload);
        var signature = algorithm switch
        {
            "HS256" => System.Security.Cryptography.HMACSHA256.HashData(key, input),
            "HS384" => System.Security.Cryptography.HMACSHA384.HashData(key, input),
            _ => System.Security.Cryptography.HMACSHA512.HashData(key, input),
        };
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", header + "." + payload + "." + Base64UrlEncoder.Encode(signature));

        Assert.Equal(expected, (int)(await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task AccessToken_UnsignedOrTampered_Refused()
    {
        var client = await factory.ResidentAsync(2);
        var good = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = good.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"Resident\"", "\"Admin\"", StringComparison.Ordinal);
        var escalated = parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
        var none = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";

        foreach (var forged in new[] { escalated, none })
        {
            var attacker = factory.CreateClient();
            attacker.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("/api/me")).StatusCode);
        }
    }

    [Fact]
    public async Task NegativeRecord_EvidenceOfAnotherResident_Refused_AndNotExposed()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var xihuOpenId = await factory.WithDbAsync(db => db.Users.Where(u => u.CommunityId == PointsApiFactory.XihuId && u.Role == Role.Resident).Select(u => u.WeChatOpenId).FirstAsync());
        var otherResident = await factory.ClientAsAsync(Role.Resident, xihuOpenId!);
        var othersPhoto = await TestImages.UploadAsync(otherResident, TestImages.Jpeg());
        var staffPhoto = await TestImages.UploadAsync(staff, TestImages.Jpeg());
        var residentId = PointsApiFactory.DemoResidentId(43);
        object Record(Guid evidence) => new { kind = "Violation", description = "占道堆放杂物", severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1), evidenceIds = new[] { evidence } };

        var refused = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", Record(othersPhoto));
        var resident = await factory.ResidentAsync(43);
        var download = await resident.GetAsync($"/api/uploads/{othersPhoto}");
        var own = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", Record(staffPhoto));

        Assert.False(refused.IsSuccessStatusCode);
        Assert.Equal("negative_record.evidence_invalid", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await resident.GetAsync($"/api/uploads/{staffPhoto}")).StatusCode);
    }

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var client = factory.ClientFrom("10.9.9.9");
        var body = await (await client.PostAsJsonAsync("/api/auth/staff", Login(username, SecurityApiFactory.Password))).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return client;
    }
}
