using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Grids;

/// <summary>Micro-grids, grid workers and hazard reports with an assignee and a clock, on PostgreSQL + Redis.</summary>
public sealed class GridsAndHazardRoutingTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid DongshanGrid1 = DemoSeeder.StableId("grid:0:1");
    private static readonly Guid DongshanGrid2 = DemoSeeder.StableId("grid:0:2");
    private static readonly Guid SeededWorker = DemoSeeder.StableId("user:grid-worker");

    private async Task<Guid> ReportAsync(HttpClient resident, string category)
    {
        var response = await resident.PostAsJsonAsync("/api/hazards", new { category, description = "楼道堆放电动车充电", latitude = 30.03, longitude = 120.87, address = "东山村1号楼" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task MicroGrids_TownStaffCreate_KindChecked_Duplicate409_OtherTownsGridRefused()
    {
        var town = await factory.StaffAsync("town-staff");

        var created = await town.PostAsJsonAsync($"/api/grids/{DongshanGrid2}/micro-grids", new { name = "3号楼", kind = "Building" });
        var duplicate = await town.PostAsJsonAsync($"/api/grids/{DongshanGrid2}/micro-grids", new { name = "3号楼", kind = "Stairwell" });
        var badKind = await town.PostAsJsonAsync($"/api/grids/{DongshanGrid2}/micro-grids", new { name = "4号楼", kind = "Castle" });
        var noGrid = await town.PostAsJsonAsync($"/api/grids/{Guid.NewGuid()}/micro-grids", new { name = "5号楼", kind = "Building" });
        var community = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/grids/{DongshanGrid2}/micro-grids", new { name = "6号楼", kind = "Building" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Building", body.GetProperty("kind").GetString());
        Assert.Equal(DongshanGrid2, body.GetProperty("gridId").GetGuid());
        await ProblemAssert.IsProblemAsync(duplicate, HttpStatusCode.Conflict, "micro_grid.duplicate");
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        await ProblemAssert.IsProblemAsync(noGrid, HttpStatusCode.NotFound, "grid.not_found");
        await ProblemAssert.IsProblemAsync(community, HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task Workers_OnlyGridWorkerAccounts_AndAWorkerSeesOnlyTheirGrids()
    {
        var town = await factory.StaffAsync("town-staff");
        var worker = await factory.ClientAsAsync(Role.GridWorker, "gw-grid2");
        var workerId = (await worker.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();

        var set = await town.PutAsJsonAsync($"/api/grids/{DongshanGrid2}/workers", new { workerIds = new[] { workerId } });
        var resident = await town.PutAsJsonAsync($"/api/grids/{DongshanGrid2}/workers", new { workerIds = new[] { PointsApiFactory.DemoResidentId(3) } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        await ProblemAssert.IsProblemAsync(resident, HttpStatusCode.UnprocessableEntity, "grid.worker_invalid");

        // Resident 3 lives in 东山村第2网格, resident 1 in 第1网格 (the seeded worker's).
        var inMine = await ReportAsync(await factory.ResidentAsync(3), "Other");
        var notMine = await ReportAsync(await factory.ResidentAsync(1), "Other");
        var list = await worker.GetFromJsonAsync<JsonElement>("/api/hazards");
        var mine = await worker.GetFromJsonAsync<JsonElement>($"/api/hazards/{inMine}");
        var other = await worker.GetAsync($"/api/hazards/{notMine}");
        var accept = await worker.PostAsJsonAsync($"/api/hazards/{inMine}/transitions", new { action = "Accept" });
        var acceptOther = await worker.PostAsJsonAsync($"/api/hazards/{notMine}/transitions", new { action = "Accept" });

        var ids = list.EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(inMine, ids);
        Assert.DoesNotContain(notMine, ids);
        Assert.Equal(workerId, mine.GetProperty("assigneeId").GetGuid());
        Assert.Equal("Green", mine.GetProperty("urgency").GetString());
        Assert.Equal("Grid", mine.GetProperty("level").GetString());
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden, "hazard.out_of_scope");
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        await ProblemAssert.IsProblemAsync(acceptOther, HttpStatusCode.Forbidden, "hazard.out_of_scope");
    }

    [Fact]
    public async Task Intake_RedCategory_AutoAssignsTheGridWorker_TwoAndTwentyFourHours_AssignEscalateUrgency()
    {
        var resident = await factory.ResidentAsync(5);
        var id = await ReportAsync(resident, "Electrical");
        var staff = await factory.StaffAsync("staff-dongshan");
        var report = await staff.GetFromJsonAsync<JsonElement>($"/api/hazards/{id}");
        var reportedAt = report.GetProperty("reportedAt").GetDateTimeOffset();

        Assert.Equal("Red", report.GetProperty("urgency").GetString());
        Assert.Equal(SeededWorker, report.GetProperty("assigneeId").GetGuid());
        Assert.Equal(reportedAt.AddHours(2), report.GetProperty("acceptDueAt").GetDateTimeOffset());
        Assert.Equal(reportedAt.AddHours(24), report.GetProperty("closeDueAt").GetDateTimeOffset());
        Assert.False(report.GetProperty("overdue").GetBoolean());

        var wrongWorker = await staff.PostAsJsonAsync($"/api/hazards/{id}/assign", new { workerId = DemoSeeder.StableId("user:town-staff") });
        var assign = await staff.PostAsJsonAsync($"/api/hazards/{id}/assign", new { workerId = SeededWorker });
        var noReason = await staff.PostAsJsonAsync($"/api/hazards/{id}/urgency", new { urgency = "Green", reason = " " });
        var green = await staff.PostAsJsonAsync($"/api/hazards/{id}/urgency", new { urgency = "Green", reason = "现场核实仅为线槽脱落" });
        var xihu = await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync($"/api/hazards/{id}/escalate", new { reason = "越权" });
        var up = await staff.PostAsJsonAsync($"/api/hazards/{id}/escalate", new { reason = "需村里协调物业" });
        var up2 = await staff.PostAsJsonAsync($"/api/hazards/{id}/escalate", new { reason = "需镇街执法" });
        var up3 = await staff.PostAsJsonAsync($"/api/hazards/{id}/escalate", new { reason = "再上报" });

        await ProblemAssert.IsProblemAsync(wrongWorker, HttpStatusCode.UnprocessableEntity, "hazard.worker_not_in_grid");
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "validation.failed");
        var greenBody = await green.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Green", greenBody.GetProperty("urgency").GetString());
        Assert.True(greenBody.GetProperty("closeDueAt").GetDateTimeOffset() > reportedAt.AddDays(5), greenBody.ToString());
        await ProblemAssert.IsProblemAsync(xihu, HttpStatusCode.Forbidden, "hazard.out_of_scope");
        Assert.Equal("Community", (await up.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("level").GetString());
        Assert.Equal("Town", (await up2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("level").GetString());
        await ProblemAssert.IsProblemAsync(up3, HttpStatusCode.Conflict, "hazard.at_top_level");
        var notices = await factory.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientId == PointsApiFactory.DemoResidentId(5) && n.DedupeKey.StartsWith($"hazard:{id}:")));
        Assert.True(notices >= 3, $"the reporter got {notices} notices");
    }

    [Fact]
    public async Task EscalationJob_PassedDeadline_MovesOneLevelUp_TellsReporterAndNextLevel_ThenNotAgainUntilTheNextWindow()
    {
        var id = await ReportAsync(await factory.ResidentAsync(9), "Gas");
        try
        {
            Assert.Equal(0, await RunJobAsync(onlyFor: id));
            factory.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
            Assert.Equal(1, await RunJobAsync(onlyFor: id));
            Assert.Equal(0, await RunJobAsync(onlyFor: id));

            var staff = await factory.StaffAsync("staff-dongshan");
            var report = await staff.GetFromJsonAsync<JsonElement>($"/api/hazards/{id}");
            Assert.Equal("Community", report.GetProperty("level").GetString());
            Assert.True(report.GetProperty("overdue").GetBoolean());
            var overdue = await staff.GetFromJsonAsync<JsonElement>("/api/hazards?overdue=true&urgency=Red");
            Assert.Contains(overdue.EnumerateArray(), h => h.GetProperty("id").GetGuid() == id);
            var (reporter, level) = await factory.WithDbAsync(async db => (
                await db.Notifications.CountAsync(n => n.RecipientId == PointsApiFactory.DemoResidentId(9) && n.DedupeKey.StartsWith($"hazard:{id}:escalated")),
                await db.Notifications.CountAsync(n => n.RecipientId == DemoSeeder.StableId("user:staff-dongshan") && n.DedupeKey.StartsWith($"hazard-escalated:{id}:"))));
            Assert.Equal(1, reporter);
            Assert.Equal(1, level);

            factory.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
            Assert.Equal(1, await RunJobAsync(onlyFor: id));
            factory.Clock.Advance(TimeSpan.FromHours(3));
            Assert.Equal(0, await RunJobAsync(onlyFor: id));
            Assert.Equal("Town", (await (await factory.StaffAsync("town-staff")).GetFromJsonAsync<JsonElement>($"/api/hazards/{id}")).GetProperty("level").GetString());
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromHours(7) + TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task Rating_Dissatisfied_ReopensOnce_OnlyTheReporter_AndMonthStatsStayTheSame()
    {
        var resident = await factory.ResidentAsync(13);
        var id = await ReportAsync(resident, "Environment");
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Accept" })).StatusCode);
        var early = await resident.PostAsJsonAsync($"/api/hazards/{id}/rating", new { rating = "Satisfied" });
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Close" })).StatusCode);
        var stranger = await (await factory.ResidentAsync(15)).PostAsJsonAsync($"/api/hazards/{id}/rating", new { rating = "Satisfied" });
        var unhappy = await resident.PostAsJsonAsync($"/api/hazards/{id}/rating", new { rating = "Dissatisfied", comment = "垃圾又堆回来了" });

        await ProblemAssert.IsProblemAsync(early, HttpStatusCode.Conflict, "hazard.not_ratable");
        await ProblemAssert.IsProblemAsync(stranger, HttpStatusCode.NotFound, "hazard.not_found");
        var reopened = await unhappy.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Accepted", reopened.GetProperty("status").GetString());
        Assert.True(reopened.GetProperty("reopened").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Close" })).StatusCode);
        var again = await resident.PostAsJsonAsync($"/api/hazards/{id}/rating", new { rating = "BasicallySatisfied" });
        Assert.Equal("Closed", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var month = factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var first = await (await factory.StaffAsync("town-staff")).GetStringAsync($"/api/report-stats?month={month}&grid={DongshanGrid1}");
        try
        {
            factory.Clock.Advance(TimeSpan.FromDays(40));
            var later = await (await factory.StaffAsync("town-staff")).GetStringAsync($"/api/report-stats?month={month}&grid={DongshanGrid1}");
            Assert.Equal(first, later);
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromDays(40));
        }

        var stats = JsonDocument.Parse(first).RootElement.GetProperty("grids").EnumerateArray().Single(g => g.GetProperty("gridId").GetGuid() == DongshanGrid1);
        var expected = await factory.WithDbAsync(db => db.HazardReports.Where(h => h.GridId == DongshanGrid1).ToListAsync());
        Assert.Equal(expected.Count, stats.GetProperty("received").GetInt32());
        Assert.Equal(expected.Count(h => h.Status == Domain.Participation.HazardStatus.Closed), stats.GetProperty("closed").GetInt32());
        Assert.True(stats.GetProperty("rated").GetInt32() >= 1);
        var badMonth = await (await factory.StaffAsync("town-staff")).GetAsync("/api/report-stats?month=2026-13");
        Assert.Equal(HttpStatusCode.BadRequest, badMonth.StatusCode);
        var otherCommunity = await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/report-stats?month={month}&community={PointsApiFactory.DongshanId}");
        await ProblemAssert.IsProblemAsync(otherCommunity, HttpStatusCode.Forbidden, "hazard.out_of_scope");
    }

    [Fact]
    public async Task RegionTree_FourLevels_WithCounts_ScopedForCommunityStaffAndWorkers_ResidentMicroGrid()
    {
        var town = await factory.StaffAsync("town-staff");
        var building = DemoSeeder.StableId("micro-grid:0:1:building-1");
        var move = await town.PutAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(17)}/micro-grid", new { microGridId = building });
        var xihuMove = await (await factory.StaffAsync("staff-xihu")).PutAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(17)}/micro-grid", new { microGridId = building });
        var leader = await town.PutAsJsonAsync($"/api/micro-grids/{building}/leader", new { residentId = PointsApiFactory.DemoResidentId(17) });
        var notLiving = await town.PutAsJsonAsync($"/api/micro-grids/{building}/leader", new { residentId = PointsApiFactory.DemoResidentId(2) });
        Assert.Equal(HttpStatusCode.NoContent, move.StatusCode);
        await ProblemAssert.IsProblemAsync(xihuMove, HttpStatusCode.Forbidden, "grid.out_of_scope");
        Assert.Equal(PointsApiFactory.DemoResidentId(17), (await leader.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaderId").GetGuid());
        await ProblemAssert.IsProblemAsync(notLiving, HttpStatusCode.UnprocessableEntity, "micro_grid.leader_not_resident");

        var tree = await town.GetFromJsonAsync<JsonElement>("/api/regions/tree");
        Assert.Equal("Town", tree.GetProperty("kind").GetString());
        Assert.Equal(2, tree.GetProperty("children").GetArrayLength());
        var grid1 = tree.GetProperty("children").EnumerateArray().SelectMany(c => c.GetProperty("children").EnumerateArray()).Single(g => g.GetProperty("id").GetGuid() == DongshanGrid1);
        var micro = grid1.GetProperty("children").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == building);
        Assert.Equal("MicroGrid", micro.GetProperty("kind").GetString());
        Assert.Equal("Building", micro.GetProperty("microGridKind").GetString());
        var inBuilding = await factory.WithDbAsync(db => db.Users.CountAsync(u => u.MicroGridId == building));
        Assert.Equal(inBuilding, micro.GetProperty("residents").GetInt32());
        Assert.Equal(await factory.WithDbAsync(db => db.Users.CountAsync(u => u.GridId == DongshanGrid1 && u.Role == Role.Resident)), grid1.GetProperty("residents").GetInt32());
        Assert.True(grid1.GetProperty("workers").GetInt32() >= 1);

        var community = await (await factory.StaffAsync("staff-xihu")).GetFromJsonAsync<JsonElement>("/api/regions/tree");
        Assert.Equal([PointsApiFactory.XihuId], community.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList());
        var worker = await (await factory.StaffAsync("grid-worker")).GetFromJsonAsync<JsonElement>("/api/regions/tree");
        Assert.Equal([DongshanGrid1], worker.GetProperty("children").EnumerateArray().SelectMany(c => c.GetProperty("children").EnumerateArray()).Select(g => g.GetProperty("id").GetGuid()).ToList());
    }

    [Fact]
    public async Task HazardSettings_TownCalendar_HolidaysMoveTheDeadline_BadPolicy400_CommunityStaffRefused()
    {
        var town = await factory.StaffAsync("town-staff");
        var url = $"/api/towns/{PointsApiFactory.DemoTownId}/hazard-settings";
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var holidays = Enumerable.Range(1, 10).Select(d => today.AddDays(d)).ToArray();
        try
        {
            var bad = await town.PutAsJsonAsync(url, new { acceptWorkingDays = 3, closeWorkingDays = 2, redAcceptHours = 2, redCloseHours = 24 });
            var put = await town.PutAsJsonAsync(url, new { acceptWorkingDays = 1, closeWorkingDays = 5, redAcceptHours = 2, redCloseHours = 24, holidays });
            var community = await (await factory.StaffAsync("staff-dongshan")).GetAsync(url);

            await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "town.hazard_deadlines_invalid");
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(10, (await town.GetFromJsonAsync<JsonElement>(url)).GetProperty("holidays").GetArrayLength());
            await ProblemAssert.IsProblemAsync(community, HttpStatusCode.Forbidden, "auth.forbidden");

            // The next ten days are holidays: a green report's accept deadline falls after them.
            var id = await ReportAsync(await factory.ResidentAsync(21), "Environment");
            var report = await town.GetFromJsonAsync<JsonElement>($"/api/hazards/{id}");
            var due = DateOnly.FromDateTime(report.GetProperty("acceptDueAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).DateTime);
            Assert.True(due > holidays[^1], $"accept due {due}, last holiday {holidays[^1]}");
        }
        finally
        {
            await town.PutAsJsonAsync(url, new { acceptWorkingDays = 1, closeWorkingDays = 5, redAcceptHours = 2, redCloseHours = 24 });
        }
    }

    private async Task<int> RunJobAsync(Guid onlyFor)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PointsDbContext>();
        var before = await db.HazardReports.AsNoTracking().Where(h => h.Id == onlyFor).Select(h => h.Level).SingleAsync();
        await scope.ServiceProvider.GetRequiredService<HazardEscalationJob>().EscalateDueAsync(db, default);
        var after = await db.HazardReports.AsNoTracking().Where(h => h.Id == onlyFor).Select(h => h.Level).SingleAsync();
        return after - before;
    }
}
