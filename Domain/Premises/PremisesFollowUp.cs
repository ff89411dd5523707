using Points.Domain.Common;

namespace Points.Domain.Premises;

/// <summary>
/// A premises' frozen month (月度定格): the final colour when the month closed. Reports of a past month read these
/// rows, so a later self-check, checklist or grid change never rewrites them.
/// </summary>
public sealed class PremisesMonth
{
    private PremisesMonth()
    {
        Month = string.Empty;
    }

    public PremisesMonth(Guid premisesId, string month, Guid townId, Guid communityId, Guid? gridId, PremisesColour colour, DateTimeOffset? lastCheckedAt, DateTimeOffset closedAt)
    {
        PremisesId = premisesId;
        Month = month;
        TownId = townId;
        CommunityId = communityId;
        GridId = gridId;
        Colour = colour;
        LastCheckedAt = lastCheckedAt;
        ClosedAt = closedAt;
    }

    public Guid PremisesId { get; private set; }

    public string Month { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    public PremisesColour Colour { get; private set; }

    public DateTimeOffset? LastCheckedAt { get; private set; }

    public DateTimeOffset ClosedAt { get; private set; }
}

public enum FollowUpKind
{
    /// <summary>A red month: an unannounced check (飞行检查) by the grid's worker.</summary>
    Inspection,

    /// <summary>Three red months in a row: a joint enforcement visit (联合执法) for the town.</summary>
    JointEnforcement,
}

/// <summary>What a red month brings: one per premises, kind and month, created by the month close, closed by staff.</summary>
public sealed class PremisesFollowUp
{
    public const int NoteMaxLength = 500;

    public static readonly DomainError NotFound = DomainError.NotFound("premises.follow_up_not_found", "任务不存在");
    public static readonly DomainError AlreadyClosed = DomainError.Conflict("premises.follow_up_closed", "该任务已办结");
    public static readonly DomainError NoteInvalid = DomainError.Validation("premises.note_invalid", "办结说明不能为空且不超过500个字");

    private PremisesFollowUp()
    {
        Month = string.Empty;
    }

    public PremisesFollowUp(Guid id, FollowUpKind kind, KeyPremises premises, string month, Guid? assigneeId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(premises);
        Id = id;
        Kind = kind;
        PremisesId = premises.Id;
        TownId = premises.TownId;
        CommunityId = premises.CommunityId;
        GridId = premises.GridId;
        Month = month;
        AssigneeId = assigneeId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public FollowUpKind Kind { get; private set; }

    public Guid PremisesId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    /// <summary>The red month that brought it.</summary>
    public string Month { get; private set; }

    /// <summary>The grid worker an inspection goes to (none when the grid has no worker; staff then take it).</summary>
    public Guid? AssigneeId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public Guid? ClosedBy { get; private set; }

    public string? Note { get; private set; }

    public bool IsOpen => ClosedAt is null;

    public Result<PremisesFollowUp> Close(Guid staffId, string? note, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return AlreadyClosed;
        }

        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > NoteMaxLength)
        {
            return NoteInvalid;
        }

        ClosedAt = now;
        ClosedBy = staffId;
        Note = note.Trim();
        return this;
    }
}
