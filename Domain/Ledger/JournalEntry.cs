namespace Points.Domain.Ledger;

/// <summary>
/// One immutable transfer: debits one account and credits another by the same positive amount, so
/// the sum of all balances is always zero. Corrections are reversing entries, never edits.
/// </summary>
public sealed class JournalEntry
{
    private JournalEntry()
    {
        IdempotencyKey = string.Empty;
        Fingerprint = string.Empty;
    }

    public JournalEntry(Guid id, Guid townId, Guid debitAccountId, Guid creditAccountId, TransferRequest request, DateTimeOffset occurredAt, Guid? communityId = null, Guid? gridId = null)
    {
        CommunityId = communityId;
        GridId = gridId;
        Id = id;
        TownId = townId;
        DebitAccountId = debitAccountId;
        CreditAccountId = creditAccountId;
        Points = request.Points;
        Reason = request.Reason;
        SourceType = request.SourceType;
        SourceId = request.SourceId;
        IdempotencyKey = request.IdempotencyKey;
        Fingerprint = request.Fingerprint();
        Note = request.Note;
        ActorId = request.ActorId;
        ReversesEntryId = request.ReversesEntryId;
        OccurredAt = occurredAt;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid DebitAccountId { get; private set; }

    public Guid CreditAccountId { get; private set; }

    public long Points { get; private set; }

    public TransferReason Reason { get; private set; }

    public string? SourceType { get; private set; }

    public string? SourceId { get; private set; }

    public string IdempotencyKey { get; private set; }

    public string Fingerprint { get; private set; }

    public string? Note { get; private set; }

    public Guid? ActorId { get; private set; }

    public Guid? ReversesEntryId { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>
    /// The community of the resident whose wallet the entry touches, as it was when the entry was posted (a reversal
    /// keeps its original's): month-end summaries group by it, so a resident who moves later does not take their
    /// history along. Null for entries between non-resident accounts.
    /// </summary>
    public Guid? CommunityId { get; private set; }

    /// <summary>The resident's grid when the entry was posted (see <see cref="CommunityId"/>).</summary>
    public Guid? GridId { get; private set; }
}
