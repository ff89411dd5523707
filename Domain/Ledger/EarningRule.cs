using Points.Domain.Common;

namespace Points.Domain.Ledger;

/// <summary>
/// A town's rule for one earning source: the default award and optional per-resident caps per
/// Shanghai day and calendar month (on top of the town's overall daily cap).
/// </summary>
public sealed class EarningRule
{
    public const int MaxCap = 1_000_000;

    private EarningRule()
    {
    }

    public EarningRule(Guid id, Guid townId, TransferReason source, int defaultPoints, int? dailyCap, int? monthlyCap)
    {
        Id = id;
        TownId = townId;
        Source = source;
        DefaultPoints = defaultPoints;
        DailyCap = dailyCap;
        MonthlyCap = monthlyCap;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public TransferReason Source { get; private set; }

    public int DefaultPoints { get; private set; }

    public int? DailyCap { get; private set; }

    public int? MonthlyCap { get; private set; }

    public static DomainError? Validate(TransferReason source, int defaultPoints, int? dailyCap, int? monthlyCap)
    {
        if (!IsEarningSource(source))
        {
            return DomainError.Validation("earning_rule.source_invalid", "只能为获得积分的来源设置规则");
        }

        if (defaultPoints is < 0 or > MaxCap || dailyCap is < 0 or > MaxCap || monthlyCap is < 0 or > MaxCap)
        {
            return DomainError.Validation("earning_rule.value_invalid", "积分和上限须在 0 到 1000000 之间");
        }

        return null;
    }

    public static bool IsEarningSource(TransferReason source) =>
        source is TransferReason.ActivityAttendance or TransferReason.Declaration or TransferReason.HazardReport or TransferReason.Learning or TransferReason.Mediation or TransferReason.PollVote or TransferReason.PremisesSelfCheck;

    public void Update(int defaultPoints, int? dailyCap, int? monthlyCap)
    {
        DefaultPoints = defaultPoints;
        DailyCap = dailyCap;
        MonthlyCap = monthlyCap;
    }
}

/// <summary>A town's optional expiry rule: points earned more than <see cref="Months"/> months ago lapse.</summary>
public sealed class ExpiryPolicy
{
    private ExpiryPolicy()
    {
    }

    public const int MaxMonths = 120;

    public static DomainError? Validate(int months) =>
        months is < 1 or > MaxMonths ? DomainError.Validation("expiry.months_invalid", "有效期须在 1 到 120 个月之间") : null;

    public ExpiryPolicy(Guid townId, int months)
    {
        TownId = townId;
        Months = months;
    }

    public Guid TownId { get; private set; }

    public int Months { get; private set; }

    public void Change(int months) => Months = months;
}
