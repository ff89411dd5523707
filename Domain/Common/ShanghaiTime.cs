namespace Points.Domain.Common;

/// <summary>
/// Everything a person sees (month-end summaries, market days, daily caps) is in Asia/Shanghai.
/// China has had no daylight saving since 1991, so the fixed +08:00 offset is exact for every date
/// the product handles; we still resolve the IANA zone when the host has tzdata.
/// </summary>
public static class ShanghaiTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToShanghai(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(ToShanghai(now).DateTime);

    /// <summary>The instant a Shanghai calendar day starts.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>[start, end) of a Shanghai calendar month.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Month(int year, int month)
    {
        var start = new DateTimeOffset(year, month, 1, 0, 0, 0, Offset);
        return (start, start.AddMonths(1));
    }
}
