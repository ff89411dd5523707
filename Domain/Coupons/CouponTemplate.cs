using System.Linq.Expressions;
using Points.Domain.Common;

namespace Points.Domain.Coupons;

/// <summary>What a town's staff ask for when they create a coupon template (积分券模板).</summary>
public sealed record CouponTemplateDraft(
    string Title,
    int? PercentOff,
    long? DiscountFen,
    int PointsCost,
    IReadOnlyCollection<Guid> MerchantIds,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    int PerResidentLimit,
    int TotalCap,
    int MinActivitiesLastMonth);

/// <summary>
/// A town's coupon template (积分券): a discount (a percentage or a fixed amount in fen), an optional points cost, the
/// merchants that take it, a validity window, caps and an eligibility rule. The monthly issue run turns it into
/// <see cref="Coupon"/>s; <see cref="Issued"/> moves only by a guarded UPDATE (<c>issued + n &lt;= total_cap</c>).
/// </summary>
public sealed class CouponTemplate
{
    public const int TitleMaxLength = 64;
    public const int MaxMerchants = 200;
    public const int MaxPointsCost = 1_000_000;
    public const long MaxDiscountFen = 100_000_00;
    public const int MaxTotalCap = 1_000_000;
    public const int MaxPerResident = 100;
    public const int MaxMinActivities = 100;

    public static readonly DomainError TitleInvalid = DomainError.Validation("coupon.title_invalid", "券名称不能为空且不超过64个字");
    public static readonly DomainError DiscountInvalid = DomainError.Validation("coupon.discount_invalid", "请填写折扣百分比（1-99）或减免金额（分，正整数）之一");
    public static readonly DomainError PointsCostInvalid = DomainError.Validation("coupon.points_cost_invalid", "兑券积分须为 0 到 1000000 的整数");
    public static readonly DomainError MerchantsRequired = DomainError.Validation("coupon.merchants_required", "请至少指定一家可用商户（不超过200家）");
    public static readonly DomainError MerchantInvalid = DomainError.Validation("coupon.merchant_invalid", "指定的商户不存在、已停用或不属于本镇街");
    public static readonly DomainError ValidityInvalid = DomainError.Validation("coupon.validity_invalid", "有效期结束时间须晚于开始时间");
    public static readonly DomainError CapsInvalid = DomainError.Validation("coupon.caps_invalid", "每人限领须为 1-100，发放总量须为 1-1000000");
    public static readonly DomainError EligibilityInvalid = DomainError.Validation("coupon.eligibility_invalid", "上月参加活动次数要求须为 0-100");
    public static readonly DomainError NotFound = DomainError.NotFound("coupon.template_not_found", "积分券模板不存在");
    public static readonly DomainError AlreadyVoided = DomainError.Conflict("coupon.template_voided", "该积分券模板已作废");

    private readonly List<CouponTemplateMerchant> _merchants = [];

