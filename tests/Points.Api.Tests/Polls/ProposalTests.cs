using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Polls;

/// <summary>我有话说: residents propose, staff of the community answer or make a poll of it, once; the resident reads the outcome.</summary>
public sealed class ProposalTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static async Task<JsonElement> ProposeAsync(HttpClient resident, string title)
    {
        var response = await resident.PostAsJsonAsync("/api/proposals", new { title, content = "小区里老人多，希望添置一些健身器材。" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Proposal_AnsweredByStaff_ResidentReadsAnswerAndSecondHandlingRefused()
    {
        var resident = await factory.ResidentAsync(1);
        var proposal = await ProposeAsync(resident, "添置健身器材");
        var id = proposal.GetProperty("id").GetGuid();
        var staff = await factory.StaffAsync("staff-dongshan");

        var queue = await staff.GetFromJsonAsync<JsonElement>("/api/proposals?status=Open");
        var xihuQueue = await (await factory.StaffAsync("staff-xihu")).GetFromJsonAsync<JsonElement>("/api/proposals");
        var xihuAnswer = await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync($"/api/proposals/{id}/answer", new { answer = "不归我管" });
        var answered = await staff.PostAsJsonAsync($"/api/proposals/{id}/answer", new { answer = "已列入明年村级项目，感谢建议。" });
        var again = await staff.PostAsJsonAsync($"/api/proposals/{id}/answer", new { answer = "再答一次" });
        var poll = await staff.PostAsJsonAsync($"/api/proposals/{id}/poll", new { options = new[] { "甲", "乙" }, opensAt = factory.Clock.GetUtcNow(), closesAt = factory.Clock.GetUtcNow().AddDays(1) });
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/proposals");
        var badStatus = await staff.GetAsync("/api/proposals?status=Nope");

        Assert.Equal("Open", proposal.GetProperty("status").GetString());
        Assert.Contains(queue.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        Assert.DoesNotContain(xihuQueue.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsProblemAsync(xihuAnswer, HttpStatusCode.NotFound, "proposal.not_found");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "proposal.already_handled");
        await ProblemAssert.IsProblemAsync(poll, HttpStatusCode.Conflict, "proposal.already_handled");
        var read = mine.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id);
        Assert.Equal("Answered", read.GetProperty("status").GetString());
        Assert.Equal("已列入明年村级项目，感谢建议。", read.GetProperty("answer").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task Proposal_MadeIntoPoll_PollInProposalsCommunityWithItsTitleAndResidentFollowsIt()
    {
        var resident = await factory.ResidentAsync(3);
        var proposal = await ProposeAsync(resident, "健身器材放哪里");
        var id = proposal.GetProperty("id").GetGuid();
        var staff = await factory.StaffAsync("town-staff");

        var response = await staff.PostAsJsonAsync($"/api/proposals/{id}/poll", new
        {
            options = new[] { "3号楼北侧", "南门空地" }, opensAt = factory.Clock.GetUtcNow(), closesAt = factory.Clock.GetUtcNow().AddDays(3), onePer = "Resident",
        });
        var twice = await staff.PostAsJsonAsync($"/api/proposals/{id}/poll", new { options = new[] { "甲", "乙" }, opensAt = factory.Clock.GetUtcNow(), closesAt = factory.Clock.GetUtcNow().AddDays(1) });
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/proposals");
        var polls = await resident.GetFromJsonAsync<JsonElement>("/api/polls");

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var poll = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("健身器材放哪里", poll.GetProperty("title").GetString());
        Assert.Equal(PointsApiFactory.DongshanId, poll.GetProperty("communityId").GetGuid());
        Assert.Equal(id, poll.GetProperty("proposalId").GetGuid());
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict, "proposal.already_handled");
        var read = mine.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id);
        Assert.Equal("PollOpened", read.GetProperty("status").GetString());
        Assert.Equal(poll.GetProperty("id").GetGuid(), read.GetProperty("pollId").GetGuid());
        Assert.Contains(polls.EnumerateArray(), p => p.GetProperty("id").GetGuid() == poll.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Proposal_BadInput_RefusedWithCodes()
    {
        var resident = await factory.ResidentAsync(5);

        var empty = await resident.PostAsJsonAsync("/api/proposals", new { title = "", content = "x" });
        var missing = await (await factory.StaffAsync()).PostAsJsonAsync($"/api/proposals/{Guid.NewGuid()}/answer", new { answer = "好" });

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "proposal.not_found");
    }

    [Fact]
    public async Task Household_SetByStaffAfterMicroGrid_RefusedBeforeAndOutOfScope()
    {
        var (_, id) = await Points.Api.Tests.Ledger.LedgerTestKit.FreshResidentAsync(factory, 0);
        var staff = await factory.StaffAsync("staff-dongshan");

        var before = await staff.PutAsJsonAsync($"/api/residents/{id}/household", new { room = "502" });
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/residents/{id}/micro-grid", new { microGridId = Points.Infrastructure.Seeding.DemoSeeder.StableId("micro-grid:0:1:building-1") })).StatusCode);
        var xihu = await (await factory.StaffAsync("staff-xihu")).PutAsJsonAsync($"/api/residents/{id}/household", new { room = "502" });
        var set = await staff.PutAsJsonAsync($"/api/residents/{id}/household", new { room = " 3单元 502 " });

        await ProblemAssert.IsProblemAsync(before, HttpStatusCode.Conflict, "household.micro_grid_missing");
        Assert.Equal(HttpStatusCode.Forbidden, xihu.StatusCode);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("3单元502", (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("room").GetString());
    }
}
