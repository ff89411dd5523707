using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;

namespace Points.Api.Tests.Administration;

/// <summary>A resident's community changes only when staff of the destination approve; the first one too.</summary>
public sealed class CommunityMoveTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Move_IsARequest_TheDestinationsStaffDecide_AndOnlyApprovalMoves()
    {
        var subject = "move-" + Guid.NewGuid().ToString("N")[..8];
        var resident = await factory.ClientAsAsync(Role.Resident, subject);
        var me = await resident.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(PointsApiFactory.DongshanId, me.GetProperty("communityId").GetGuid());
        var grid = (await resident.GetFromJsonAsync<JsonElement>($"/api/communities/{PointsApiFactory.XihuId}")).GetProperty("grids")[0].GetProperty("id").GetGuid();

        var requested = await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.XihuId, gridId = grid });
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var move = await requested.Content.ReadFromJsonAsync<JsonElement>();
        var id = move.GetProperty("id").GetGuid();
        Assert.Equal("待审核", move.GetProperty("statusName").GetString());
        Assert.Equal("东山村", move.GetProperty("fromCommunityName").GetString());
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.XihuId }), HttpStatusCode.Conflict, "community_move.pending");
        Assert.Equal(PointsApiFactory.DongshanId, (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetGuid());

        var dongshan = await factory.StaffAsync("staff-dongshan");
        Assert.DoesNotContain((await dongshan.GetFromJsonAsync<JsonElement>("/api/community-moves")).EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsProblemAsync(await dongshan.PostAsJsonAsync($"/api/community-moves/{id}/approve", new { }), HttpStatusCode.Forbidden, "community_move.out_of_scope");
        var xihu = await factory.StaffAsync("staff-xihu");
        Assert.Contains((await xihu.GetFromJsonAsync<JsonElement>("/api/community-moves")).EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsProblemAsync(await xihu.PostAsJsonAsync($"/api/community-moves/{id}/reject", new { note = "" }), HttpStatusCode.BadRequest, "community_move.note_required");

        var approved = await xihu.PostAsJsonAsync($"/api/community-moves/{id}/approve", new { note = "已核实住址" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("timeline").GetArrayLength());
        Assert.Equal("已同意", body.GetProperty("timeline")[1].GetProperty("title").GetString());
        var after = await resident.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(PointsApiFactory.XihuId, after.GetProperty("communityId").GetGuid());
        Assert.Equal(grid, after.GetProperty("gridId").GetGuid());
        await ProblemAssert.IsProblemAsync(await xihu.PostAsJsonAsync($"/api/community-moves/{id}/approve", new { }), HttpStatusCode.Conflict, "community_move.not_pending");
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/community-moves");
        Assert.Equal("Approved", mine[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Rejected_AndWithdrawn_LeaveTheResidentWhereTheyWere()
    {
        var resident = await factory.ClientAsAsync(Role.Resident, "stay-" + Guid.NewGuid().ToString("N")[..8]);
        var first = await (await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.XihuId })).Content.ReadFromJsonAsync<JsonElement>();
        var town = await factory.StaffAsync("town-staff");

        var rejected = await town.PostAsJsonAsync($"/api/community-moves/{first.GetProperty("id").GetGuid()}/reject", new { note = "住址不在西湖社区" });
        var second = await (await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.XihuId })).Content.ReadFromJsonAsync<JsonElement>();
        var withdrawn = await resident.PostAsync($"/api/me/community-moves/{second.GetProperty("id").GetGuid()}/withdraw", null);

        Assert.Equal("未同意", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusName").GetString());
        Assert.Equal("Withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(PointsApiFactory.DongshanId, (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetGuid());
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.DongshanId }), HttpStatusCode.UnprocessableEntity, "community_move.same_community");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync("/api/me/community-moves", new { communityId = Guid.NewGuid() }), HttpStatusCode.BadRequest, "community_move.destination_invalid");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync("/api/me/community-moves", new { }), HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task FirstCommunity_ComesFromTheInvitation_OrFromAnApprovedRequest()
    {
        var anonymous = factory.CreateClient();

        var invited = await (await anonymous.PostAsJsonAsync("/api/auth/wechat", new { code = "inv-" + Guid.NewGuid().ToString("N"), communityId = PointsApiFactory.XihuId })).Content.ReadFromJsonAsync<JsonElement>();
        var uninvited = await (await anonymous.PostAsJsonAsync("/api/auth/wechat", new { code = "new-" + Guid.NewGuid().ToString("N") })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(PointsApiFactory.XihuId, invited.GetProperty("resident").GetProperty("communityId").GetGuid());
        Assert.Equal(JsonValueKind.Null, uninvited.GetProperty("resident").GetProperty("communityId").ValueKind);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", uninvited.GetProperty("accessToken").GetString());
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = "帮邻居修水管" }), HttpStatusCode.UnprocessableEntity, "declaration.no_community");
        var request = await (await client.PostAsJsonAsync("/api/me/community-moves", new { communityId = PointsApiFactory.DongshanId })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("申请加入", request.GetProperty("timeline")[0].GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/community-moves/{request.GetProperty("id").GetGuid()}/approve", new { })).StatusCode);
        Assert.Equal(PointsApiFactory.DongshanId, (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("communityId").GetGuid());
        Assert.True(await factory.WithDbAsync(db => db.CommunityMoves.AnyAsync(m => m.ResidentId == uninvited.GetProperty("resident").GetProperty("id").GetGuid() && m.FromCommunityId == null)));
    }
}
