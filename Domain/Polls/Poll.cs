using System.Linq.Expressions;
using Points.Domain.Common;

namespace Points.Domain.Polls;

/// <summary>Who a poll counts once: each resident, or each household (户) — one vote for all its members.</summary>
public enum VoteUnit
{
    Resident,
    Household,
}

/// <summary>Where a poll stands at an instant: before <see cref="Poll.OpensAt"/>, in [opens, closes), from <see cref="Poll.ClosesAt"/> on.</summary>
public enum PollState
{
    Upcoming,
    Open,
    Closed,
}

/// <summary>What staff ask for when they open a poll (议事投票). <see cref="GridId"/> narrows it to one grid of the community.</summary>
public sealed record PollDraft(
    string Title,
    string? Description,
    IReadOnlyList<string> Options,
    Guid CommunityId,
    Guid? GridId,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    bool MultipleChoice,
    VoteUnit OnePer,
    bool LiveResults,
    int? Points);

/// <summary>
/// A poll of a community or one of its grids: options, a voting window [<see cref="OpensAt"/>, <see cref="ClosesAt"/>),
/// single or multiple choice, one vote per resident or per household. Results are shown from the close on, or live
/// when the poll says so. The number of eligible voters is fixed when the poll is created, so its turnout gives the
/// same answer at any later time.
/// </summary>
public sealed class Poll
{
    public const int TitleMaxLength = 64;
    public const int DescriptionMaxLength = 1000;
    public const int OptionMaxLength = 64;
    public const int MinOptions = 2;
    public const int MaxOptions = 20;
    public const int MaxPoints = 1000;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    public static readonly DomainError TitleInvalid = DomainError.Validation("poll.title_invalid", "议题名称不能为空且不超过64个字");
    public static readonly DomainError DescriptionInvalid = DomainError.Validation("poll.description_invalid", "议题说明不超过1000个字");
    public static readonly DomainError OptionsInvalid = DomainError.Validation("poll.options_invalid", "请填写2到20个互不相同的选项，每项不超过64个字");
    public static readonly DomainError WindowInvalid = DomainError.Validation("poll.window_invalid", "截止时间须晚于开始时间，且投票期不超过90天");
    public static readonly DomainError PointsInvalid = DomainError.Validation("poll.points_invalid", "投票积分须为 0 到 1000 的整数");
    public static readonly DomainError NotFound = DomainError.NotFound("poll.not_found", "投票不存在");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("poll.out_of_scope", "该投票不面向您所在的村社或网格");
    public static readonly DomainError NotOpenYet = DomainError.Conflict("poll.not_open", "投票尚未开始");
    public static readonly DomainError Closed = DomainError.Conflict("poll.closed", "投票已截止");
    public static readonly DomainError NoChoice = DomainError.Validation("poll.no_choice", "请至少选择一个选项");
    public static readonly DomainError OptionNotInPoll = DomainError.Validation("poll.option_invalid", "所选选项不属于该投票");
    public static readonly DomainError SingleChoiceOnly = DomainError.Validation("poll.single_choice", "该投票为单选，只能选择一个选项");
    public static readonly DomainError AlreadyVoted = DomainError.Conflict("poll.already_voted", "您已投过票，每人只能投一次");
    public static readonly DomainError HouseholdAlreadyVoted = DomainError.Conflict("poll.household_already_voted", "您家已有家庭成员投过票，每户只能投一票");
    public static readonly DomainError HouseholdUnknown = DomainError.Conflict("poll.household_unknown", "本投票按户计票，您尚未登记门牌号，请联系社区工作人员登记后再投票");
    public static readonly DomainError ResultsHidden = DomainError.Conflict("poll.results_hidden", "投票截止后才公布结果");

    private static readonly Rule<Poll, DateTimeOffset> OpenRule = new((p, now) => p.OpensAt <= now && now < p.ClosesAt);

    private readonly List<PollOption> _options = [];

