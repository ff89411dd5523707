using Points.Domain.Common;

namespace Points.Domain.Ledger;

/// <summary>
/// A merchant's month as the town approved it for payment: the figures at approval, who approved and when.
/// Approved months never change (one row per merchant and month, no update path); the journal already makes a
/// closed month stable, since a later refund posts in the month it happens.
/// </summary>
public sealed class MerchantSettlement
{
    public const int PeriodLength = 7;

    public static readonly DomainError MonthOpen = DomainError.Conflict("settlement.month_open", "该月尚未结束，不能审批结算");
    public static readonly DomainError AlreadyApproved = DomainError.Conflict("settlement.already_approved", "该月结算已审批，不能再次审批或修改");
    public static readonly DomainError NothingToApprove = DomainError.Conflict("settlement.empty", "该月没有需要结算的商户");

    private MerchantSettlement()
    {
        Period = string.Empty;
    }

    public MerchantSettlement(Guid id, Guid townId, Guid merchantId, int year, int month, int pointsPerYuan, int redemptions, long redeemedPoints, long refundedPoints, long netFen, Guid approvedBy, DateTimeOffset approvedAt)
    {
        Id = id;
        TownId = townId;
        MerchantId = merchantId;
        Period = FormatPeriod(year, month);
        PointsPerYuan = pointsPerYuan;
        Redemptions = redemptions;
        RedeemedPoints = redeemedPoints;
        RefundedPoints = refundedPoints;
        NetPoints = redeemedPoints - refundedPoints;
        NetFen = netFen;
        ApprovedBy = approvedBy;
        ApprovedAt = approvedAt;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid MerchantId { get; private set; }

    /// <summary>The Shanghai calendar month, <c>yyyy-MM</c>.</summary>
    public string Period { get; private set; }

    public int PointsPerYuan { get; private set; }

    public int Redemptions { get; private set; }

    public long RedeemedPoints { get; private set; }

    public long RefundedPoints { get; private set; }

    public long NetPoints { get; private set; }

    public long NetFen { get; private set; }

    public Guid ApprovedBy { get; private set; }

    public DateTimeOffset ApprovedAt { get; private set; }

    public static string FormatPeriod(int year, int month) => $"{year:D4}-{month:D2}";

    /// <summary>A month can be approved for payment once it is over in Asia/Shanghai.</summary>
    public static DomainError? CanApprove(int year, int month, DateTimeOffset now) =>
        now < ShanghaiTime.Month(year, month).End ? MonthOpen : null;
}
