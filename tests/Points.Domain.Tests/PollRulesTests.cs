using Points.Domain.Polls;

namespace Points.Domain.Tests;

public sealed class PollRulesTests
{
    private static readonly DateTimeOffset Opens = new(2026, 12, 5, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset Closes = new(2026, 12, 12, 18, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Community = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    private static readonly Guid Grid = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid Staff = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    private static PollDraft Draft(string[]? options = null, bool multiple = false, VoteUnit unit = VoteUnit.Resident, bool live = false,
        DateTimeOffset? closes = null, string title = "健身器材放在哪里", int? points = null, Guid? grid = null) =>
        new(title, null, options ?? ["3号楼北侧", "南门空地"], Community, grid, Opens, closes ?? Closes, multiple, unit, live, points);

    private static Poll Poll(PollDraft? draft = null)
    {
        var n = 0;
        return Polls.Poll.Create(Guid.NewGuid(), Guid.NewGuid(), draft ?? Draft(), 10, null, Staff, Opens.AddDays(-1), () => Guid.Parse($"00000000-0000-0000-0000-{++n:D12}")).Value;
    }

    private static Guid Option(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:D12}");

    public static TheoryData<PollDraft, string?> Drafts => new()
    {
        { Draft(), null },
        { Draft(title: " "), "poll.title_invalid" },
        { Draft(title: new string('议', Polls.Poll.TitleMaxLength)), null },
        { Draft(title: new string('议', Polls.Poll.TitleMaxLength + 1)), "poll.title_invalid" },
        { Draft(options: ["只有一个"]), "poll.options_invalid" },
        { Draft(options: ["同一个", " 同一个 "]), "poll.options_invalid" },
        { Draft(options: ["甲", ""]), "poll.options_invalid" },
        { Draft(options: Enumerable.Range(1, Polls.Poll.MaxOptions).Select(i => $"选项{i}").ToArray()), null },
        { Draft(options: Enumerable.Range(1, Polls.Poll.MaxOptions + 1).Select(i => $"选项{i}").ToArray()), "poll.options_invalid" },
        { Draft(options: ["甲", new string('乙', Polls.Poll.OptionMaxLength + 1)]), "poll.options_invalid" },
        { Draft(closes: Opens), "poll.window_invalid" },
        { Draft(closes: Opens.AddTicks(1)), null },
        { Draft(closes: Opens.AddSeconds(-1)), "poll.window_invalid" },
        { Draft(closes: Opens + Polls.Poll.MaxWindow), null },
        { Draft(closes: Opens + Polls.Poll.MaxWindow + TimeSpan.FromSeconds(1)), "poll.window_invalid" },
        { Draft(points: -1), "poll.points_invalid" },
        { Draft(points: 0), null },
        { Draft(points: Polls.Poll.MaxPoints), null },
        { Draft(points: Polls.Poll.MaxPoints + 1), "poll.points_invalid" },
    };

    [Theory]
    [MemberData(nameof(Drafts))]
    public void Check_Draft_RefusesEachBadTerm(PollDraft draft, string? code) => Assert.Equal(code, Polls.Poll.Check(draft)?.Code);

    /// <summary>The window is [opensAt, closesAt): open at its first instant, closed at closesAt itself.</summary>
    public static TheoryData<TimeSpan, PollState, bool, string?> WindowEdges => new()
    {
        { TimeSpan.FromDays(-1), PollState.Upcoming, false, "poll.not_open" },
        { TimeSpan.FromTicks(-1), PollState.Upcoming, false, "poll.not_open" },
        { TimeSpan.Zero, PollState.Open, false, null },
        { TimeSpan.FromTicks(1), PollState.Open, false, null },
        { Closes - Opens - TimeSpan.FromTicks(1), PollState.Open, false, null },
        { Closes - Opens, PollState.Closed, true, "poll.closed" },
        { Closes - Opens + TimeSpan.FromDays(400), PollState.Closed, true, "poll.closed" },
    };

    [Theory]
    [MemberData(nameof(WindowEdges))]
    public void StateAndBallot_AtWindowEdges_OpenFromOpensAtUntilJustBeforeClosesAt(TimeSpan sinceOpening, PollState state, bool resultsVisible, string? code)
    {
        var poll = Poll();
        var at = Opens + sinceOpening;

        Assert.Equal(state, poll.StateAt(at));
        Assert.Equal(resultsVisible, poll.ResultsVisibleAt(at));
        Assert.Equal(code, poll.CheckBallot([Option(1)], at).Error?.Code);
        Assert.Equal(state == PollState.Open, Polls.Poll.OpenAt(at).Compile()(poll));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(1L)]
    public void ResultsVisibleAt_LivePoll_VisibleAtEveryInstant(long ticksFromOpening) =>
        Assert.True(Poll(Draft(live: true)).ResultsVisibleAt(Opens.AddTicks(ticksFromOpening)));

    /// <summary>Choices by option number (1, 2 are the poll's; 99 is not).</summary>
    public static TheoryData<bool, int[], string?> Choices => new()
    {
        { false, [1], null },
        { false, [2], null },
        { false, [], "poll.no_choice" },
        { false, [1, 2], "poll.single_choice" },
        { false, [99], "poll.option_invalid" },
        { false, [1, 99], "poll.option_invalid" },
        { false, [1, 1], "poll.option_invalid" },
        { true, [1, 2], null },
        { true, [1], null },
        { true, [], "poll.no_choice" },
        { true, [2, 99], "poll.option_invalid" },
        { true, [2, 2], "poll.option_invalid" },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void CheckBallot_ChoiceRules_SingleTakesOneOnlyThisPollsOptionsNoRepeats(bool multiple, int[] options, string? code)
    {
        var poll = Poll(Draft(multiple: multiple));

        var ballot = poll.CheckBallot(options.Select(Option).ToList(), Opens.AddHours(1));

        Assert.Equal(code, ballot.Error?.Code);
        if (code is null)
        {
            Assert.Equal(options.Select(Option), ballot.Value);
        }
    }

    [Theory]
    [InlineData(VoteUnit.Resident, null, "r:")]
    [InlineData(VoteUnit.Resident, "mg:502", "r:")]
    [InlineData(VoteUnit.Household, "mg:502", "h:mg:502")]
    [InlineData(VoteUnit.Household, null, null)]
    public void VoterKey_ResidentOrHousehold_HouseholdNeedsARoom(VoteUnit unit, string? household, string? prefix)
    {
        var poll = Poll(Draft(unit: unit));
        var resident = Guid.NewGuid();

        var key = poll.VoterKey(resident, household);

        if (prefix is null)
        {
            Assert.Equal("poll.household_unknown", key.Error?.Code);
        }
        else
        {
            Assert.StartsWith(prefix, key.Value, StringComparison.Ordinal);
            Assert.Equal(unit == VoteUnit.Resident ? "r:" + resident.ToString("N") : prefix, key.Value);
        }
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, "grid", true)]
    [InlineData(false, null, false)]
    public void IsOpenTo_CommunityPoll_EveryGridOfTheCommunity(bool sameCommunity, string? grid, bool open) =>
        Assert.Equal(open, Poll().IsOpenTo(sameCommunity ? Community : Guid.NewGuid(), grid is null ? null : Grid));

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void IsOpenTo_GridPoll_OnlyThatGrid(bool sameGrid, bool open) =>
        Assert.Equal(open, Poll(Draft(grid: Grid)).IsOpenTo(Community, sameGrid ? Grid : Guid.NewGuid()));

    [Theory]
    [InlineData("3单元502", " 3单元 502 ", true)]
    [InlineData("502a", "502A", true)]
    [InlineData("502", "503", false)]
    public void HouseholdKey_SameMicroGridAndRoom_OneHousehold(string a, string b, bool same)
    {
        var building = Guid.NewGuid();

        Assert.Equal(same, Household.Key(building, a) == Household.Key(building, b));
        Assert.NotEqual(Household.Key(building, a), Household.Key(Guid.NewGuid(), a));
        Assert.Null(Household.Key(null, a));
        Assert.Null(Household.Key(building, null));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("   ", false)]
    [InlineData("1", true)]
    public void IsValidRoom_Boundaries(string? room, bool valid)
    {
        Assert.Equal(valid, Household.IsValidRoom(room));
        Assert.True(Household.IsValidRoom(new string('1', Household.RoomMaxLength)));
        Assert.False(Household.IsValidRoom(new string('1', Household.RoomMaxLength + 1)));
    }

    [Fact]
    public void Proposal_HandledOnce_AnswerOrPollNotBoth()
    {
        var at = Opens;
        var proposal = Proposal.Submit(Guid.NewGuid(), Guid.NewGuid(), Community, Guid.NewGuid(), "健身器材", "小区缺健身器材", at).Value;

        Assert.Equal("proposal.answer_invalid", proposal.AnswerWith(" ", Staff, at).Error?.Code);
        Assert.True(proposal.AnswerWith("已列入明年计划", Staff, at).IsSuccess);
        Assert.Equal("proposal.already_handled", proposal.AnswerWith("再答一次", Staff, at).Error?.Code);
        Assert.Equal("proposal.already_handled", proposal.OpenPoll(Guid.NewGuid(), "投票", Staff, at).Error?.Code);
        Assert.Equal(ProposalStatus.Answered, proposal.Status);
        Assert.Equal("proposal.no_community", Proposal.Submit(Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), "题", "内容", at).Error?.Code);
    }
}
