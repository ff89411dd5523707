using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Premises;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Premises;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Premises;

/// <summary>一单一码 on PostgreSQL + Redis: checklists, self-checks and colours, the public code, the poster, month close, follow-ups and stats.</summary>
public sealed class PremisesTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly Guid TownId = PointsApiFactory.DemoTownId;
    private static readonly Guid WorkerGrid = DemoSeeder.StableId("grid:0:1");
    private static readonly Guid QuietGrid = DemoSeeder.StableId("grid:0:2");

    [Fact]
    public async Task CreatePublishSelfCheck_ColoursFollowTheRule_PublicShowsNothingPersonal_PointsOncePerMonth()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 12, 10, 9, 0, 0, Shanghai));
        var town = await factory.StaffAsync("town-staff");
        await PublishAsync(town, "Shop", ("灭火器在有效期内", true), ("消防通道畅通", false));
        Assert.Equal(HttpStatusCode.OK, (await town.PutAsJsonAsync($"/api/towns/{TownId}/earning-rules/PremisesSelfCheck", new { defaultPoints = 5 })).StatusCode);
        var created = await CreateAsync(await factory.StaffAsync("staff-dongshan"), "东山五金店", "Shop", QuietGrid, 1);
        var id = created.GetProperty("id").GetGuid();
        var code = created.GetProperty("code").GetString()!;
        var owner = await factory.ResidentAsync(1);

        var yellow = await owner.PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-12", true, false));
        var publicYellow = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/public/premises/{code}");
        factory.Clock.Advance(TimeSpan.FromMinutes(30));
        var green = await owner.PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-12", true, true));
        var publicRaw = await factory.CreateClient().GetStringAsync($"/api/public/premises/{code}");
        var other = await (await factory.ResidentAsync(2)).PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-12", true, true));
        var pastMonth = await owner.PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-11", true, true));
        var shortAnswers = await owner.PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-12", true));
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/me/premises");
        var missing = await factory.CreateClient().GetAsync("/api/public/premises/ZZZZZZZZZZ");

        Assert.Equal("Red", created.GetProperty("colour").GetString());
        Assert.Equal(KeyPremises.CodeLength, code.Length);
        Assert.Equal(HttpStatusCode.Created, yellow.StatusCode);
        var yellowBody = await yellow.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Yellow", yellowBody.GetProperty("colour").GetString());
        Assert.Equal(5, yellowBody.GetProperty("pointsAwarded").GetInt64());
        Assert.Equal("Yellow", publicYellow.GetProperty("colour").GetString());
        Assert.Equal(HttpStatusCode.Created, green.StatusCode);
        var greenBody = await green.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Green", greenBody.GetProperty("premisesColour").GetString());
        Assert.Equal(0, greenBody.GetProperty("pointsAwarded").GetInt64());
        using (var doc = JsonDocument.Parse(publicRaw))
        {
            Assert.Equal(["colour", "lastCheckedAt", "name"], doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
            Assert.Equal("Green", doc.RootElement.GetProperty("colour").GetString());
        }

        var residentName = await factory.WithDbAsync(db => db.Users.Where(u => u.Id == PointsApiFactory.DemoResidentId(1)).Select(u => u.DisplayName).FirstAsync());
        Assert.DoesNotContain(residentName, publicRaw, StringComparison.Ordinal);
        Assert.DoesNotContain(PointsApiFactory.DemoResidentId(1).ToString(), publicRaw, StringComparison.OrdinalIgnoreCase);
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden, "premises.not_responsible");
        await ProblemAssert.IsProblemAsync(pastMonth, HttpStatusCode.UnprocessableEntity, "premises.month_not_open");
        await ProblemAssert.IsProblemAsync(shortAnswers, HttpStatusCode.BadRequest, "premises.answers_invalid");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "premises.not_found");
        var listed = Assert.Single(mine.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        Assert.True(listed.GetProperty("checkedThisMonth").GetBoolean());
        Assert.Equal(2, listed.GetProperty("checklist").GetProperty("items").GetArrayLength());
        Assert.Equal(1, await factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.IdempotencyKey == $"premises-self-check:{id}:2026-12")));
    }

    [Fact]
    public async Task Checklist_NewVersion_OldSelfChecksKeepTheirVersion_BadKindAndShapeRefused()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 12, 12, 9, 0, 0, Shanghai));
        var town = await factory.StaffAsync("town-staff");
        var v1 = await PublishAsync(town, "Rental", ("房东登记租客信息", true));
        var id = (await CreateAsync(town, "东山出租屋", "Rental", QuietGrid, 3)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(3)).PostAsJsonAsync($"/api/premises/{id}/self-checks", Check("2026-12", true))).StatusCode);

        var v2 = await PublishAsync(town, "Rental", ("房东登记租客信息", true), ("电动车不进楼道", true), ("垃圾分类", false));
        var badKind = await town.PutAsJsonAsync($"/api/towns/{TownId}/premises-checklists/Castle", new { items = new[] { new { text = "x", critical = false } } });
        var empty = await town.PutAsJsonAsync($"/api/towns/{TownId}/premises-checklists/Rental", new { items = Array.Empty<object>() });
        var byCommunity = await (await factory.StaffAsync("staff-dongshan")).PutAsJsonAsync($"/api/towns/{TownId}/premises-checklists/Rental", new { items = new[] { new { text = "x", critical = false } } });
        var current = await town.GetFromJsonAsync<JsonElement>($"/api/towns/{TownId}/premises-checklists");

        Assert.Equal(v1.GetProperty("version").GetInt32() + 1, v2.GetProperty("version").GetInt32());
        var kept = await factory.WithDbAsync(db => db.PremisesSelfChecks.Where(c => c.PremisesId == id).Select(c => c.ChecklistVersion).SingleAsync());
        Assert.Equal(v1.GetProperty("version").GetInt32(), kept);
        await ProblemAssert.IsProblemAsync(badKind, HttpStatusCode.BadRequest, "premises.kind_invalid");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byCommunity.StatusCode);
        Assert.Equal(3, current.EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "Rental").GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Poster_IsAPng_ListScopedAndPaged_CreateRefusesBadInput()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 12, 14, 9, 0, 0, Shanghai));
        var town = await factory.StaffAsync("town-staff");
        var id = (await CreateAsync(town, "东山茶馆", "Restaurant", QuietGrid, 4)).GetProperty("id").GetGuid();
        var xihu = await factory.StaffAsync("staff-xihu");

        var poster = await town.GetAsync($"/api/premises/{id}/code-poster");
        var bytes = await poster.Content.ReadAsByteArrayAsync();
        var page = await town.GetFromJsonAsync<JsonElement>($"/api/premises?grid={QuietGrid}&page=1&pageSize=1");
        var outOfScope = await xihu.GetAsync($"/api/premises/{id}/code-poster");
        var xihuList = await xihu.GetFromJsonAsync<JsonElement>("/api/premises");
        var wrongGrid = await xihu.GetAsync($"/api/premises?grid={QuietGrid}");
        var noResident = await town.PostAsJsonAsync("/api/premises", new { name = "x", kind = "Shop", gridId = QuietGrid, address = "y", responsibleResidentId = Guid.NewGuid() });
        var badKind = await town.PostAsJsonAsync("/api/premises", new { name = "x", kind = "Castle", gridId = QuietGrid, address = "y", responsibleResidentId = PointsApiFactory.DemoResidentId(1) });
        var noName = await town.PostAsJsonAsync("/api/premises", new { kind = "Shop", gridId = QuietGrid, address = "y", responsibleResidentId = PointsApiFactory.DemoResidentId(1) });

        Assert.Equal(HttpStatusCode.OK, poster.StatusCode);
        Assert.Equal("image/png", poster.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 1);
        await ProblemAssert.IsProblemAsync(outOfScope, HttpStatusCode.Forbidden, "premises.out_of_scope");
        Assert.DoesNotContain(xihuList.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsProblemAsync(wrongGrid, HttpStatusCode.Forbidden, "premises.out_of_scope");
        await ProblemAssert.IsProblemAsync(noResident, HttpStatusCode.UnprocessableEntity, "premises.responsible_invalid");
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
    }

    [Fact]
    public async Task MonthClose_FreezesColours_Idempotent_ThreeRedsOneCase_StatsStableAfterLaterChanges()
    {
        factory.Clock.Set(new DateTimeOffset(2027, 3, 5, 9, 0, 0, Shanghai));
        var town = await factory.StaffAsync("town-staff");
        await PublishAsync(town, "Enterprise", ("安全生产责任制上墙", true), ("员工培训记录", false));
        var good = (await CreateAsync(town, "东山机械厂", "Enterprise", WorkerGrid, 5)).GetProperty("id").GetGuid();
        var absent = (await CreateAsync(town, "东山纺织厂", "Enterprise", WorkerGrid, 6)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(5)).PostAsJsonAsync($"/api/premises/{good}/self-checks", Check("2027-03", true, true))).StatusCode);
        var job = new PremisesMonthCloseJob();
        var host = NewHost("premises-a", job);

        // Run during March: it closes what is over (February), never the month still under way.
        await host.RunOnceAsync(job, CancellationToken.None);
        var marchClosedEarly = await factory.WithDbAsync(db => db.ClosedPremisesMonths.CountAsync(m => m.Month == "2027-03"));
        factory.Clock.Set(new DateTimeOffset(2027, 4, 1, 0, 40, 0, Shanghai));
        town = await factory.StaffAsync("town-staff");
        var ran = await host.RunOnceAsync(job, CancellationToken.None);
        var again = await CloseAsync("2027-03");
        var march = await town.GetStringAsync($"/api/premises/stats?month=2027-03&grid={WorkerGrid}");

        Assert.Equal(0, marchClosedEarly);
        Assert.True(ran);
        Assert.Equal(0, again.Closed);
        using (var doc = JsonDocument.Parse(march))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("green").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("red").GetInt32());
            Assert.Equal(0.5, doc.RootElement.GetProperty("conversionRate").GetDouble());
            Assert.True(doc.RootElement.GetProperty("closed").GetBoolean());
        }

        var worker = await factory.StaffAsync("grid-worker");
        var inspections = await worker.GetFromJsonAsync<JsonElement>("/api/premises/follow-ups?kind=Inspection&open=true");
        var task = Assert.Single(inspections.GetProperty("items").EnumerateArray(), f => f.GetProperty("premisesId").GetGuid() == absent);
        Assert.Equal(DemoSeeder.StableId("user:grid-worker"), task.GetProperty("assigneeId").GetGuid());
        Assert.DoesNotContain(inspections.GetProperty("items").EnumerateArray(), f => f.GetProperty("premisesId").GetGuid() == good);

        factory.Clock.Set(new DateTimeOffset(2027, 4, 10, 9, 0, 0, Shanghai));
        town = await factory.StaffAsync("town-staff");
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(5)).PostAsJsonAsync($"/api/premises/{good}/self-checks", Check("2027-04", false, true))).StatusCode);
        await CreateAsync(town, "东山新厂", "Enterprise", WorkerGrid, 7);
        await PublishAsync(town, "Enterprise", ("安全生产责任制上墙", false));
        factory.Clock.Set(new DateTimeOffset(2027, 5, 1, 1, 0, 0, Shanghai));
        var april = await CloseAsync("2027-04");
        factory.Clock.Set(new DateTimeOffset(2027, 6, 1, 1, 0, 0, Shanghai));
        var may = await CloseAsync("2027-05");
        var mayAgain = await CloseAsync("2027-05");
        town = await factory.StaffAsync("town-staff");
        worker = await factory.StaffAsync("grid-worker");
        var marchLater = await town.GetStringAsync($"/api/premises/stats?month=2027-03&grid={WorkerGrid}");
        var cases = await town.GetFromJsonAsync<JsonElement>("/api/premises/follow-ups?kind=JointEnforcement");

        Assert.True(april.Red >= 2);
        Assert.True(may.EnforcementCases >= 1);
        Assert.Equal(0, mayAgain.Closed);
        Assert.Equal(march, marchLater);
        Assert.Equal(1, await factory.WithDbAsync(db => db.PremisesFollowUps.CountAsync(f => f.PremisesId == absent && f.Kind == FollowUpKind.JointEnforcement)));
        Assert.Equal(0, await factory.WithDbAsync(db => db.PremisesFollowUps.CountAsync(f => f.PremisesId == good && f.Kind == FollowUpKind.JointEnforcement)));
        Assert.Equal(3, await factory.WithDbAsync(db => db.PremisesFollowUps.CountAsync(f => f.PremisesId == absent && f.Kind == FollowUpKind.Inspection)));
        var enforcement = Assert.Single(cases.GetProperty("items").EnumerateArray(), f => f.GetProperty("premisesId").GetGuid() == absent);
        Assert.Equal("2027-05", enforcement.GetProperty("month").GetString());

        var taskId = task.GetProperty("id").GetGuid();
        var closed = await worker.PostAsJsonAsync($"/api/premises/follow-ups/{taskId}/close", new { note = "已上门检查，责令整改" });
        var closedAgain = await worker.PostAsJsonAsync($"/api/premises/follow-ups/{taskId}/close", new { note = "再次" });
        var workerOnCase = await worker.PostAsJsonAsync($"/api/premises/follow-ups/{enforcement.GetProperty("id").GetGuid()}/close", new { note = "越权" });
        var xihuOnTask = await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync($"/api/premises/follow-ups/{taskId}/close", new { note = "越权" });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.False((await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("open").GetBoolean());
        await ProblemAssert.IsProblemAsync(closedAgain, HttpStatusCode.Conflict, "premises.follow_up_closed");
        await ProblemAssert.IsProblemAsync(workerOnCase, HttpStatusCode.Forbidden, "premises.out_of_scope");
        await ProblemAssert.IsProblemAsync(xihuOnTask, HttpStatusCode.Forbidden, "premises.out_of_scope");
    }

    [Fact]
    public async Task Stats_CurrentMonthCountsUnchecked_FutureAndBadMonthsRefused()
    {
        factory.Clock.Set(new DateTimeOffset(2027, 8, 3, 9, 0, 0, Shanghai));
        var town = await factory.StaffAsync("town-staff");

        var now = await town.GetFromJsonAsync<JsonElement>("/api/premises/stats");
        var future = await town.GetAsync("/api/premises/stats?month=2027-09");
        var bad = await town.GetAsync("/api/premises/stats?month=2027-9");
        var otherTown = await town.GetAsync($"/api/premises/stats?town={Guid.NewGuid()}");

        Assert.Equal("2027-08", now.GetProperty("month").GetString());
        Assert.False(now.GetProperty("closed").GetBoolean());
        Assert.Equal(now.GetProperty("total").GetInt32(), now.GetProperty("green").GetInt32() + now.GetProperty("yellow").GetInt32()
            + now.GetProperty("red").GetInt32() + now.GetProperty("unchecked").GetInt32());
        await ProblemAssert.IsProblemAsync(future, HttpStatusCode.BadRequest, "premises.month_future");
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "premises.month_invalid");
        await ProblemAssert.IsProblemAsync(otherTown, HttpStatusCode.Forbidden, "premises.out_of_scope");
    }

    private static object Check(string month, params bool[] passes) =>
        new { month, answers = passes.Select((p, i) => new { item = i, pass = p }).ToArray(), photoIds = Array.Empty<Guid>() };

    private static async Task<JsonElement> PublishAsync(HttpClient town, string kind, params (string Text, bool Critical)[] items)
    {
        var response = await town.PutAsJsonAsync($"/api/towns/{TownId}/premises-checklists/{kind}", new { items = items.Select(i => new { text = i.Text, critical = i.Critical }).ToArray() });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> CreateAsync(HttpClient staff, string name, string kind, Guid grid, int resident)
    {
        var response = await staff.PostAsJsonAsync("/api/premises", new { name, kind, gridId = grid, address = "东山路" + resident + "号", responsibleResidentId = PointsApiFactory.DemoResidentId(resident) });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<PremisesMonthCloseRun> CloseAsync(string month)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PremisesMonthCloser>().CloseAsync(month, CancellationToken.None);
    }

    private JobScheduler NewHost(string holder, IScheduledJob job) =>
        new(factory.Services.GetRequiredService<IServiceScopeFactory>(), [job], Options.Create(new SchedulerOptions { InstanceId = holder }), factory.Clock,
            factory.Services.GetRequiredService<Points.Infrastructure.Diagnostics.PointsMetrics>(), NullLogger<JobScheduler>.Instance);
}
