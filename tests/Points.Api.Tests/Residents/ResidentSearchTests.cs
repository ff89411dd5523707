using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Residents;

public sealed class ResidentSearchTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Search_ByName_FindsTheResident_InScopeOnly()
    {
        var (resident, id) = await FreshResidentAsync(factory, 30);
        var name = "查找" + Guid.NewGuid().ToString("N")[..6];
        (await resident.PatchAsJsonAsync("/api/me", new { displayName = name })).EnsureSuccessStatusCode();
        var communityId = (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetGuid();
        var (own, other) = communityId == PointsApiFactory.DongshanId ? ("staff-dongshan", "staff-xihu") : ("staff-xihu", "staff-dongshan");

        var found = await (await factory.StaffAsync(own)).GetFromJsonAsync<JsonElement>($"/api/residents?q={Uri.EscapeDataString(name)}");
        var town = await (await factory.StaffAsync("town-staff")).GetFromJsonAsync<JsonElement>($"/api/residents?q={Uri.EscapeDataString(name)}&community={communityId}");
        var outside = await (await factory.StaffAsync(other)).GetFromJsonAsync<JsonElement>($"/api/residents?q={Uri.EscapeDataString(name)}");
        var outsideAsked = await (await factory.StaffAsync(other)).GetAsync($"/api/residents?community={communityId}");

        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.Equal(id, found.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, town.GetProperty("total").GetInt32());
        Assert.Equal(0, outside.GetProperty("total").GetInt32());
        await ProblemAssert.IsProblemAsync(outsideAsked, HttpStatusCode.Forbidden, "residents.out_of_scope");
    }

    [Fact]
    public async Task Search_PagesByTwenty_AndRefusesBadPages()
    {
        var staff = await factory.StaffAsync("town-staff");

        var first = await staff.GetFromJsonAsync<JsonElement>("/api/residents?page=1");
        var second = await staff.GetFromJsonAsync<JsonElement>("/api/residents?page=2");
        var zero = await staff.GetAsync("/api/residents?page=0");
        var huge = await staff.GetAsync($"/api/residents?page={int.MaxValue}");

        Assert.True(first.GetProperty("total").GetInt32() > 20);
        Assert.Equal(20, first.GetProperty("items").GetArrayLength());
        var firstIds = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToHashSet();
        Assert.DoesNotContain(second.GetProperty("items").EnumerateArray(), i => firstIds.Contains(i.GetProperty("id").GetGuid()));
        await ProblemAssert.IsProblemAsync(zero, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(huge, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Resident_Detail_ShowsBalance_ForStaffInScope_NotForResidentsOrOtherCommunities()
    {
        var (resident, id) = await FreshResidentAsync(factory, 42);
        var communityId = (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetGuid();
        var (own, other) = communityId == PointsApiFactory.DongshanId ? ("staff-dongshan", "staff-xihu") : ("staff-xihu", "staff-dongshan");

        var detail = await (await factory.StaffAsync(own)).GetFromJsonAsync<JsonElement>($"/api/residents/{id}");
        var otherCommunity = await (await factory.StaffAsync(other)).GetAsync($"/api/residents/{id}");
        var asResident = await resident.GetAsync($"/api/residents/{id}");
        var asResidentSearch = await resident.GetAsync("/api/residents");
        var missing = await (await factory.StaffAsync(own)).GetAsync($"/api/residents/{Guid.NewGuid()}");

        Assert.Equal(42, detail.GetProperty("balance").GetInt64());
        Assert.NotEmpty(detail.GetProperty("entries").EnumerateArray());
        await ProblemAssert.IsProblemAsync(otherCommunity, HttpStatusCode.Forbidden, "residents.out_of_scope");
        await ProblemAssert.IsProblemAsync(asResident, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(asResidentSearch, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "resident.not_found");
    }
}
