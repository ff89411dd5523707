using Points.Domain.Common;

namespace Points.Domain.Ledger;

/// <summary>Why points moved; travels as a PascalCase string and is stored as one.</summary>
public enum TransferReason
{
    ActivityAttendance,
    Declaration,
    HazardReport,
    Learning,
    Redemption,
    RedemptionRefund,
    MarketOrder,
    MarketOrderRefund,
    Adjustment,
    Expiry,
    Reversal,
    CouponRedemption,

    /// <summary>A volunteer mediator's award for a resolved case the parties confirmed.</summary>
    Mediation,
    PollVote,
    /// <summary>An on-time monthly self-check of a key premises (一单一码).</summary>
    PremisesSelfCheck,
}

/// <summary>One ledger account, named by its kind and owner (the ledger creates it on first use).</summary>
public readonly record struct AccountRef(AccountKind Kind, Guid OwnerId, Guid TownId)
{
    public static AccountRef Wallet(Guid residentId, Guid townId) => new(AccountKind.ResidentWallet, residentId, townId);

    public static AccountRef Issuance(Guid townId) => new(AccountKind.TownIssuance, townId, townId);

    public static AccountRef Merchant(Guid merchantId, Guid townId) => new(AccountKind.MerchantReceivable, merchantId, townId);

    public static AccountRef Market(Guid communityId, Guid townId) => new(AccountKind.CommunityMarket, communityId, townId);

    public static AccountRef Expiry(Guid townId) => new(AccountKind.TownExpiry, townId, townId);
}

/// <summary>
/// A request to move a positive whole number of points from one account to another. The idempotency
/// key makes a retry return the first result; the same key with different content is a conflict.
/// </summary>
public sealed record TransferRequest(
    AccountRef From,
    AccountRef To,
    long Points,
    TransferReason Reason,
    string IdempotencyKey,
    string? SourceType = null,
    string? SourceId = null,
    string? Note = null,
    Guid? ActorId = null,
    Guid? ReversesEntryId = null)
{
    public const int IdempotencyKeyMaxLength = 200;
    public const int NoteMaxLength = 200;
    public const int SourceMaxLength = 64;
    public const long MaxPoints = 10_000_000;

    /// <summary>A note cut to what a transfer keeps (<see cref="NoteMaxLength"/>), for notes built from residents' text.</summary>
    public static string FitNote(string note) => note.Length <= NoteMaxLength ? note : note[..NoteMaxLength];

    public DomainError? Validate()
    {
        if (Points <= 0)
        {
            return DomainError.Validation("points.amount_invalid", "积分数量必须是正整数");
        }

        if (Points > MaxPoints)
        {
            return DomainError.Validation("points.amount_too_large", "单笔积分数量过大");
        }

        if (From == To)
        {
            return DomainError.Validation("points.same_account", "转出和转入账户不能相同");
        }

        if (string.IsNullOrWhiteSpace(IdempotencyKey) || IdempotencyKey.Length > IdempotencyKeyMaxLength)
        {
            return DomainError.Validation("idempotency.key_invalid", "请求缺少有效的幂等键（Idempotency-Key）");
        }

        if (Note is { Length: > NoteMaxLength })
        {
            return DomainError.Validation("points.note_too_long", "备注不能超过200个字");
        }

        return null;
    }

    /// <summary>A stable fingerprint of what the request asks for, to tell a retry from a different request reusing a key.</summary>
    public string Fingerprint() =>
        string.Join('|', From.Kind, From.OwnerId, To.Kind, To.OwnerId, Points, Reason, SourceType, SourceId, Note, ReversesEntryId);
}

public static class LedgerErrors
{
    public static readonly DomainError Insufficient = DomainError.Conflict("points.insufficient", "积分余额不足");
    public static readonly DomainError IdempotencyConflict = DomainError.Conflict("idempotency.conflict", "该幂等键已用于另一笔不同的请求");
    public static readonly DomainError EntryNotFound = DomainError.NotFound("points.entry_not_found", "找不到这笔积分记录");
    public static readonly DomainError AlreadyReversed = DomainError.Conflict("points.already_reversed", "这笔积分已被冲正");
}
