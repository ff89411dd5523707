using Points.Domain.Coupons;

namespace Points.Domain.Tests;

public sealed class CouponRulesTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset To = new(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Town = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid OtherTown = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static CouponTemplateDraft Draft(int? percent = null, long? fen = 800, int cost = 0, int merchants = 1, int days = 30, int perResident = 1, int cap = 100, int min = 0) =>
        new("理发八折券", percent, fen, cost, Enumerable.Range(0, merchants).Select(_ => Guid.NewGuid()).ToList(), From, From.AddDays(days), perResident, cap, min);

    public static TheoryData<CouponTemplateDraft, string?> Drafts => new()
    {
        { Draft(), null },
        { Draft(percent: 1, fen: null), null },
        { Draft(percent: 99, fen: null), null },
        { Draft(percent: 0, fen: null), "coupon.discount_invalid" },
        { Draft(percent: 100, fen: null), "coupon.discount_invalid" },
        { Draft(percent: 20, fen: 100), "coupon.discount_invalid" },
        { Draft(percent: null, fen: null), "coupon.discount_invalid" },
        { Draft(fen: 0), "coupon.discount_invalid" },
        { Draft(fen: CouponTemplate.MaxDiscountFen + 1), "coupon.discount_invalid" },
        { Draft(cost: -1), "coupon.points_cost_invalid" },
        { Draft(cost: CouponTemplate.MaxPointsCost), null },
        { Draft(merchants: 0), "coupon.merchants_required" },
        { Draft(merchants: CouponTemplate.MaxMerchants + 1), "coupon.merchants_required" },
        { Draft(days: 0), "coupon.validity_invalid" },
        { Draft(perResident: 0), "coupon.caps_invalid" },
        { Draft(perResident: CouponTemplate.MaxPerResident + 1), "coupon.caps_invalid" },
        { Draft(cap: 0), "coupon.caps_invalid" },
        { Draft(cap: CouponTemplate.MaxTotalCap), null },
        { Draft(min: -1), "coupon.eligibility_invalid" },
        { Draft(min: CouponTemplate.MaxMinActivities), null },
    };

    [Theory]
    [MemberData(nameof(Drafts))]
    public void Check_Draft_RefusesEachBadTerm(CouponTemplateDraft draft, string? code) =>
        Assert.Equal(code, CouponTemplate.Check(draft)?.Code);

    [Theory]
    [InlineData(20, null, 3333, 666)]
    [InlineData(20, null, 1, 0)]
    [InlineData(99, null, 100, 99)]
    [InlineData(null, 800L, 5000, 800)]
    [InlineData(null, 800L, 500, 500)]
    public void DiscountOn_Order_PercentRoundsDownFixedCapsAtOrder(int? percent, long? fen, long order, long discount) =>
        Assert.Equal(discount, CouponTemplate.DiscountOn(percent, fen, order));

    public static TheoryData<DateTimeOffset?, DateTimeOffset?, DateTimeOffset, bool, bool, string?> Usable => new()
    {
        { null, null, From, true, false, null },
        { null, null, To.AddTicks(-10), true, false, null },
        { null, null, To, true, false, "coupon.expired" },
        { null, null, From.AddTicks(-10), true, false, "coupon.not_yet_valid" },
        { From, null, From, true, false, "coupon.used" },
        { From, From, To, false, true, "coupon.used" },
        { null, From, From, true, false, "coupon.voided" },
        { null, null, From, false, false, "coupon.wrong_merchant" },
        { null, null, From, true, true, "coupon.other_town" },
    };

    [Theory]
    [MemberData(nameof(Usable))]
    public void CheckUsable_AtBoundaries_UsedFirstThenVoidedWindowTownMerchant(DateTimeOffset? usedAt, DateTimeOffset? voidedAt, DateTimeOffset now, bool designated, bool otherTown, string? code) =>
        Assert.Equal(code, Coupon.CheckUsable(usedAt, voidedAt, From, To, Town, designated, now, otherTown ? OtherTown : Town)?.Code);

    [Fact]
    public void Void_Twice_SecondRefused()
    {
        var template = CouponTemplate.Create(Guid.NewGuid(), Town, Draft(), Guid.NewGuid(), From).Value;

        Assert.True(template.Void(Guid.NewGuid(), From).IsSuccess);
        Assert.Equal("coupon.template_voided", template.Void(Guid.NewGuid(), From).Error?.Code);
        Assert.True(template.IsVoided);
        Assert.False(template.IssuesInMonth(From, To));
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(-1, 0, false)]
    [InlineData(30, 31, false)]
    [InlineData(-10, -1, false)]
    [InlineData(-10, 1, true)]
    public void IssuesIn_November_WhenValidAtSomeInstantOfIt(int fromDays, int toDays, bool issues) =>
        Assert.Equal(issues, CouponTemplate.Create(Guid.NewGuid(), Town, Draft() with { ValidFrom = From.AddDays(fromDays), ValidTo = From.AddDays(toDays) }, Guid.NewGuid(), From).Value.IssuesInMonth(From, To));
}
