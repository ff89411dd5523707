using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;

namespace Points.Api.Tests.Audit;

public sealed class ProxySessionTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<(HttpClient Resident, Guid Id)> ResidentAsync()
    {
        var client = await factory.ClientAsAsync(Role.Resident, "p-" + Guid.NewGuid().ToString("N")[..12]);
        return (client, (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid());
    }

    private HttpClient With(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task GridWorker_OpensProxySessions_ForResidentsOfTheirOwnGridsOnly()
    {
        var worker = await factory.StaffAsync("grid-worker");
        var workerId = (await worker.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();
        var (inside, outside) = await factory.WithDbAsync(async db =>
        {
            var grids = await db.GridAssignments.Where(a => a.WorkerId == workerId).Select(a => a.GridId).ToListAsync();
            var residents = db.Users.Where(u => u.Role == Role.Resident && u.GridId != null && !u.ProxyRefused);
            return (await residents.Where(u => grids.Contains(u.GridId!.Value)).Select(u => u.Id).FirstAsync(),
                await residents.Where(u => !grids.Contains(u.GridId!.Value)).Select(u => u.Id).FirstAsync());
        });

        var opened = await worker.PostAsJsonAsync($"/api/residents/{inside}/proxy-sessions", new { reason = "入户代办：老人无智能手机" });
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(workerId, (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proxyId").GetGuid());

        var refused = await worker.PostAsJsonAsync($"/api/residents/{outside}/proxy-sessions", new { reason = "入户代办" });
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "residents.out_of_scope");
        Assert.Equal("只能为本网格的居民代办", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ProxySession_ActsAsResident_RecordsProxy_RefusesInPersonRoutes_EndsToken()
    {
        var (resident, residentId) = await ResidentAsync();
        var staff = await factory.StaffAsync("staff-dongshan");
        var staffId = (await staff.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();

        var opened = await staff.PostAsJsonAsync($"/api/residents/{residentId}/proxy-sessions", new { reason = "老人无手机，代为报名" });

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var session = await opened.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(staffId, session.GetProperty("proxyId").GetGuid());
        var proxy = With(session.GetProperty("accessToken").GetString()!);
        Assert.Equal(residentId, (await proxy.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid());

        var paycode = await proxy.PostAsync("/api/me/paycode", null);
        Assert.Equal(HttpStatusCode.OK, paycode.StatusCode);
        var sessionId = session.GetProperty("id").GetGuid();
        var rows = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.ProxySessionId == sessionId).ToListAsync());
        Assert.Contains(rows, r => r.Entity == "Paycode" && r.ActorId == staffId);

        await ProblemAssert.IsProblemAsync(await proxy.PutAsJsonAsync("/api/me/proxy-preference", new { refuse = true }), HttpStatusCode.Forbidden, "proxy.not_allowed");
        await ProblemAssert.IsProblemAsync(await proxy.GetAsync("/api/me/credit/consents"), HttpStatusCode.Forbidden, "proxy.not_allowed");
        await ProblemAssert.IsProblemAsync(await proxy.PostAsJsonAsync("/api/me/phone", new { code = "x" }), HttpStatusCode.Forbidden, "proxy.not_allowed");
        await ProblemAssert.IsProblemAsync(await proxy.PostAsJsonAsync("/api/me/community-moves", new { toCommunityId = PointsApiFactory.XihuId }), HttpStatusCode.Forbidden, "proxy.not_allowed");

        var history = await resident.GetFromJsonAsync<JsonElement>("/api/me/proxy-actions");
        var action = history.EnumerateArray().First(a => a.GetProperty("entity").GetString() == "Paycode");
        Assert.StartsWith("由网格员 ", action.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(" 代办", action.GetProperty("text").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/proxy-sessions/{sessionId}/end", null)).StatusCode);
        await ProblemAssert.IsProblemAsync(await proxy.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "proxy.session_ended");
    }

    [Fact]
    public async Task ResidentRefusesProxy_OpeningRefused_OtherCommunityStaffRefused_ExpiresAfter30Minutes()
    {
        var (resident, residentId) = await ResidentAsync();
        var staff = await factory.StaffAsync("staff-dongshan");
        var xihu = await factory.StaffAsync("staff-xihu");

        await ProblemAssert.IsProblemAsync(await xihu.PostAsJsonAsync($"/api/residents/{residentId}/proxy-sessions", new { reason = "代办" }), HttpStatusCode.Forbidden, "residents.out_of_scope");
        var opened = await (await staff.PostAsJsonAsync($"/api/residents/{residentId}/proxy-sessions", new { reason = "代办" })).Content.ReadFromJsonAsync<JsonElement>();
        var proxy = With(opened.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("/api/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await proxy.GetAsync("/api/me")).StatusCode);

        staff = await factory.StaffAsync("staff-dongshan");
        var (fresh, freshId) = await ResidentAsync();
        Assert.Equal(HttpStatusCode.OK, (await fresh.PutAsJsonAsync("/api/me/proxy-preference", new { refuse = true })).StatusCode);
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync($"/api/residents/{freshId}/proxy-sessions", new { reason = "代办" }), HttpStatusCode.Conflict, "proxy.refused_by_resident");
        Assert.NotNull(resident);
    }
}
