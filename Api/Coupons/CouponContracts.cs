using System.ComponentModel.DataAnnotations;
using Points.Domain.Coupons;
using Points.Infrastructure.Coupons;

namespace Points.Api.Coupons;

public sealed record CouponTemplateRequest(
    [property: Required(ErrorMessage = "请填写券名称 title")]
    [property: StringLength(CouponTemplate.TitleMaxLength, MinimumLength = 1, ErrorMessage = "券名称须为1到64个字")]
    string? Title,
    [property: Range(1, 99, ErrorMessage = "折扣百分比须为 1 到 99")]
    int? PercentOff,
    [property: Range(1, CouponTemplate.MaxDiscountFen, ErrorMessage = "减免金额须为正整数（分）")]
    long? DiscountFen,
    [property: Range(0, CouponTemplate.MaxPointsCost, ErrorMessage = "兑券积分须为 0 到 1000000 的整数")]
    int? PointsCost,
    [property: Required(ErrorMessage = "请指定可用商户 merchantIds")]
    IReadOnlyList<Guid>? MerchantIds,
    [property: Required(ErrorMessage = "请填写有效期开始时间 validFrom")]
    DateTimeOffset? ValidFrom,
    [property: Required(ErrorMessage = "请填写有效期结束时间 validTo")]
    DateTimeOffset? ValidTo,
    [property: Range(1, CouponTemplate.MaxPerResident, ErrorMessage = "每人限领须为 1 到 100")]
    int? PerResidentLimit,
    [property: Required(ErrorMessage = "请填写发放总量 totalCap")]
    [property: Range(1, CouponTemplate.MaxTotalCap, ErrorMessage = "发放总量须为 1 到 1000000")]
    int? TotalCap,
    [property: Range(0, CouponTemplate.MaxMinActivities, ErrorMessage = "上月参加活动次数要求须为 0 到 100")]
    int? MinActivitiesLastMonth);

public sealed record CouponMerchantResponse(Guid Id, string Name);

public sealed record CouponTemplateResponse(
    Guid Id, Guid TownId, string Title, int? PercentOff, long? DiscountFen, int PointsCost, IReadOnlyList<CouponMerchantResponse> Merchants,
    DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int PerResidentLimit, int TotalCap, int MinActivitiesLastMonth,
    int Issued, int Used, bool Voided, DateTimeOffset? VoidedAt, DateTimeOffset CreatedAt)
{
    public static CouponTemplateResponse From(CouponTemplateView v)
    {
        var t = v.Template;
        return new(t.Id, t.TownId, t.Title, t.PercentOff, t.DiscountFen, t.PointsCost, v.Merchants.Select(m => new CouponMerchantResponse(m.Id, m.Name)).ToList(),
            t.ValidFrom, t.ValidTo, t.PerResidentLimit, t.TotalCap, t.MinActivitiesLastMonth, t.Issued, v.Used, t.IsVoided, t.VoidedAt, t.CreatedAt);
    }
}

/// <summary>A resident's coupon: the code to show, its QR (PNG, base64; null once it can no longer be used) and its terms.</summary>
public sealed record MyCouponResponse(
    Guid Id, string Code, string? QrPng, string Title, int? PercentOff, long? DiscountFen, int PointsCost, string Month,
    DateTimeOffset ValidFrom, DateTimeOffset ValidTo, CouponStatus Status, DateTimeOffset IssuedAt, DateTimeOffset? UsedAt, IReadOnlyList<CouponMerchantResponse> Merchants);

public sealed record CouponRedemptionRequest(
    [property: Required(ErrorMessage = "缺少券码 couponCode")]
    [property: StringLength(32, MinimumLength = 1, ErrorMessage = "券码格式不正确")]
    string CouponCode,
    [property: Required(ErrorMessage = "缺少订单金额 orderAmountFen")]
    long? OrderAmountFen,
    [property: StringLength(128, ErrorMessage = "幂等键不能超过128个字符")]
    string? IdempotencyKey);

/// <summary>A coupon taken: the order, the discount (the town's subsidy to the merchant), what the resident pays, and the points it cost.</summary>
public sealed record CouponRedemptionResponse(
    Guid Id, Guid CouponId, string Title, Guid MerchantId, Guid ResidentId, long OrderAmountFen, long DiscountFen, long PayableFen, int PointsCost,
    Guid? JournalEntryId, DateTimeOffset At)
{
    public static CouponRedemptionResponse From(CouponRedemptionOutcome o) => new(
        o.Redemption.Id, o.Redemption.CouponId, o.Title, o.Redemption.MerchantId, o.Redemption.ResidentId, o.Redemption.OrderAmountFen,
        o.Redemption.DiscountFen, o.PayableFen, o.Redemption.PointsCost, o.Redemption.JournalEntryId, o.Redemption.CreatedAt);
}
