using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Administration;

public sealed class RegionAdministrationTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly string Town = $"/api/towns/{PointsApiFactory.DemoTownId}";

    [Fact]
    public async Task CreateRenameRetire_RetiredHiddenFromPickers_HistoryKept()
    {
        var townStaff = await factory.StaffAsync("town-staff");
        var name = Unique("新村");

        var created = await townStaff.PostAsJsonAsync($"{Town}/communities", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"{Town}/communities", new { name }), HttpStatusCode.Conflict, "community.name_taken");
        var renamed = await townStaff.PatchAsJsonAsync($"/api/communities/{id}", new { name = name + "改" });
        Assert.Equal(name + "改", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        var grid = await townStaff.PostAsJsonAsync($"/api/communities/{id}/grids", new { name = "第一网格" });
        Assert.Equal(HttpStatusCode.Created, grid.StatusCode);
        var gridId = (await grid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await townStaff.PostAsJsonAsync($"/api/communities/{id}/grids", new { name = "第二网格" });

        var retiredGrid = await townStaff.PatchAsJsonAsync($"/api/grids/{gridId}", new { retired = true });
        Assert.EndsWith("+08:00", (await retiredGrid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retiredAt").GetString());
        var resident = await factory.ResidentAsync();
        var picker = await resident.GetFromJsonAsync<JsonElement>("/api/communities");
        var listed = picker.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == id);
        Assert.Equal(["第二网格"], listed.GetProperty("grids").EnumerateArray().Select(g => g.GetProperty("name").GetString()).ToList());

        await townStaff.PatchAsJsonAsync($"/api/communities/{id}", new { retired = true });
        Assert.DoesNotContain((await resident.GetFromJsonAsync<JsonElement>("/api/communities")).EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
        Assert.DoesNotContain((await resident.GetFromJsonAsync<JsonElement>("/api/communities?includeRetired=true")).EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
        var history = await townStaff.GetFromJsonAsync<JsonElement>("/api/communities?includeRetired=true");
        var kept = history.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == id);
        Assert.NotEqual(JsonValueKind.Null, kept.GetProperty("retiredAt").ValueKind);
        Assert.Equal(2, kept.GetProperty("grids").GetArrayLength());
        Assert.True(await factory.WithDbAsync(db => db.Grids.AnyAsync(g => g.Id == gridId)));
        var move = await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = id });
        await ProblemAssert.IsProblemAsync(move, HttpStatusCode.BadRequest, "community_move.destination_invalid");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"/api/communities/{id}/grids", new { name = "第三网格" }), HttpStatusCode.Conflict, "community.retired");

        var restored = await townStaff.PatchAsJsonAsync($"/api/communities/{id}", new { retired = false });
        Assert.Equal(JsonValueKind.Null, (await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retiredAt").ValueKind);
        Assert.Contains((await resident.GetFromJsonAsync<JsonElement>("/api/communities")).EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task BadNamesAndScope_AreProblems()
    {
        var townStaff = await factory.StaffAsync("town-staff");

        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"{Town}/communities", new { name = "   " }), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"{Town}/communities", new { name = new string('村', 65) }), HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"/api/towns/{Guid.NewGuid()}/communities", new { name = "x" }), HttpStatusCode.NotFound, "town.not_found");
        await ProblemAssert.IsProblemAsync(await townStaff.PatchAsJsonAsync($"/api/grids/{Guid.NewGuid()}", new { name = "x" }), HttpStatusCode.NotFound, "grid.not_found");
        var otherTown = await factory.WithDbAsync(async db =>
        {
            var town = new Points.Domain.Regions.Town(Guid.CreateVersion7(), Unique("别镇"));
            var community = new Points.Domain.Regions.Community(Guid.CreateVersion7(), town.Id, "别村");
            db.Towns.Add(town);
            db.Communities.Add(community);
            await db.SaveChangesAsync();
            return (town.Id, CommunityId: community.Id);
        });
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"/api/towns/{otherTown.Id}/communities", new { name = "x" }), HttpStatusCode.Forbidden, "region.out_of_scope");
        await ProblemAssert.IsProblemAsync(await townStaff.PatchAsJsonAsync($"/api/communities/{otherTown.CommunityId}", new { retired = true }), HttpStatusCode.Forbidden, "region.out_of_scope");
        var communityStaff = await factory.StaffAsync("staff-dongshan");
        await ProblemAssert.IsProblemAsync(await communityStaff.PatchAsJsonAsync($"/api/communities/{PointsApiFactory.DongshanId}", new { name = "改名" }), HttpStatusCode.Forbidden, "auth.forbidden");
    }
}
