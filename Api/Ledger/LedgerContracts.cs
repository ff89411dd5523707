using System.ComponentModel.DataAnnotations;
using Points.Domain.Ledger;

namespace Points.Api.Ledger;

public sealed record PointsEntryResponse(Guid Id, long Points, TransferReason Reason, string? Note, DateTimeOffset At);

/// <summary>
/// My points: balance, pending (points expected but not received yet: declarations under review and accepted
/// hazard reports not yet closed, see <see cref="Points.Infrastructure.Participation.PendingPoints"/>), and a keyset
/// page of entries.
/// </summary>
public sealed record PointsResponse(long Balance, long Pending, IReadOnlyList<PointsEntryResponse> Entries, string? Next);

public sealed record PaycodeResponse(string Code, DateTimeOffset ExpiresAt, string QrPng);

public sealed record RedeemRequest(
    [property: Required(ErrorMessage = "缺少付款码 paycode")]
    [property: StringLength(64, MinimumLength = 1, ErrorMessage = "付款码格式不正确")]
    string Paycode,
    [property: Required(ErrorMessage = "缺少积分数量 points")]
    [property: Range(1, TransferRequest.MaxPoints, ErrorMessage = "积分数量须为 1 到 10000000 之间的整数")]
    long? Points,
    [property: StringLength(128, ErrorMessage = "幂等键不能超过128个字符")]
    string? IdempotencyKey,
    [property: StringLength(Redemption.NoteMaxLength, ErrorMessage = "备注不能超过200个字")]
    string? Note);

public sealed record RedemptionReceipt(Guid Id, Guid MerchantId, Guid ResidentId, long Points, string? Note, DateTimeOffset At, Guid JournalEntryId, DateTimeOffset? RefundedAt, Guid? RefundEntryId)
{
    public static RedemptionReceipt From(Redemption r) => new(r.Id, r.MerchantId, r.ResidentId, r.Points, r.Note, r.CreatedAt, r.JournalEntryId, r.RefundedAt, r.RefundEntryId);
}

/// <summary>A statement day; <c>couponSubsidyFen</c> is what the town owes for the coupons taken that day, <c>owedFen</c> the day's total.</summary>
public sealed record StatementDayResponse(DateOnly Day, int Redemptions, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen, int CouponRedemptions, long CouponSubsidyFen, long OwedFen);

public sealed record StatementResponse(Guid MerchantId, string MerchantName, string Month, int PointsPerYuan, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen,
    IReadOnlyList<StatementDayResponse> Days, int CouponRedemptions, long CouponSubsidyFen, long OwedFen);

public sealed record AdjustmentRequest(
    [property: Required(ErrorMessage = "缺少居民 residentId")]
    Guid? ResidentId,
    [property: Required(ErrorMessage = "缺少积分数量 points")]
    [property: Range(-TransferRequest.MaxPoints, TransferRequest.MaxPoints, ErrorMessage = "积分数量超出范围")]
    long? Points,
    [property: Required(ErrorMessage = "请填写调整原因")]
    [property: StringLength(TransferRequest.NoteMaxLength, MinimumLength = 1, ErrorMessage = "调整原因须为1到200个字")]
    string? Reason);

public sealed record AdjustmentResponse(Guid EntryId, Guid ResidentId, long Points, string Reason, Guid ActorId, DateTimeOffset At, long Balance);

/// <summary>
/// One resident's month in a community. Opening and closing are the wallet's balance; the movement columns count what
/// happened while the resident belonged to this community, and <see cref="Elsewhere"/> the net of the month's
/// movements recorded in another community (a resident who moved), so opening + earned − spent − expired + adjusted
/// + elsewhere = closing.
/// </summary>
public sealed record SummaryRowResponse(Guid? ResidentId, string Name, long Opening, IReadOnlyDictionary<string, long> EarnedBySource, long Earned, long Spent, long Expired, long Adjusted, long Elsewhere, long Closing);

public sealed record SummaryResponse(Guid CommunityId, string CommunityName, string Month, bool Closed, IReadOnlyList<SummaryRowResponse> Residents);

public sealed record EarningRuleRequest(
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "默认积分须在 0 到 1000000 之间")]
    int DefaultPoints,
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "每日上限须在 0 到 1000000 之间")]
    int? DailyCap,
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "每月上限须在 0 到 1000000 之间")]
    int? MonthlyCap);

public sealed record EarningRuleResponse(Guid TownId, TransferReason Source, int DefaultPoints, int? DailyCap, int? MonthlyCap);

public sealed record ExpiryPolicyRequest(
    [property: Range(1, 120, ErrorMessage = "有效期须在 1 到 120 个月之间")]
    int? Months);

public sealed record ExpiryPolicyResponse(Guid TownId, int? Months);
