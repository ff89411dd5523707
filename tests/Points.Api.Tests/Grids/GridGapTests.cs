using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Seeding;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Grids;

/// <summary>
/// The grid roles at their edges: staff made grid workers and back, the 微网格长's view of their one micro-grid, and a
/// past month's report statistics that do not move when its reports are worked on later; on PostgreSQL + Redis.
/// </summary>
public sealed class GridGapTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid DongshanGrid1 = DemoSeeder.StableId("grid:0:1");

    private async Task<Guid> ReportAsync(HttpClient resident)
    {
        var response = await resident.PostAsJsonAsync("/api/hazards", new { category = "Other", description = "楼道灯不亮", latitude = 30.03, longitude = 120.87, address = "东山村2号楼" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task MoveAsync(HttpClient staff, Guid id, params string[] actions)
    {
        foreach (var action in actions)
        {
            var response = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task StaffRole_ToGridWorkerAndBack_LeavesTheirGridsWhenNoLongerAWorker()
    {
        var town = await factory.StaffAsync("town-staff");
        var created = await town.PostAsJsonAsync("/api/staff", new { username = Unique("cs-"), displayName = "调岗人员", role = "CommunityStaff", communityId = PointsApiFactory.DongshanId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await JsonOf(created)).GetProperty("account").GetProperty("id").GetGuid();

        var toWorker = await town.PatchAsJsonAsync($"/api/staff/{id}", new { role = "GridWorker" });
        Assert.True(toWorker.StatusCode == HttpStatusCode.OK, await toWorker.Content.ReadAsStringAsync());
        var worker = await JsonOf(toWorker);
        Assert.Equal("GridWorker", worker.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, worker.GetProperty("communityId").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await town.PutAsJsonAsync($"/api/grids/{DongshanGrid1}/workers", new { workerIds = new[] { id, DemoSeeder.StableId("user:grid-worker") } })).StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => db.GridAssignments.CountAsync(a => a.WorkerId == id)));

        var toTown = await town.PatchAsJsonAsync($"/api/staff/{id}", new { role = "TownStaff" });
        Assert.True(toTown.StatusCode == HttpStatusCode.OK, await toTown.Content.ReadAsStringAsync());
        Assert.Equal("TownStaff", (await JsonOf(toTown)).GetProperty("role").GetString());
        Assert.Equal(0, await factory.WithDbAsync(db => db.GridAssignments.CountAsync(a => a.WorkerId == id)));
        Assert.Equal(1, await factory.WithDbAsync(db => db.GridAssignments.CountAsync(a => a.GridId == DongshanGrid1 && a.WorkerId == DemoSeeder.StableId("user:grid-worker"))));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Entity == "GridAssignment" && a.EntityId.Contains(id.ToString()) && a.Action == Domain.Audit.AuditAction.Deleted)));

        var backToWorker = await town.PatchAsJsonAsync($"/api/staff/{id}", new { role = "GridWorker" });
        var toCommunityWithout = await town.PatchAsJsonAsync($"/api/staff/{id}", new { role = "CommunityStaff" });
        var toResident = await town.PatchAsJsonAsync($"/api/staff/{id}", new { role = "Resident" });
        Assert.Equal(HttpStatusCode.OK, backToWorker.StatusCode);
        await ProblemAssert.IsProblemAsync(toCommunityWithout, HttpStatusCode.BadRequest, "staff.community_required");
        await ProblemAssert.IsProblemAsync(toResident, HttpStatusCode.Forbidden, "staff.role_not_allowed");
        Assert.Equal(Role.GridWorker, await factory.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.Role).FirstAsync()));

        var listed = await town.GetFromJsonAsync<JsonElement>("/api/staff?pageSize=100&q=" + (await JsonOf(created)).GetProperty("account").GetProperty("username").GetString());
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task MicroGridLeader_SeesTheResidentsAndOpenReportsOfTheirMicroGridOnly()
    {
        var town = await factory.StaffAsync("town-staff");
        var staff = await factory.StaffAsync("staff-dongshan");
        var created = await town.PostAsJsonAsync($"/api/grids/{DongshanGrid1}/micro-grids", new { name = "2号楼" + Guid.NewGuid().ToString("N")[..4], kind = "Building" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var microId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (leaderId, neighbourId) = (PointsApiFactory.DemoResidentId(1), PointsApiFactory.DemoResidentId(2));
        foreach (var resident in new[] { leaderId, neighbourId })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await town.PutAsJsonAsync($"/api/residents/{resident}/micro-grid", new { microGridId = microId })).StatusCode);
        }

        var leader = await factory.ResidentAsync(1);
        var neighbour = await factory.ResidentAsync(2);
        await ProblemAssert.IsProblemAsync(await leader.GetAsync("/api/me/micro-grid"), HttpStatusCode.NotFound, "micro_grid.not_leader");
        var set = await staff.PutAsJsonAsync($"/api/micro-grids/{microId}/leader", new { residentId = leaderId });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var open = await ReportAsync(neighbour);
        var closed = await ReportAsync(neighbour);
        await MoveAsync(staff, closed, "Accept", "Close");

        var view = await leader.GetFromJsonAsync<JsonElement>("/api/me/micro-grid");

        Assert.Equal(microId, view.GetProperty("id").GetGuid());
        Assert.Equal("Building", view.GetProperty("kind").GetString());
        Assert.Equal(DongshanGrid1, view.GetProperty("gridId").GetGuid());
        var residents = view.GetProperty("residents").EnumerateArray().ToList();
        Assert.Equal(new[] { leaderId, neighbourId }.Order(), residents.Select(r => r.GetProperty("id").GetGuid()).Order());
        Assert.True(residents.Single(r => r.GetProperty("id").GetGuid() == leaderId).GetProperty("isLeader").GetBoolean());
        var reports = view.GetProperty("openReports").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(open, reports);
        Assert.DoesNotContain(closed, reports);
        await ProblemAssert.IsProblemAsync(await neighbour.GetAsync("/api/me/micro-grid"), HttpStatusCode.NotFound, "micro_grid.not_leader");
        await ProblemAssert.IsProblemAsync(await staff.GetAsync("/api/me/micro-grid"), HttpStatusCode.Forbidden, "auth.forbidden");

        var tree = await town.GetFromJsonAsync<JsonElement>("/api/regions/tree");
        var node = tree.GetProperty("children").EnumerateArray().SelectMany(c => c.GetProperty("children").EnumerateArray())
            .SelectMany(g => g.GetProperty("children").EnumerateArray()).Single(m => m.GetProperty("id").GetGuid() == microId);
        Assert.Equal(leaderId, node.GetProperty("leaderId").GetGuid());
        Assert.Equal(2, node.GetProperty("residents").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/micro-grids/{microId}/leader", new { residentId = (Guid?)null })).StatusCode);
        await ProblemAssert.IsProblemAsync(await leader.GetAsync("/api/me/micro-grid"), HttpStatusCode.NotFound, "micro_grid.not_leader");
    }

    [Fact]
    public async Task ReportStats_PastMonth_SameAnswerAfterItsReportsAreClosedLater_AndALateClosingNeverCounts()
    {
        var month = ShanghaiTime.ToShanghai(factory.Clock.GetUtcNow());
        var (_, end) = ShanghaiTime.Month(month.Year, month.Month);
        var key = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var first = await ReportAsync(await factory.ResidentAsync(7));
        var staff = await factory.StaffAsync("staff-dongshan");
        await MoveAsync(staff, first, "Accept");
        var during = await staff.GetFromJsonAsync<JsonElement>($"/api/report-stats?month={key}");
        Assert.Equal(0, await factory.WithDbAsync(db => db.ReportStatsMonths.CountAsync(r => r.Month == key)));

        factory.Clock.Set(end.AddHours(1));
        staff = await factory.StaffAsync("staff-dongshan");
        var second = await ReportAsync(await factory.ResidentAsync(7)); // next month: not this month's
        var after = await staff.GetStringAsync($"/api/report-stats?month={key}");
        Assert.True(await factory.WithDbAsync(db => db.ReportStatsMonths.AnyAsync(r => r.Month == key)));
        await MoveAsync(staff, first, "StartFixing", "Close");
        factory.Clock.Advance(TimeSpan.FromDays(40));
        staff = await factory.StaffAsync("staff-dongshan");
        var later = await staff.GetStringAsync($"/api/report-stats?month={key}");
        var byCommunity = await staff.GetFromJsonAsync<JsonElement>($"/api/report-stats?month={key}&community={PointsApiFactory.DongshanId}");

        Assert.Equal(after, later);
        var total = JsonDocument.Parse(later).RootElement.GetProperty("total");
        Assert.Equal(during.GetProperty("total").GetProperty("received").GetInt32(), total.GetProperty("received").GetInt32());
        Assert.Equal(during.GetProperty("total").GetProperty("closed").GetInt32(), total.GetProperty("closed").GetInt32());
        Assert.Equal(total.GetProperty("received").GetInt32(), byCommunity.GetProperty("total").GetProperty("received").GetInt32());

        // The next month is frozen only after a late closing of its report: the closing, after the month's end, is not counted.
        var nextKey = ShanghaiTime.ToShanghai(end).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await MoveAsync(staff, second, "Accept", "Close");
        var next = await staff.GetFromJsonAsync<JsonElement>($"/api/report-stats?month={nextKey}");
        Assert.Equal(1, next.GetProperty("total").GetProperty("received").GetInt32());
        Assert.Equal(0, next.GetProperty("total").GetProperty("closed").GetInt32());
        Assert.Equal(0, next.GetProperty("total").GetProperty("acceptedOnTime").GetInt32());
        Assert.Equal(0, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "ReportStatsMonth")));
    }

    [Fact]
    public async Task Residents_AGridWorkerFindsOnlyTheResidentsOfTheirGrids_AndOpensNoDetail()
    {
        var worker = await factory.StaffAsync("grid-worker");

        var page = await worker.GetFromJsonAsync<JsonElement>("/api/residents");
        var detail = await worker.GetAsync($"/api/residents/{PointsApiFactory.DemoResidentId(1)}");

        var grids = page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("gridId").GetGuid()).Distinct().ToList();
        Assert.NotEmpty(grids);
        var mine = await factory.WithDbAsync(db => db.GridAssignments.Where(a => a.WorkerId == DemoSeeder.StableId("user:grid-worker")).Select(a => a.GridId).ToListAsync());
        Assert.All(grids, g => Assert.Contains(g, mine));
        Assert.Equal(HttpStatusCode.Forbidden, detail.StatusCode);
    }
}
