using Points.Domain.Common;

namespace Points.Domain.Regions;

public enum CommunityMoveStatus
{
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// <summary>
/// A resident's request to belong to a community: the first one (a resident who signed in without a community's
/// invitation) or a move from another. Staff of the destination community, or of the town, decide it; nobody
/// decides their own. Until it is approved the resident stays where they were, and points already earned stay
/// with the community they were earned in (each journal entry records it).
/// </summary>
public sealed class CommunityMove
{
    public const int NoteMaxLength = 200;

    private CommunityMove()
    {
    }

    private CommunityMove(Guid id, Guid residentId, Guid townId, Guid? fromCommunityId, Guid toCommunityId, Guid? toGridId, DateTimeOffset now)
    {
        Id = id;
        ResidentId = residentId;
        TownId = townId;
        FromCommunityId = fromCommunityId;
        ToCommunityId = toCommunityId;
        ToGridId = toGridId;
        Status = CommunityMoveStatus.Pending;
        RequestedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>Null for a resident's first community.</summary>
    public Guid? FromCommunityId { get; private set; }

    public Guid ToCommunityId { get; private set; }

    public Guid? ToGridId { get; private set; }

    public CommunityMoveStatus Status { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public Guid? DecidedBy { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? Note { get; private set; }

    public static readonly DomainError SameCommunity = DomainError.Unprocessable("community_move.same_community", "已经属于该村社，无需申请");
    public static readonly DomainError NotPending = DomainError.Conflict("community_move.not_pending", "该申请已处理");
    public static readonly DomainError OwnRequest = DomainError.Conflict("community_move.own_request", "不能审核自己的申请");
    public static readonly DomainError NoteRequired = DomainError.Validation("community_move.note_required", "不同意时须填写原因（不超过200字）");

    public static Result<CommunityMove> Request(Guid id, Guid residentId, Guid townId, Guid? fromCommunityId, Community to, Grid? toGrid, DateTimeOffset now)
    {
        if (fromCommunityId == to.Id)
        {
            return SameCommunity;
        }

        if (to.TownId != townId || to.IsRetired || (toGrid is not null && (toGrid.CommunityId != to.Id || toGrid.IsRetired)))
        {
            return DomainError.Validation("community_move.destination_invalid", "所选村社或网格不存在、已撤销或不在本镇街");
        }

        return new CommunityMove(id, residentId, townId, fromCommunityId, to.Id, toGrid?.Id, now);
    }

    public Result<CommunityMove> Approve(Guid staffId, string? note, DateTimeOffset now) => Decide(CommunityMoveStatus.Approved, staffId, note, now);

    public Result<CommunityMove> Reject(Guid staffId, string? note, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(note) || note.Trim().Length > NoteMaxLength ? NoteRequired : Decide(CommunityMoveStatus.Rejected, staffId, note, now);

    public Result<CommunityMove> Withdraw(DateTimeOffset now)
    {
        if (Status != CommunityMoveStatus.Pending)
        {
            return NotPending;
        }

        Status = CommunityMoveStatus.Withdrawn;
        DecidedAt = now;
        return this;
    }

    private Result<CommunityMove> Decide(CommunityMoveStatus status, Guid staffId, string? note, DateTimeOffset now)
    {
        if (Status != CommunityMoveStatus.Pending)
        {
            return NotPending;
        }

        if (staffId == ResidentId)
        {
            return OwnRequest;
        }

        if (note is { Length: > NoteMaxLength })
        {
            return DomainError.Validation("community_move.note_too_long", "备注不超过200字");
        }

        Status = status;
        DecidedBy = staffId;
        DecidedAt = now;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return this;
    }
}
