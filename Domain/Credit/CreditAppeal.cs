using Points.Domain.Common;

namespace Points.Domain.Credit;

public enum CreditAppealKind
{
    /// <summary>The resident disputes a record that feeds the score (Credit Reporting Regulation Art. 16).</summary>
    DisputeRecord,

    /// <summary>The resident asks a person to review the automated result (PIPL Art. 24).</summary>
    HumanReview,
}

public enum CreditAppealStatus
{
    Open,
    Answered,
}

public enum CreditAppealDecision
{
    /// <summary>The resident is right: the record or score is corrected.</summary>
    Upheld,

    /// <summary>The record or score stands; the reply explains why.</summary>
    Rejected,
}

/// <summary>An appeal a member of staff must answer within <see cref="ResponseDays"/> days.</summary>
public sealed class CreditAppeal
{
    public const int ResponseDays = 20;
    public const int TextMaxLength = 1000;
    public const int RecordRefMaxLength = 64;
    public const int ReplyMaxLength = 1000;

    private CreditAppeal()
    {
        Text = string.Empty;
    }

    private CreditAppeal(Guid id, Guid residentId, Guid townId, Guid? communityId, CreditAppealKind kind, string text, string? recordRef, DateTimeOffset now)
    {
        Id = id;
        ResidentId = residentId;
        TownId = townId;
        CommunityId = communityId;
        Kind = kind;
        Text = text;
        RecordRef = recordRef;
        Status = CreditAppealStatus.Open;
        CreatedAt = now;
        DueAt = now.AddDays(ResponseDays);
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid? CommunityId { get; private set; }

    public CreditAppealKind Kind { get; private set; }

    public string Text { get; private set; }

    public string? RecordRef { get; private set; }

    public CreditAppealStatus Status { get; private set; }

    public CreditAppealDecision? Decision { get; private set; }

    public string? Reply { get; private set; }

    public Guid? AnsweredBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public bool IsOverdue(DateTimeOffset now) => Status == CreditAppealStatus.Open && now > DueAt;

    public static Result<CreditAppeal> File(Guid id, Guid residentId, Guid townId, Guid? communityId, CreditAppealKind kind, string text, string? recordRef, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > TextMaxLength)
        {
            return CreditErrors.AppealTextInvalid;
        }

        if (kind == CreditAppealKind.DisputeRecord && string.IsNullOrWhiteSpace(recordRef))
        {
            return CreditErrors.AppealRecordRequired;
        }

        return new CreditAppeal(id, residentId, townId, communityId, kind, text.Trim(), string.IsNullOrWhiteSpace(recordRef) ? null : recordRef.Trim(), now);
    }

    public Result<CreditAppeal> Answer(CreditAppealDecision decision, string reply, Guid staffId, DateTimeOffset now)
    {
        if (Status == CreditAppealStatus.Answered)
        {
            return CreditErrors.AppealAlreadyAnswered;
        }

        if (string.IsNullOrWhiteSpace(reply) || reply.Length > ReplyMaxLength)
        {
            return CreditErrors.AppealReplyInvalid;
        }

        Status = CreditAppealStatus.Answered;
        Decision = decision;
        Reply = reply.Trim();
        AnsweredBy = staffId;
        AnsweredAt = now;
        return this;
    }
}
