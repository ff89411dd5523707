using Points.Domain.Common;

namespace Points.Domain.Ledger;

/// <summary>
/// A short-lived, single-use code a resident shows a merchant. Only its SHA-256 hash is stored; it is
/// consumed in the same transaction as the transfer it pays for.
/// </summary>
public sealed class Paycode
{
    public const int HashLength = 64;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private Paycode()
    {
        CodeHash = string.Empty;
    }

    public Paycode(Guid id, string codeHash, Guid residentId, Guid townId, DateTimeOffset now)
    {
        Id = id;
        CodeHash = codeHash;
        ResidentId = residentId;
        TownId = townId;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public Guid Id { get; private set; }

    public string CodeHash { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    public Guid? RedemptionId { get; private set; }

    /// <summary>Why a merchant of <paramref name="townId"/> may not take this code at <paramref name="now"/>, or null.</summary>
    public DomainError? CheckUsable(DateTimeOffset now, Guid townId) => CheckUsable(UsedAt, ExpiresAt, TownId, now, townId);

    /// <summary>
    /// The paycode rule on the columns alone (the redemption reads them in one projection): unused, before its expiry
    /// instant (a code is dead at <see cref="ExpiresAt"/> itself), and issued in the merchant's town.
    /// </summary>
    public static DomainError? CheckUsable(DateTimeOffset? usedAt, DateTimeOffset expiresAt, Guid paycodeTownId, DateTimeOffset now, Guid townId) =>
        usedAt is not null ? PaycodeErrors.Used
        : expiresAt <= now ? PaycodeErrors.Expired
        : paycodeTownId != townId ? PaycodeErrors.OtherTown
        : null;
}

/// <summary>A merchant's redemption of a resident's points (resident wallet → merchant receivable).</summary>
public sealed class Redemption
{
    public const int NoteMaxLength = 200;

    private Redemption()
    {
        IdempotencyKey = string.Empty;
        Fingerprint = string.Empty;
    }

    public Redemption(Guid id, Guid merchantId, Guid townId, Guid residentId, long points, string idempotencyKey, string fingerprint, Guid journalEntryId, Guid paycodeId, string? note, Guid actorId, DateTimeOffset now)
    {
        Id = id;
        PaycodeId = paycodeId;
        MerchantId = merchantId;
        TownId = townId;
        ResidentId = residentId;
        Points = points;
        IdempotencyKey = idempotencyKey;
        Fingerprint = fingerprint;
        JournalEntryId = journalEntryId;
        Note = note;
        ActorId = actorId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid MerchantId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid ResidentId { get; private set; }

    public long Points { get; private set; }

    /// <summary>The merchant's key, stored as <c>{merchantId}:{key}</c> so two merchants never collide.</summary>
    public string IdempotencyKey { get; private set; }

    public string Fingerprint { get; private set; }

    public Guid JournalEntryId { get; private set; }

    /// <summary>The paycode this redemption consumed; unique, so a paycode can pay only once even without a guarded update.</summary>
    public Guid? PaycodeId { get; private set; }

    public string? Note { get; private set; }

    public Guid ActorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RefundedAt { get; private set; }

    public Guid? RefundEntryId { get; private set; }

    public static readonly DomainError RefundWindowClosed = DomainError.Conflict("redemption.refund_window_closed", "已超过退款期限");
    public static readonly DomainError AlreadyRefunded = DomainError.Conflict("redemption.already_refunded", "这笔兑换已经退款");

    public DomainError? CanRefund(int refundWindowDays, DateTimeOffset now)
    {
        if (RefundedAt is not null)
        {
            return AlreadyRefunded;
        }

        return now > RefundableUntil(refundWindowDays) ? RefundWindowClosed : null;
    }

    /// <summary>The last instant the merchant may refund it under the town's window.</summary>
    public DateTimeOffset RefundableUntil(int refundWindowDays) => CreatedAt.AddDays(refundWindowDays);

    /// <summary>Marks the redemption refunded by the reversing entry <paramref name="refundEntryId"/>, if the window allows.</summary>
    public Result<Redemption> Refund(int refundWindowDays, Guid refundEntryId, DateTimeOffset now)
    {
        if (CanRefund(refundWindowDays, now) is { } refused)
        {
            return refused;
        }

        RefundedAt = now;
        RefundEntryId = refundEntryId;
        return this;
    }
}

public static class PaycodeErrors
{
    public static readonly DomainError Invalid = DomainError.NotFound("paycode.invalid", "付款码无效，请让居民刷新后重试");
    public static readonly DomainError Expired = DomainError.Conflict("paycode.expired", "付款码已过期，请让居民刷新");
    public static readonly DomainError Used = DomainError.Conflict("paycode.used", "付款码已使用，请让居民刷新");
    public static readonly DomainError OtherTown = DomainError.Forbidden("paycode.other_town", "该居民不属于本商户所在镇街");
}
