using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Seeding;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Grids;

/// <summary>Town staff create grid-worker accounts, assign them to a grid, and list a grid's workers by name, scoped; on PostgreSQL + Redis.</summary>
public sealed class GridWorkerAccountTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid DongshanGrid2 = DemoSeeder.StableId("grid:0:2");

    [Fact]
    public async Task TownStaffCreateAGridWorker_AssignIt_TheGridsWorkersListNamesIt_ScopedByRoleAndGrid()
    {
        var town = await factory.StaffAsync("town-staff");
        var username = Unique("gw-");
        var created = await town.PostAsJsonAsync("/api/staff", new { username, displayName = "新网格员", role = "GridWorker" });
        var byCommunity = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync("/api/staff", new { username = Unique("gw-"), displayName = "越权", role = "GridWorker" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonOf(created);
        var account = body.GetProperty("account");
        var workerId = account.GetProperty("id").GetGuid();
        Assert.Equal("GridWorker", account.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, account.GetProperty("communityId").ValueKind);
        Assert.True(account.GetProperty("mustChangePassword").GetBoolean());
        await ProblemAssert.IsProblemAsync(byCommunity, HttpStatusCode.Forbidden, "auth.forbidden");

        var worker = await FirstSignInAsync(factory, username, body.GetProperty("oneTimePassword").GetString()!);
        Assert.Contains("GridWorker", (await worker.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var beforeAssigned = await worker.GetAsync($"/api/grids/{DongshanGrid2}/workers");
        await ProblemAssert.IsProblemAsync(beforeAssigned, HttpStatusCode.Forbidden, "grid.out_of_scope");

        var set = await town.PutAsJsonAsync($"/api/grids/{DongshanGrid2}/workers", new { workerIds = new[] { workerId } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var staffList = await town.GetFromJsonAsync<JsonElement>($"/api/staff?role=GridWorker&q={username}");
        Assert.Equal([workerId], staffList.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList());

        foreach (var viewer in new[] { town, worker, await factory.StaffAsync("staff-dongshan") })
        {
            var list = await viewer.GetFromJsonAsync<JsonElement>($"/api/grids/{DongshanGrid2}/workers");
            Assert.Equal(DongshanGrid2, list.GetProperty("gridId").GetGuid());
            Assert.Equal(PointsApiFactory.DongshanId, list.GetProperty("communityId").GetGuid());
            Assert.False(string.IsNullOrEmpty(list.GetProperty("gridName").GetString()));
            var only = Assert.Single(list.GetProperty("workers").EnumerateArray());
            Assert.Equal(workerId, only.GetProperty("id").GetGuid());
            Assert.Equal("新网格员", only.GetProperty("displayName").GetString());
            Assert.Equal(username, only.GetProperty("username").GetString());
            Assert.True(only.GetProperty("isActive").GetBoolean());
        }

        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/grids/{DongshanGrid2}/workers"), HttpStatusCode.Forbidden, "grid.out_of_scope");
        await ProblemAssert.IsProblemAsync(await town.GetAsync($"/api/grids/{Guid.NewGuid()}/workers"), HttpStatusCode.NotFound, "grid.not_found");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await factory.ResidentAsync(3)).GetAsync($"/api/grids/{DongshanGrid2}/workers")).StatusCode);

        // Town staff manage the worker account like any staff account: retire it, and it can no longer be assigned.
        var retired = await town.PatchAsJsonAsync($"/api/staff/{workerId}", new { active = false });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        var reassign = await town.PutAsJsonAsync($"/api/grids/{DongshanGrid2}/workers", new { workerIds = new[] { workerId } });
        await ProblemAssert.IsProblemAsync(reassign, HttpStatusCode.UnprocessableEntity, "grid.worker_invalid");
    }
}
