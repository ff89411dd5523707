using Points.Domain.Common;

namespace Points.Domain.Participation;

public enum NegativeRecordKind
{
    Violation,
    UnresolvedDispute,
}

public enum NegativeRecordStatus
{
    Active,
    Appealed,
    Revoked,
}

/// <summary>
/// A negative list entry (负面清单): a violation or an unresolved dispute with evidence and a
/// severity of 1 to 3. It counts (for the credit profile) while not revoked and before
/// <see cref="ExpiresAt"/>, which is at most five years after <see cref="OccurredAt"/>. The resident
/// sees it, may explain it and may appeal once; staff uphold or revoke.
/// </summary>
public sealed class NegativeRecord
{
    public const int DescriptionMaxLength = 500;
    public const int TextMaxLength = 500;
    public const int EvidenceIdsMaxLength = 400;
    public const int MaxEvidence = 9;
    public const int MaxYears = 5;

    private NegativeRecord()
    {
        Description = string.Empty;
        EvidenceIds = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public NegativeRecordKind Kind { get; private set; }

    public string Description { get; private set; }

    public int Severity { get; private set; }

    public string EvidenceIds { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public NegativeRecordStatus Status { get; private set; }

    public string? Explanation { get; private set; }

    public string? AppealReason { get; private set; }

    public DateTimeOffset? AppealedAt { get; private set; }

    public string? DecisionNote { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public Guid RecordedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public int Version { get; private set; }

    public IReadOnlyList<Guid> EvidenceIdList => Declaration.ParseIds(EvidenceIds);

    /// <summary>Whether it weighs on the resident now: not revoked and not expired.</summary>
    public bool IsCounting(DateTimeOffset now) => Status != NegativeRecordStatus.Revoked && ExpiresAt > now;

    public static Result<NegativeRecord> Record(Guid id, Guid residentId, Guid townId, Guid communityId, NegativeRecordKind kind, string description, int severity,
        IReadOnlyList<Guid> evidenceIds, DateTimeOffset occurredAt, DateTimeOffset expiresAt, Guid recordedBy, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(description) || description.Trim().Length > DescriptionMaxLength)
        {
            return NegativeRecordErrors.DescriptionInvalid;
        }

        if (severity is < 1 or > 3)
        {
            return NegativeRecordErrors.SeverityInvalid;
        }

        if (evidenceIds.Count > MaxEvidence || evidenceIds.Distinct().Count() != evidenceIds.Count)
        {
            return NegativeRecordErrors.EvidenceInvalid;
        }

        if (occurredAt > now)
        {
            return NegativeRecordErrors.OccurredInFuture;
        }

        if (expiresAt <= occurredAt || expiresAt > occurredAt.AddYears(MaxYears))
        {
            return NegativeRecordErrors.ExpiryInvalid;
        }

        return new NegativeRecord
        {
            Id = id,
            ResidentId = residentId,
            TownId = townId,
            CommunityId = communityId,
            Kind = kind,
            Description = description.Trim(),
            Severity = severity,
            EvidenceIds = Declaration.JoinIds(evidenceIds),
            OccurredAt = occurredAt,
            ExpiresAt = expiresAt,
            Status = NegativeRecordStatus.Active,
            RecordedBy = recordedBy,
            CreatedAt = now,
        };
    }

    public Result<NegativeRecord> Explain(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > TextMaxLength)
        {
            return NegativeRecordErrors.TextInvalid;
        }

        if (Status == NegativeRecordStatus.Revoked)
        {
            return NegativeRecordErrors.AlreadyRevoked;
        }

        Explanation = text.Trim();
        Version++;
        return this;
    }

    public Result<NegativeRecord> Appeal(string reason, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > TextMaxLength)
        {
            return NegativeRecordErrors.TextInvalid;
        }

        if (Status != NegativeRecordStatus.Active || AppealedAt is not null)
        {
            return NegativeRecordErrors.NotAppealable;
        }

        if (!IsCounting(now))
        {
            return NegativeRecordErrors.Expired;
        }

        Status = NegativeRecordStatus.Appealed;
        AppealReason = reason.Trim();
        AppealedAt = now;
        Version++;
        return this;
    }

    /// <summary>
    /// Staff decide an appeal: upheld keeps the record, otherwise it is revoked. Whoever recorded it cannot
    /// judge the appeal against their own record: another staff member or the town decides.
    /// </summary>
    public Result<NegativeRecord> DecideAppeal(bool uphold, string? note, Guid deciderId, DateTimeOffset now)
    {
        if (Status != NegativeRecordStatus.Appealed)
        {
            return NegativeRecordErrors.NoAppeal;
        }

        if (deciderId == RecordedBy)
        {
            return NegativeRecordErrors.RecorderCannotDecide;
        }

        DecisionNote = note?.Trim();
        Version++;
        if (uphold)
        {
            Status = NegativeRecordStatus.Active;
            return this;
        }

        Status = NegativeRecordStatus.Revoked;
        RevokedAt = now;
        return this;
    }

    /// <summary>Revoking removes a record from the resident's file: the reason is required and kept.</summary>
    public Result<NegativeRecord> Revoke(string? note, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > TextMaxLength)
        {
            return NegativeRecordErrors.RevokeNoteRequired;
        }

        if (Status == NegativeRecordStatus.Revoked)
        {
            return NegativeRecordErrors.AlreadyRevoked;
        }

        Status = NegativeRecordStatus.Revoked;
        RevokedAt = now;
        DecisionNote = note?.Trim();
        Version++;
        return this;
    }
}

public static class NegativeRecordErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("negative_record.not_found", "记录不存在");
    public static readonly DomainError ResidentNotFound = DomainError.NotFound("resident.not_found", "居民不存在");
    public static readonly DomainError DescriptionInvalid = DomainError.Validation("negative_record.description_invalid", "事由不能为空且不超过500字");
    public static readonly DomainError SeverityInvalid = DomainError.Validation("negative_record.severity_invalid", "严重程度须为 1、2 或 3");
    public static readonly DomainError EvidenceInvalid = DomainError.Validation("negative_record.evidence_invalid", "证据照片最多9张，须为当事居民或记录人本人上传的图片");
    public static readonly DomainError OccurredInFuture = DomainError.Validation("negative_record.occurred_in_future", "发生时间不能晚于现在");
    public static readonly DomainError ExpiryInvalid = DomainError.Validation("negative_record.expiry_invalid", "有效期须晚于发生时间，且最长不超过5年");
    public static readonly DomainError TextInvalid = DomainError.Validation("negative_record.text_invalid", "内容不能为空且不超过500字");
    public static readonly DomainError NotAppealable = DomainError.Conflict("negative_record.not_appealable", "该记录已申诉过或已撤销");
    public static readonly DomainError Expired = DomainError.Conflict("negative_record.expired", "该记录已过期，不再计入");
    public static readonly DomainError NoAppeal = DomainError.Conflict("negative_record.no_appeal", "该记录没有待处理的申诉");
    public static readonly DomainError AlreadyRevoked = DomainError.Conflict("negative_record.revoked", "该记录已撤销");
    public static readonly DomainError RecorderCannotDecide = DomainError.Conflict("negative_record.recorder_cannot_decide", "记录人不能处理针对自己所记记录的申诉，请由其他工作人员或镇街处理");
    public static readonly DomainError RevokeNoteRequired = DomainError.Validation("negative_record.note_required", "撤销记录须填写说明（不超过500字）");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("negative_record.out_of_scope", "只能管理本村社（镇街）居民的记录");
    public static readonly DomainError Conflict = DomainError.Conflict("negative_record.conflict", "记录已被他人修改，请刷新后再试");
}