    private CouponTemplate()
    {
        Title = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public string Title { get; private set; }

    public int? PercentOff { get; private set; }

    public long? DiscountFen { get; private set; }

    public int PointsCost { get; private set; }

    public DateTimeOffset ValidFrom { get; private set; }

    public DateTimeOffset ValidTo { get; private set; }

    public int PerResidentLimit { get; private set; }

    public int TotalCap { get; private set; }

    public int MinActivitiesLastMonth { get; private set; }

    /// <summary>Coupons issued so far; never above <see cref="TotalCap"/> (guarded UPDATE and a check constraint).</summary>
    public int Issued { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? VoidedAt { get; private set; }

    public Guid? VoidedBy { get; private set; }

    public IReadOnlyCollection<CouponTemplateMerchant> Merchants => _merchants;

    public bool IsVoided => VoidedAt is not null;

    /// <summary>Checks the draft's shape (the merchants' existence is the caller's lookup).</summary>
    public static DomainError? Check(CouponTemplateDraft d)
    {
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Trim().Length > TitleMaxLength)
        {
            return TitleInvalid;
        }

        var percent = d.PercentOff is { } p && p is >= 1 and <= 99;
        var fixedFen = d.DiscountFen is { } f && f is >= 1 and <= MaxDiscountFen;
        if ((d.PercentOff is null) == (d.DiscountFen is null) || (d.PercentOff is not null && !percent) || (d.DiscountFen is not null && !fixedFen))
        {
            return DiscountInvalid;
        }

        if (d.PointsCost is < 0 or > MaxPointsCost)
        {
            return PointsCostInvalid;
        }

        if (d.MerchantIds.Count is 0 or > MaxMerchants)
        {
            return MerchantsRequired;
        }

        if (d.ValidTo <= d.ValidFrom)
        {
            return ValidityInvalid;
        }

        if (d.PerResidentLimit is < 1 or > MaxPerResident || d.TotalCap is < 1 or > MaxTotalCap)
        {
            return CapsInvalid;
        }

        return d.MinActivitiesLastMonth is < 0 or > MaxMinActivities ? EligibilityInvalid : null;
    }

    public static Result<CouponTemplate> Create(Guid id, Guid townId, CouponTemplateDraft draft, Guid staffId, DateTimeOffset now)
    {
        if (Check(draft) is { } invalid)
        {
            return invalid;
        }

        var template = new CouponTemplate
        {
            Id = id,
            TownId = townId,
            Title = draft.Title.Trim(),
            PercentOff = draft.PercentOff,
            DiscountFen = draft.DiscountFen,
            PointsCost = draft.PointsCost,
            ValidFrom = draft.ValidFrom,
            ValidTo = draft.ValidTo,
            PerResidentLimit = draft.PerResidentLimit,
            TotalCap = draft.TotalCap,
            MinActivitiesLastMonth = draft.MinActivitiesLastMonth,
            CreatedBy = staffId,
            CreatedAt = now,
        };
        template._merchants.AddRange(draft.MerchantIds.Distinct().Select(m => new CouponTemplateMerchant(id, m)));
        return template;
    }

    /// <summary>Voids the template: its unused coupons are refused from now on, and no more are issued.</summary>
    public Result<CouponTemplate> Void(Guid staffId, DateTimeOffset now)
    {
        if (IsVoided)
        {
            return AlreadyVoided;
        }

        VoidedAt = now;
        VoidedBy = staffId;
        return this;
    }

    /// <summary>
    /// The issue run for the Shanghai month [start, end) gives out this template: not voided and valid at some instant
    /// of the month. Stated once: <see cref="IssuesInMonth"/> runs it compiled, the run's query filters by <see cref="IssuesIn"/>.
    /// </summary>
    private static readonly Rule<CouponTemplate, (DateTimeOffset Start, DateTimeOffset End)> IssuesInRule =
        new((t, month) => t.VoidedAt == null && t.ValidFrom < month.End && t.ValidTo > month.Start);

    public static Expression<Func<CouponTemplate, bool>> IssuesIn(DateTimeOffset monthStart, DateTimeOffset monthEnd) => IssuesInRule.At((monthStart, monthEnd));

    public bool IssuesInMonth(DateTimeOffset monthStart, DateTimeOffset monthEnd) => IssuesInRule.Holds(this, (monthStart, monthEnd));

    /// <summary>The discount on an order of <paramref name="orderAmountFen"/>: the percentage rounded down to the fen, or the fixed amount up to the order.</summary>
    public static long DiscountOn(int? percentOff, long? discountFen, long orderAmountFen) =>
        percentOff is { } p ? orderAmountFen * p / 100 : Math.Min(discountFen ?? 0, orderAmountFen);
}

/// <summary>A merchant that takes a template's coupons.</summary>
public sealed class CouponTemplateMerchant(Guid templateId, Guid merchantId)
{
    public Guid TemplateId { get; private set; } = templateId;

    public Guid MerchantId { get; private set; } = merchantId;
}
