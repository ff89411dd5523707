using Points.Domain.Common;

namespace Points.Domain.Ledger;

/// <summary>
/// Which months a month-end summary (积分汇总表) answers for. A month that has not begun has nothing to sum and
/// would later answer differently, so it is refused; the month under way is answered but marked open. Months
/// before <see cref="FirstYear"/> precede any record the system can hold.
/// </summary>
public static class SummaryMonth
{
    public const int FirstYear = 2000;

    public static readonly DomainError NotClosed = DomainError.Unprocessable("summary.month_not_closed", "该月份尚未开始，没有可汇总的积分记录；月末汇总在次月1日（北京时间）后定稿");
    public static readonly DomainError OutOfRange = DomainError.Unprocessable("summary.month_out_of_range", "积分系统没有2000年1月以前的记录，请选择2000年1月以后的月份");

    public static DomainError? Check(int year, int month, DateTimeOffset now)
    {
        if (year < FirstYear)
        {
            return OutOfRange;
        }

        var (start, _) = ShanghaiTime.Month(year, month);
        return start > now ? NotClosed : null;
    }

    /// <summary>Whether the month has ended (Asia/Shanghai): only then is its summary final.</summary>
    public static bool IsClosed(int year, int month, DateTimeOffset now) => ShanghaiTime.Month(year, month).End <= now;
}
