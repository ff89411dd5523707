using System.ComponentModel.DataAnnotations;
using Points.Domain.Polls;
using Points.Infrastructure.Polls;

namespace Points.Api.Polls;

/// <summary>A poll to open. <c>communityId</c> defaults to the staff member's community; <c>gridId</c> narrows it to one grid (and names the community).</summary>
public sealed record PollRequest(
    [property: StringLength(Poll.TitleMaxLength, ErrorMessage = "议题名称不超过64个字")]
    string? Title,
    [property: StringLength(Poll.DescriptionMaxLength, ErrorMessage = "议题说明不超过1000个字")]
    string? Description,
    [property: Required(ErrorMessage = "请填写投票选项 options")]
    IReadOnlyList<string>? Options,
    Guid? CommunityId,
    Guid? GridId,
    [property: Required(ErrorMessage = "请填写投票开始时间 opensAt")]
    DateTimeOffset? OpensAt,
    [property: Required(ErrorMessage = "请填写投票截止时间 closesAt")]
    DateTimeOffset? ClosesAt,
    bool? MultipleChoice,
    VoteUnit? OnePer,
    bool? LiveResults,
    [property: Range(0, Poll.MaxPoints, ErrorMessage = "投票积分须为 0 到 1000 的整数")]
    int? Points);

public sealed record VoteRequest([property: Required(ErrorMessage = "请选择投票选项 optionIds")] IReadOnlyList<Guid>? OptionIds);

/// <summary>An option; <c>votes</c> is null while the results are hidden.</summary>
public sealed record PollOptionResponse(Guid Id, string Text, int? Votes);

/// <summary>
/// A poll. <c>voters</c> and <c>turnout</c> (voters ÷ <c>eligible</c>, the residents or households it was put to when
/// created) are shown to staff throughout and to residents with the results; the option counts only with the results.
/// </summary>
public sealed record PollResponse(
    Guid Id, string Title, string? Description, Guid CommunityId, string CommunityName, Guid? GridId, DateTimeOffset OpensAt, DateTimeOffset ClosesAt,
    bool MultipleChoice, VoteUnit OnePer, bool LiveResults, int? Points, PollState State, bool ResultsVisible, IReadOnlyList<PollOptionResponse> Options,
    int Eligible, int? Voters, double? Turnout, IReadOnlyList<Guid>? MyChoices, Guid? ProposalId, DateTimeOffset CreatedAt)
{
    public static PollResponse From(PollView v, bool staff)
    {
        var p = v.Poll;
        var showTurnout = staff || v.ResultsVisible;
        return new(p.Id, p.Title, p.Description, p.CommunityId, v.CommunityName, p.GridId, p.OpensAt, p.ClosesAt, p.MultipleChoice, p.OnePer, p.LiveResults,
            p.Points, v.State, v.ResultsVisible,
            p.Options.OrderBy(o => o.Position).Select(o => new PollOptionResponse(o.Id, o.Text, v.Counts?.GetValueOrDefault(o.Id))).ToList(),
            p.Eligible, showTurnout ? v.Voters : null, showTurnout ? TurnoutOf(v.Voters, p.Eligible) : null, v.MyChoices, p.ProposalId, p.CreatedAt);
    }

    public static double? TurnoutOf(int voters, int eligible) => eligible > 0 ? Math.Round((double)voters / eligible, 4) : null;
}

public sealed record VoteResponse(Guid Id, Guid PollId, IReadOnlyList<Guid> OptionIds, int AwardedPoints, DateTimeOffset At);

public sealed record ProposalRequest(
    [property: Required(ErrorMessage = "请填写议题标题 title")]
    [property: StringLength(Proposal.TitleMaxLength, MinimumLength = 1, ErrorMessage = "议题标题须为1到64个字")]
    string? Title,
    [property: Required(ErrorMessage = "请填写议题内容 content")]
    [property: StringLength(Proposal.ContentMaxLength, MinimumLength = 1, ErrorMessage = "议题内容须为1到2000个字")]
    string? Content);

public sealed record ProposalAnswerRequest(
    [property: Required(ErrorMessage = "请填写答复 answer")]
    [property: StringLength(Proposal.AnswerMaxLength, MinimumLength = 1, ErrorMessage = "答复须为1到1000个字")]
    string? Answer);

public sealed record ProposalResponse(
    Guid Id, string Title, string Content, ProposalStatus Status, string? Answer, Guid? PollId, Guid CommunityId, string CommunityName,
    Guid ResidentId, string ResidentName, DateTimeOffset CreatedAt, DateTimeOffset? HandledAt)
{
    public static ProposalResponse From(ProposalView v)
    {
        var p = v.Proposal;
        return new(p.Id, p.Title, p.Content, p.Status, p.Answer, p.PollId, p.CommunityId, v.CommunityName, p.ResidentId, v.ResidentName, p.CreatedAt, p.HandledAt);
    }
}

/// <summary>The door number (门牌号) in the resident's micro-grid; null clears it.</summary>
public sealed record HouseholdRequest([property: StringLength(Household.RoomMaxLength, ErrorMessage = "门牌号不超过32个字")] string? Room);

public sealed record HouseholdResponse(Guid ResidentId, Guid? MicroGridId, string? Room, string? HouseholdKey);
