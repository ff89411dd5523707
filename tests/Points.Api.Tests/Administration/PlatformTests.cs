using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Administration;

/// <summary>
/// The platform role creates towns with their first admin and manages the one credit model; a town's admin runs
/// only that town and cannot train or activate the model that scores every town.
/// </summary>
public sealed class PlatformTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Platform_CreatesATown_WhoseAdminRunsItAndNothingElse()
    {
        var platform = await factory.StaffAsync("platform");
        var name = Unique("新镇");
        var username = Unique("adm-");

        var response = await platform.PostAsJsonAsync("/api/towns", new { name, adminUsername = username, adminDisplayName = "新镇管理员" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var townId = body.GetProperty("town").GetProperty("id").GetGuid();
        Assert.Equal(name, body.GetProperty("town").GetProperty("name").GetString());
        Assert.Equal(50, body.GetProperty("town").GetProperty("pointsPerYuan").GetInt32());
        Assert.Equal("Admin", body.GetProperty("admin").GetProperty("account").GetProperty("role").GetString());
        Assert.Equal(townId, body.GetProperty("admin").GetProperty("account").GetProperty("townId").GetGuid());
        var towns = await platform.GetFromJsonAsync<JsonElement>("/api/towns");
        Assert.Contains(towns.EnumerateArray(), t => t.GetProperty("id").GetGuid() == townId);

        var admin = await FirstSignInAsync(factory, username, body.GetProperty("admin").GetProperty("oneTimePassword").GetString()!);
        var community = await admin.PostAsJsonAsync($"/api/towns/{townId}/communities", new { name = "新镇第一村" });
        Assert.Equal(HttpStatusCode.Created, community.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/towns/{townId}/settings")).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings"), HttpStatusCode.Forbidden, "region.out_of_scope");
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/communities", new { name = "越界村" }), HttpStatusCode.Forbidden, "region.out_of_scope");
        var demoAdmin = await factory.StaffAsync("admin");
        await ProblemAssert.IsProblemAsync(await demoAdmin.GetAsync($"/api/towns/{townId}/settings"), HttpStatusCode.Forbidden, "region.out_of_scope");
        var staffList = await admin.GetFromJsonAsync<JsonElement>("/api/staff");
        Assert.All(staffList.GetProperty("items").EnumerateArray(), s => Assert.Equal(townId, s.GetProperty("townId").GetGuid()));
        var residents = await admin.GetFromJsonAsync<JsonElement>("/api/residents");
        Assert.Equal(0, residents.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateTown_BadInput_IsAProblem_AndLeavesNoTownBehind()
    {
        var platform = await factory.StaffAsync("platform");
        var name = Unique("重名镇");
        Assert.Equal(HttpStatusCode.Created, (await platform.PostAsJsonAsync("/api/towns", new { name, adminUsername = Unique("a-"), adminDisplayName = "甲" })).StatusCode);

        await ProblemAssert.IsProblemAsync(await platform.PostAsJsonAsync("/api/towns", new { name, adminUsername = Unique("a-"), adminDisplayName = "乙" }), HttpStatusCode.Conflict, "town.name_taken");
        await ProblemAssert.IsProblemAsync(await platform.PostAsJsonAsync("/api/towns", new { name = "", adminUsername = Unique("a-"), adminDisplayName = "乙" }), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await platform.PostAsJsonAsync("/api/towns", new { name = new string('镇', 65), adminUsername = Unique("a-"), adminDisplayName = "乙" }), HttpStatusCode.BadRequest, "validation.failed");
        var orphan = Unique("孤镇");
        var taken = await platform.PostAsJsonAsync("/api/towns", new { name = orphan, adminUsername = "admin", adminDisplayName = "乙" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Towns.AnyAsync(t => t.Name == orphan)));
    }

    [Fact]
    public async Task CreditModel_OnlyThePlatformTrainsAndActivates_TownAdminsRead()
    {
        var admin = await factory.StaffAsync("admin");
        var platform = await factory.StaffAsync("platform");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/credit/models")).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/admin/credit/models/train", null), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/admin/credit/models/expert-1/activate", null), HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/api/admin/credit/models")).StatusCode);
        await ProblemAssert.IsProblemAsync(await platform.PostAsync("/api/admin/credit/models/nope-1/activate", null), HttpStatusCode.NotFound, "credit.model_not_found");
    }

    [Fact]
    public async Task Platform_AdministersNoTownData()
    {
        var platform = await factory.StaffAsync("platform");

        await ProblemAssert.IsProblemAsync(await platform.GetAsync($"/api/towns/{PointsApiFactory.DemoTownId}/settings"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await platform.GetAsync("/api/residents"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await platform.GetAsync("/api/staff"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await platform.PostAsJsonAsync("/api/points/adjustments", new { }), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("admin")).PostAsJsonAsync("/api/towns", new { name = Unique("镇"), adminUsername = Unique("a-"), adminDisplayName = "甲" }), HttpStatusCode.Forbidden, "auth.forbidden");
    }
}
