using Points.Domain.Common;

namespace Points.Domain.Polls;

public enum ProposalStatus
{
    Open,
    Answered,
    PollOpened,
}

/// <summary>
/// A resident's topic (我有话说) for their community. Staff either answer it or put it to a vote; either way it is
/// handled once, and the resident reads the answer or follows the poll.
/// </summary>
public sealed class Proposal
{
    public const int TitleMaxLength = 64;
    public const int ContentMaxLength = 2000;
    public const int AnswerMaxLength = 1000;

    public static readonly DomainError TitleInvalid = DomainError.Validation("proposal.title_invalid", "议题标题不能为空且不超过64个字");
    public static readonly DomainError ContentInvalid = DomainError.Validation("proposal.content_invalid", "议题内容不能为空且不超过2000个字");
    public static readonly DomainError AnswerInvalid = DomainError.Validation("proposal.answer_invalid", "答复不能为空且不超过1000个字");
    public static readonly DomainError NotFound = DomainError.NotFound("proposal.not_found", "议题不存在");
    public static readonly DomainError AlreadyHandled = DomainError.Conflict("proposal.already_handled", "该议题已答复或已发起投票");
    public static readonly DomainError NoCommunity = DomainError.Conflict("proposal.no_community", "请先加入村社，再提出议题");

    private Proposal()
    {
        Title = string.Empty;
        Content = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid ResidentId { get; private set; }

    public string Title { get; private set; }

    public string Content { get; private set; }

    public ProposalStatus Status { get; private set; }

    public string? Answer { get; private set; }

    public Guid? HandledBy { get; private set; }

    public DateTimeOffset? HandledAt { get; private set; }

    public Guid? PollId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<Proposal> Submit(Guid id, Guid townId, Guid? communityId, Guid residentId, string? title, string? content, DateTimeOffset now)
    {
        if (communityId is not { } community)
        {
            return NoCommunity;
        }

        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > TitleMaxLength)
        {
            return TitleInvalid;
        }

        if (string.IsNullOrWhiteSpace(content) || content.Trim().Length > ContentMaxLength)
        {
            return ContentInvalid;
        }

        return new Proposal
        {
            Id = id,
            TownId = townId,
            CommunityId = community,
            ResidentId = residentId,
            Title = title.Trim(),
            Content = content.Trim(),
            Status = ProposalStatus.Open,
            CreatedAt = now,
        };
    }

    public Result<Proposal> AnswerWith(string? answer, Guid staffId, DateTimeOffset now)
    {
        if (Status != ProposalStatus.Open)
        {
            return AlreadyHandled;
        }

        if (string.IsNullOrWhiteSpace(answer) || answer.Trim().Length > AnswerMaxLength)
        {
            return AnswerInvalid;
        }

        (Status, Answer, HandledBy, HandledAt) = (ProposalStatus.Answered, answer.Trim(), staffId, now);
        return this;
    }

    public Result<Proposal> OpenPoll(Guid pollId, string pollTitle, Guid staffId, DateTimeOffset now)
    {
        if (Status != ProposalStatus.Open)
        {
            return AlreadyHandled;
        }

        (Status, PollId, HandledBy, HandledAt) = (ProposalStatus.PollOpened, pollId, staffId, now);
        Answer = $"已发起议事投票：{pollTitle}";
        return this;
    }
}
