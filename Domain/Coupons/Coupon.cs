using Points.Domain.Common;

namespace Points.Domain.Coupons;

public enum CouponStatus
{
    Available,
    Used,
    Expired,
    Voided,
    NotYetValid,
}

/// <summary>
/// One resident's coupon from one template for one Shanghai month (unique on template, resident and month, so the
/// issue run can run again without giving twice). Its code is shown as text and QR; it is used once, by a guarded
/// UPDATE (<c>used_at IS NULL</c>) and a unique coupon id on <see cref="CouponRedemption"/>.
/// </summary>
public sealed class Coupon
{
    public const int CodeLength = 12;
    public const int MonthLength = 7;

    public static readonly DomainError Invalid = DomainError.NotFound("coupon.invalid", "券码无效，请核对后重试");
    public static readonly DomainError Used = DomainError.Conflict("coupon.used", "该券已使用");
    public static readonly DomainError Voided = DomainError.Conflict("coupon.voided", "该券已作废");
    public static readonly DomainError Expired = DomainError.Conflict("coupon.expired", "该券已过期");
    public static readonly DomainError NotYetValid = DomainError.Conflict("coupon.not_yet_valid", "该券尚未到使用时间");
    public static readonly DomainError OtherTown = DomainError.Forbidden("coupon.other_town", "该券不属于本商户所在镇街");
    public static readonly DomainError WrongMerchant = DomainError.Conflict("coupon.wrong_merchant", "该券不能在本商户使用");
    public static readonly DomainError OrderAmountInvalid = DomainError.Validation("coupon.order_amount_invalid", "订单金额须为正整数（分），且不超过100000000");

    public const long MaxOrderAmountFen = 100_000_000;

    private Coupon()
    {
        Code = string.Empty;
        Month = string.Empty;
    }

    public Coupon(Guid id, Guid templateId, Guid townId, Guid residentId, string month, string code, DateTimeOffset now)
    {
        Id = id;
        TemplateId = templateId;
        TownId = townId;
        ResidentId = residentId;
        Month = month;
        Code = code;
        IssuedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid TemplateId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid ResidentId { get; private set; }

    /// <summary>The Shanghai month of the issue run that gave it, <c>yyyy-MM</c>.</summary>
    public string Month { get; private set; }

    public string Code { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    public Guid? UsedAtMerchantId { get; private set; }

    /// <summary>
    /// Why merchant <paramref name="merchantId"/> of <paramref name="merchantTownId"/> may not take the coupon at
    /// <paramref name="now"/>, or null; on the columns alone (the redemption reads them in one projection). Used first
    /// (a retry finds its own redemption), then voided, the window (dead at <c>validTo</c> itself), the town, the merchant.
    /// </summary>
    public static DomainError? CheckUsable(
        DateTimeOffset? usedAt, DateTimeOffset? voidedAt, DateTimeOffset validFrom, DateTimeOffset validTo, Guid couponTownId,
        bool merchantDesignated, DateTimeOffset now, Guid merchantTownId) =>
        usedAt is not null ? Used
        : voidedAt is not null ? Voided
        : now < validFrom ? NotYetValid
        : now >= validTo ? Expired
        : couponTownId != merchantTownId ? OtherTown
        : !merchantDesignated ? WrongMerchant
        : null;

    /// <summary>What a resident sees: used, voided, expired, not yet valid or available.</summary>
    public static CouponStatus StatusOf(DateTimeOffset? usedAt, DateTimeOffset? voidedAt, DateTimeOffset validFrom, DateTimeOffset validTo, DateTimeOffset now) =>
        usedAt is not null ? CouponStatus.Used
        : voidedAt is not null ? CouponStatus.Voided
        : now >= validTo ? CouponStatus.Expired
        : now < validFrom ? CouponStatus.NotYetValid
        : CouponStatus.Available;

    public static DomainError? CheckOrderAmount(long orderAmountFen) =>
        orderAmountFen is < 1 or > MaxOrderAmountFen ? OrderAmountInvalid : null;
}

/// <summary>
/// A merchant's acceptance of a coupon: the order, the discount the town owes the merchant (its subsidy, in fen) and
/// the points the resident paid for it. Unique on the coupon (a coupon pays once) and on the merchant's idempotency key.
/// </summary>
public sealed class CouponRedemption
{
    private CouponRedemption()
    {
        IdempotencyKey = string.Empty;
        Fingerprint = string.Empty;
    }

    public CouponRedemption(Guid id, Guid couponId, Guid templateId, Guid merchantId, Guid townId, Guid residentId, long orderAmountFen, long discountFen,
        int pointsCost, Guid? journalEntryId, string idempotencyKey, string fingerprint, Guid actorId, DateTimeOffset now)
    {
        Id = id;
        CouponId = couponId;
        TemplateId = templateId;
        MerchantId = merchantId;
        TownId = townId;
        ResidentId = residentId;
        OrderAmountFen = orderAmountFen;
        DiscountFen = discountFen;
        PointsCost = pointsCost;
        JournalEntryId = journalEntryId;
        IdempotencyKey = idempotencyKey;
        Fingerprint = fingerprint;
        ActorId = actorId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid CouponId { get; private set; }

    public Guid TemplateId { get; private set; }

    public Guid MerchantId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid ResidentId { get; private set; }

    public long OrderAmountFen { get; private set; }

    /// <summary>The subsidy the town owes the merchant for this order.</summary>
    public long DiscountFen { get; private set; }

    public int PointsCost { get; private set; }

    /// <summary>The journal entry that took the points cost from the resident's wallet, when there was one.</summary>
    public Guid? JournalEntryId { get; private set; }

    /// <summary>The merchant's key, stored as <c>{merchantId}:{key}</c>.</summary>
    public string IdempotencyKey { get; private set; }

    public string Fingerprint { get; private set; }

    public Guid ActorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
