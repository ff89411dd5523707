using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Ledger;
using Points.Domain.Ledger;
using Points.Infrastructure.Seeding;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Polls;

/// <summary>议事投票 on PostgreSQL + Redis: one vote per resident or household (also under concurrent clicks), the window, the choice rules, hidden results, the award and the export.</summary>
public sealed class PollTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly Guid Building1 = DemoSeeder.StableId("micro-grid:0:1:building-1");

    private Dictionary<string, object?> Body(string onePer = "Resident", bool multiple = false, bool live = false, double opensInHours = -1, double closesInHours = 24,
        Guid? communityId = null, Guid? gridId = null, int? points = null, string[]? options = null)
    {
        var now = factory.Clock.GetUtcNow().ToOffset(Shanghai);
        return new Dictionary<string, object?>
        {
            ["title"] = "健身器材放在哪里" + Guid.NewGuid().ToString("N")[..4],
            ["options"] = options ?? ["3号楼北侧", "南门空地", "老年活动室旁"],
            ["communityId"] = gridId is null ? communityId ?? PointsApiFactory.DongshanId : null,
            ["gridId"] = gridId,
            ["opensAt"] = now.AddHours(opensInHours),
            ["closesAt"] = now.AddHours(closesInHours),
            ["multipleChoice"] = multiple,
            ["onePer"] = onePer,
            ["liveResults"] = live,
            ["points"] = points,
        };
    }

    private async Task<JsonElement> CreateAsync(Dictionary<string, object?> body, string staff = "staff-dongshan")
    {
        var response = await (await factory.StaffAsync(staff)).PostAsJsonAsync("/api/polls", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Guid OptionId(JsonElement poll, int index) => poll.GetProperty("options")[index].GetProperty("id").GetGuid();

    private static Task<HttpResponseMessage> VoteAsync(HttpClient client, JsonElement poll, params int[] options) =>
        client.PostAsJsonAsync($"/api/polls/{poll.GetProperty("id").GetGuid()}/votes", new { optionIds = options.Select(i => OptionId(poll, i)).ToArray() });

    private async Task SetPollRuleAsync(int defaultPoints, int? dailyCap = null)
    {
        var response = await (await factory.StaffAsync("town-staff")).PutAsJsonAsync(
            $"/api/towns/{PointsApiFactory.DemoTownId}/earning-rules/PollVote", new { defaultPoints, dailyCap, monthlyCap = (int?)null });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A fresh resident of 1号楼 (东山村) with door number <paramref name="room"/>.</summary>
    private async Task<(HttpClient Client, Guid Id)> HouseholdMemberAsync(string? room)
    {
        var fresh = await FreshResidentAsync(factory, 0);
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/residents/{fresh.Id}/micro-grid", new { microGridId = Building1 })).StatusCode);
        if (room is not null)
        {
            var set = await staff.PutAsJsonAsync($"/api/residents/{fresh.Id}/household", new { room });
            Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        return fresh;
    }

    private Task<int> VoteRowsAsync(Guid pollId) => factory.WithDbAsync(db => db.PollVotes.CountAsync(v => v.PollId == pollId));

    private Task<int> AwardsAsync(Guid residentId) => factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.Reason == TransferReason.PollVote && e.CreditAccountId ==
        db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == residentId).Select(a => a.Id).First()));

    [Fact]
    public async Task Create_CommunityPoll_Returns201WithOptionsAndResidentListsIt()
    {
        var poll = await CreateAsync(Body());
        var resident = await factory.ResidentAsync(1);

        Assert.Equal(["3号楼北侧", "南门空地", "老年活动室旁"], poll.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("text").GetString()));
        Assert.Equal("Open", poll.GetProperty("state").GetString());
        Assert.Equal("Resident", poll.GetProperty("onePer").GetString());
        Assert.True(poll.GetProperty("eligible").GetInt32() >= 25);
        var list = await resident.GetFromJsonAsync<JsonElement>("/api/polls");
        Assert.Contains(list.EnumerateArray(), p => p.GetProperty("id").GetGuid() == poll.GetProperty("id").GetGuid());
        var other = await (await factory.ResidentAsync(2)).GetFromJsonAsync<JsonElement>("/api/polls");
        Assert.DoesNotContain(other.EnumerateArray(), p => p.GetProperty("id").GetGuid() == poll.GetProperty("id").GetGuid());
        var staffList = await (await factory.StaffAsync("staff-xihu")).GetFromJsonAsync<JsonElement>("/api/polls");
        Assert.DoesNotContain(staffList.EnumerateArray(), p => p.GetProperty("id").GetGuid() == poll.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Vote_ResultsHiddenUntilClose_ThenCountsAndTurnoutShown()
    {
        var poll = await CreateAsync(Body(closesInHours: 2));
        var id = poll.GetProperty("id").GetGuid();
        var one = await factory.ResidentAsync(1);
        var three = await factory.ResidentAsync(3);

        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(one, poll, 0)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(three, poll, 1)).StatusCode);
        var during = await one.GetFromJsonAsync<JsonElement>($"/api/polls/{id}");
        var staffDuring = await (await factory.StaffAsync()).GetFromJsonAsync<JsonElement>($"/api/polls/{id}");
        var hidden = await (await factory.StaffAsync()).GetAsync($"/api/polls/{id}/results?format=xlsx");

        Assert.False(during.GetProperty("resultsVisible").GetBoolean());
        Assert.All(during.GetProperty("options").EnumerateArray(), o => Assert.Equal(JsonValueKind.Null, o.GetProperty("votes").ValueKind));
        Assert.Equal(JsonValueKind.Null, during.GetProperty("voters").ValueKind);
        Assert.Equal([OptionId(poll, 0)], during.GetProperty("myChoices").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(2, staffDuring.GetProperty("voters").GetInt32());
        Assert.All(staffDuring.GetProperty("options").EnumerateArray(), o => Assert.Equal(JsonValueKind.Null, o.GetProperty("votes").ValueKind));
        await ProblemAssert.IsProblemAsync(hidden, HttpStatusCode.Conflict, "poll.results_hidden");

        factory.Clock.Advance(TimeSpan.FromHours(2));
        one = await factory.ResidentAsync(1);
        var after = await one.GetFromJsonAsync<JsonElement>($"/api/polls/{id}");

        Assert.Equal("Closed", after.GetProperty("state").GetString());
        Assert.Equal([1, 1, 0], after.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt32()));
        Assert.Equal(2, after.GetProperty("voters").GetInt32());
        Assert.Equal(Math.Round(2.0 / after.GetProperty("eligible").GetInt32(), 4), after.GetProperty("turnout").GetDouble());
    }

    [Fact]
    public async Task Vote_LivePoll_CountsShownWhileOpen()
    {
        var poll = await CreateAsync(Body(live: true));
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(await factory.ResidentAsync(5), poll, 2)).StatusCode);

        var read = await (await factory.ResidentAsync(7)).GetFromJsonAsync<JsonElement>($"/api/polls/{poll.GetProperty("id").GetGuid()}");
        var results = await (await factory.StaffAsync()).GetAsync($"/api/polls/{poll.GetProperty("id").GetGuid()}/results");

        Assert.True(read.GetProperty("resultsVisible").GetBoolean());
        Assert.Equal([0, 0, 1], read.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
    }

    [Fact]
    public async Task Vote_TwentyParallelClicksByOneResident_OneVoteRowAndOneLedgerAward()
    {
        await SetPollRuleAsync(5);
        var poll = await CreateAsync(Body());
        var id = poll.GetProperty("id").GetGuid();
        var (client, resident) = await FreshResidentAsync(factory, 0);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => VoteAsync(client, poll, 1)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "poll.already_voted");
            Assert.Contains("只能投一次", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        var created = await responses.Single(r => r.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, created.GetProperty("awardedPoints").GetInt32());
        Assert.Equal(1, await VoteRowsAsync(id));
        Assert.Equal(1, await AwardsAsync(resident));
        Assert.Equal(5, await BalanceAsync(factory, resident));
        Assert.Equal(PollVoteKey(created.GetProperty("id").GetGuid()), await factory.WithDbAsync(db => db.JournalEntries
            .Where(e => e.Reason == TransferReason.PollVote && e.SourceId == id.ToString()).Select(e => e.IdempotencyKey).SingleAsync()));
        await AssertLedgerConsistentAsync(factory);
    }

    private static string PollVoteKey(Guid voteId) => $"poll-vote:{voteId}";

    [Fact]
    public async Task Vote_TwoHouseholdMembersAtOnce_OneVoteOtherGets409InChinese()
    {
        var room = "3单元" + Random.Shared.Next(100, 999);
        var a = await HouseholdMemberAsync(room);
        var b = await HouseholdMemberAsync(" " + room + " ");
        var neighbour = await HouseholdMemberAsync(room + "A");
        var noRoom = await HouseholdMemberAsync(null);
        var poll = await CreateAsync(Body(onePer: "Household"));
        var id = poll.GetProperty("id").GetGuid();

        var both = await Task.WhenAll(VoteAsync(a.Client, poll, 0), VoteAsync(b.Client, poll, 1));
        var again = await VoteAsync(a.Client, poll, 0);
        var other = await VoteAsync(neighbour.Client, poll, 1);
        var unknown = await VoteAsync(noRoom.Client, poll, 1);

        Assert.Single(both, r => r.StatusCode == HttpStatusCode.Created);
        var problem = await ProblemAssert.IsProblemAsync(both.Single(r => r.StatusCode != HttpStatusCode.Created), HttpStatusCode.Conflict, "poll.household_already_voted");
        Assert.Equal("您家已有家庭成员投过票，每户只能投一票", problem.GetProperty("title").GetString());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "poll.household_already_voted");
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.Conflict, "poll.household_unknown");
        Assert.Equal(2, await VoteRowsAsync(id));
        Assert.Equal(1, await factory.WithDbAsync(db => db.PollVotes.CountAsync(v => v.PollId == id && (v.ResidentId == a.Id || v.ResidentId == b.Id))));
    }

    [Fact]
    public async Task Vote_TwentyRoundsOfTwoHouseholdMembers_AlwaysOneVote()
    {
        var room = "9号" + Random.Shared.Next(100, 999);
        var a = await HouseholdMemberAsync(room);
        var b = await HouseholdMemberAsync(room);
        for (var round = 0; round < 20; round++)
        {
            var poll = await CreateAsync(Body(onePer: "Household"));
            var both = await Task.WhenAll(VoteAsync(a.Client, poll, 0), VoteAsync(b.Client, poll, 0));

            Assert.Single(both, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Equal(1, await VoteRowsAsync(poll.GetProperty("id").GetGuid()));
        }
    }

    [Fact]
    public async Task Vote_OutsideWindowOptionsOrScope_RefusedWithCodes()
    {
        var resident = await factory.ResidentAsync(9);
        var upcoming = await CreateAsync(Body(opensInHours: 1));
        var single = await CreateAsync(Body());
        var multiple = await CreateAsync(Body(multiple: true));
        var xihu = await CreateAsync(Body(communityId: PointsApiFactory.XihuId), "staff-xihu");
        var otherPoll = await CreateAsync(Body());

        await ProblemAssert.IsProblemAsync(await VoteAsync(resident, upcoming, 0), HttpStatusCode.Conflict, "poll.not_open");
        await ProblemAssert.IsProblemAsync(await VoteAsync(resident, single, 0, 1), HttpStatusCode.BadRequest, "poll.single_choice");
        await ProblemAssert.IsProblemAsync(await VoteAsync(resident, single), HttpStatusCode.BadRequest, "poll.no_choice");
        var foreign = await resident.PostAsJsonAsync($"/api/polls/{single.GetProperty("id").GetGuid()}/votes", new { optionIds = new[] { OptionId(otherPoll, 0) } });
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.BadRequest, "poll.option_invalid");
        await ProblemAssert.IsProblemAsync(await VoteAsync(resident, xihu, 0), HttpStatusCode.Forbidden, "poll.out_of_scope");
        var missing = await resident.PostAsJsonAsync($"/api/polls/{Guid.NewGuid()}/votes", new { optionIds = new[] { Guid.NewGuid() } });
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "poll.not_found");
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(resident, multiple, 0, 2)).StatusCode);
        Assert.Equal(0, await VoteRowsAsync(single.GetProperty("id").GetGuid()));

        factory.Clock.Advance(TimeSpan.FromHours(24));
        resident = await factory.ResidentAsync(9);
        await ProblemAssert.IsProblemAsync(await VoteAsync(resident, single, 0), HttpStatusCode.Conflict, "poll.closed");
    }

    [Fact]
    public async Task Vote_GridPoll_OnlyResidentsOfThatGrid()
    {
        var grid = await factory.WithDbAsync(db => db.Users.Where(u => u.Id == PointsApiFactory.DemoResidentId(1)).Select(u => u.GridId!.Value).SingleAsync());
        var poll = await CreateAsync(Body(gridId: grid));

        Assert.Equal(PointsApiFactory.DongshanId, poll.GetProperty("communityId").GetGuid());
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(await factory.ResidentAsync(1), poll, 0)).StatusCode);
        await ProblemAssert.IsProblemAsync(await VoteAsync(await factory.ResidentAsync(3), poll, 0), HttpStatusCode.Forbidden, "poll.out_of_scope");
    }

    [Fact]
    public async Task Vote_DailyCapOfPollRule_VoteKeptWithoutPoints()
    {
        await SetPollRuleAsync(5, dailyCap: 5);
        var (client, resident) = await FreshResidentAsync(factory, 0);
        var first = await CreateAsync(Body());
        var second = await CreateAsync(Body());

        var one = await (await VoteAsync(client, first, 0)).Content.ReadFromJsonAsync<JsonElement>();
        var two = await VoteAsync(client, second, 0);

        Assert.Equal(5, one.GetProperty("awardedPoints").GetInt32());
        Assert.Equal(HttpStatusCode.Created, two.StatusCode);
        Assert.Equal(0, (await two.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
        Assert.Equal(5, await BalanceAsync(factory, resident));
        Assert.Equal(1, await AwardsAsync(resident));
        await SetPollRuleAsync(5);
    }

    [Fact]
    public async Task Create_BadTermsOrOutOfScope_RefusedWithCodes()
    {
        var staff = await factory.StaffAsync("staff-dongshan");

        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync("/api/polls", Body(options: ["只有一个"])), HttpStatusCode.BadRequest, "poll.options_invalid");
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync("/api/polls", Body(closesInHours: -2)), HttpStatusCode.BadRequest, "poll.window_invalid");
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync("/api/polls", Body(communityId: PointsApiFactory.XihuId)), HttpStatusCode.Forbidden, "region.out_of_scope");
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync("/api/polls", Body(gridId: Guid.NewGuid())), HttpStatusCode.NotFound, "poll.grid_not_found");
        var noOptions = Body();
        noOptions.Remove("options");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync("/api/polls", noOptions)).StatusCode);
        var town = Body(communityId: PointsApiFactory.XihuId);
        Assert.Equal(HttpStatusCode.Created, (await (await factory.StaffAsync("town-staff")).PostAsJsonAsync("/api/polls", town)).StatusCode);
    }

    [Fact]
    public async Task Results_AfterClose_XlsxOpensWithCountsAndTurnout()
    {
        var poll = await CreateAsync(Body(closesInHours: 1));
        var id = poll.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(await factory.ResidentAsync(11), poll, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(await factory.ResidentAsync(13), poll, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await VoteAsync(await factory.ResidentAsync(15), poll, 0)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromHours(1));

        var response = await (await factory.StaffAsync()).GetAsync($"/api/polls/{id}/results?format=xlsx");
        var outOfScope = await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/polls/{id}/results?format=xlsx");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        var rows = Points.Api.Tests.Ledger.ExportTests.ReadXlsx(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["3号楼北侧", "南门空地", "老年活动室旁", "参与人数", "应参与人数"], rows.Select(r => r["选项"]?.ToString()));
        Assert.Equal([1.0, 2.0, 0.0, 3.0], rows.Take(4).Select(r => Convert.ToDouble(r["票数"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(66.7, Convert.ToDouble(rows[1]["占比(%)"], System.Globalization.CultureInfo.InvariantCulture));
        await ProblemAssert.IsProblemAsync(outOfScope, HttpStatusCode.NotFound, "poll.not_found");
    }
}