    private Poll()
    {
        Title = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    public string Title { get; private set; }

    public string? Description { get; private set; }

    public DateTimeOffset OpensAt { get; private set; }

    public DateTimeOffset ClosesAt { get; private set; }

    public bool MultipleChoice { get; private set; }

    public VoteUnit OnePer { get; private set; }

    public bool LiveResults { get; private set; }

    /// <summary>Points per vote; null takes the town's earning rule for poll votes. Either way the rule's caps apply.</summary>
    public int? Points { get; private set; }

    /// <summary>Residents (or households) the poll was open to when it was created: the denominator of the turnout.</summary>
    public int Eligible { get; private set; }

    public Guid? ProposalId { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyCollection<PollOption> Options => _options;

    public static DomainError? Check(PollDraft d)
    {
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Trim().Length > TitleMaxLength)
        {
            return TitleInvalid;
        }

        if (d.Description is { } text && text.Trim().Length > DescriptionMaxLength)
        {
            return DescriptionInvalid;
        }

        var options = d.Options.Select(o => o?.Trim() ?? string.Empty).ToList();
        if (options.Count is < MinOptions or > MaxOptions || options.Any(o => o.Length is 0 or > OptionMaxLength)
            || options.Distinct(StringComparer.Ordinal).Count() != options.Count)
        {
            return OptionsInvalid;
        }

        if (d.ClosesAt <= d.OpensAt || d.ClosesAt - d.OpensAt > MaxWindow)
        {
            return WindowInvalid;
        }

        return d.Points is < 0 or > MaxPoints ? PointsInvalid : null;
    }

    public static Result<Poll> Create(Guid id, Guid townId, PollDraft draft, int eligible, Guid? proposalId, Guid staffId, DateTimeOffset now, Func<Guid> newId)
    {
        ArgumentNullException.ThrowIfNull(newId);
        if (Check(draft) is { } invalid)
        {
            return invalid;
        }

        var poll = new Poll
        {
            Id = id,
            TownId = townId,
            CommunityId = draft.CommunityId,
            GridId = draft.GridId,
            Title = draft.Title.Trim(),
            Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim(),
            OpensAt = draft.OpensAt,
            ClosesAt = draft.ClosesAt,
            MultipleChoice = draft.MultipleChoice,
            OnePer = draft.OnePer,
            LiveResults = draft.LiveResults,
            Points = draft.Points,
            Eligible = eligible,
            ProposalId = proposalId,
            CreatedBy = staffId,
            CreatedAt = now,
        };
        poll._options.AddRange(draft.Options.Select((text, i) => new PollOption(newId(), id, i, text.Trim())));
        return poll;
    }

    public static Expression<Func<Poll, bool>> OpenAt(DateTimeOffset now) => OpenRule.At(now);

    public PollState StateAt(DateTimeOffset now) => now < OpensAt ? PollState.Upcoming : OpenRule.Holds(this, now) ? PollState.Open : PollState.Closed;

    /// <summary>Option counts are shown once the poll has closed, or all along for a live poll.</summary>
    public bool ResultsVisibleAt(DateTimeOffset now) => LiveResults || StateAt(now) == PollState.Closed;

    /// <summary>The poll is put to residents of its community, and of its grid when it has one.</summary>
    public bool IsOpenTo(Guid? communityId, Guid? gridId) => communityId == CommunityId && (GridId is null || gridId == GridId);

    /// <summary>Checks a ballot at <paramref name="now"/>: the window, at least one option, only this poll's options, one for single choice.</summary>
    public Result<IReadOnlyList<Guid>> CheckBallot(IReadOnlyCollection<Guid> optionIds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(optionIds);
        switch (StateAt(now))
        {
            case PollState.Upcoming:
                return NotOpenYet;
            case PollState.Closed:
                return Closed;
        }

        if (optionIds.Count == 0)
        {
            return NoChoice;
        }

        var chosen = optionIds.Distinct().ToList();
        if (chosen.Count != optionIds.Count || chosen.Any(o => _options.All(p => p.Id != o)))
        {
            return OptionNotInPoll;
        }

        if (!MultipleChoice && chosen.Count > 1)
        {
            return SingleChoiceOnly;
        }

        return chosen;
    }

    /// <summary>The key the one-vote rule is enforced on (a unique index on poll and key).</summary>
    public Result<string> VoterKey(Guid residentId, string? householdKey) => OnePer switch
    {
        VoteUnit.Household when householdKey is null => HouseholdUnknown,
        VoteUnit.Household => "h:" + householdKey,
        _ => "r:" + residentId.ToString("N"),
    };

    public DomainError AlreadyVotedError => OnePer == VoteUnit.Household ? HouseholdAlreadyVoted : AlreadyVoted;
}

public sealed class PollOption(Guid id, Guid pollId, int position, string text)
{
    public Guid Id { get; private set; } = id;

    public Guid PollId { get; private set; } = pollId;

    public int Position { get; private set; } = position;

    public string Text { get; private set; } = text;
}

/// <summary>One ballot: who cast it, under which voter key, the options chosen and the points it earned.</summary>
public sealed class PollVote
{
    private readonly List<PollVoteChoice> _choices = [];

    private PollVote()
    {
        VoterKey = string.Empty;
    }

    public PollVote(Guid id, Guid pollId, Guid residentId, string voterKey, IEnumerable<Guid> optionIds, DateTimeOffset now)
    {
        Id = id;
        PollId = pollId;
        ResidentId = residentId;
        VoterKey = voterKey;
        CreatedAt = now;
        _choices.AddRange(optionIds.Select(o => new PollVoteChoice(id, pollId, o)));
    }

    public const int VoterKeyMaxLength = 80;

    public Guid Id { get; private set; }

    public Guid PollId { get; private set; }

    public Guid ResidentId { get; private set; }

    public string VoterKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public int AwardedPoints { get; private set; }

    public IReadOnlyCollection<PollVoteChoice> Choices => _choices;

    /// <summary>The idempotency key of the vote's award: one award per vote.</summary>
    public static string AwardKey(Guid voteId) => $"poll-vote:{voteId}";
}

public sealed class PollVoteChoice(Guid voteId, Guid pollId, Guid optionId)
{
    public Guid VoteId { get; private set; } = voteId;

    public Guid PollId { get; private set; } = pollId;

    public Guid OptionId { get; private set; } = optionId;
}
