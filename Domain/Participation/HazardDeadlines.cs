using Points.Domain.Common;

namespace Points.Domain.Participation;

/// <summary>How urgent a hazard is: red (紧急) runs on the clock, yellow and green on working days.</summary>
public enum HazardUrgency
{
    Red,
    Yellow,
    Green,
}

/// <summary>Who is handling a report: the grid, then the community, then the town (each escalation moves it one up).</summary>
public enum HazardLevel
{
    Grid,
    Community,
    Town,
}

/// <summary>The reporter's verdict on a closed report (满意 / 基本满意 / 不满意).</summary>
public enum HazardRating
{
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

/// <summary>A town's working calendar: Monday to Friday are working days, less its holidays, plus its make-up working days (调休).</summary>
public sealed class WorkCalendar
{
    public static readonly WorkCalendar WeekdaysOnly = new([], []);

    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workdays;

    public WorkCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> extraWorkdays)
    {
        _holidays = [.. holidays];
        _workdays = [.. extraWorkdays];
    }

    public bool IsWorkingDay(DateOnly day) =>
        _workdays.Contains(day) || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day));

    /// <summary>
    /// <paramref name="days"/> working days after <paramref name="start"/>, in Asia/Shanghai: the same time of day on the
    /// N-th following working day. A start on a non-working day counts from the beginning of the next working day.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = ShanghaiTime.ToShanghai(start);
        var day = DateOnly.FromDateTime(local.DateTime);
        var timeOfDay = local.TimeOfDay;
        if (!IsWorkingDay(day))
        {
            day = NextWorkingDay(day);
            timeOfDay = TimeSpan.Zero;
        }

        for (var i = 0; i < days; i++)
        {
            day = NextWorkingDay(day);
        }

        return ShanghaiTime.StartOfDay(day).Add(timeOfDay).ToUniversalTime();
    }

    private DateOnly NextWorkingDay(DateOnly day)
    {
        // Bounded: a calendar with a whole year of holidays is a configuration error, not a loop forever.
        for (var i = 0; i < 370; i++)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                return day;
            }
        }

        throw new InvalidOperationException("the calendar has no working day within a year");
    }
}

/// <summary>A town's deadlines for hazards: working days for green and yellow, hours for red.</summary>
public sealed record HazardDeadlinePolicy(int AcceptWorkingDays, int CloseWorkingDays, int RedAcceptHours, int RedCloseHours)
{
    public const int MaxWorkingDays = 60;
    public const int MaxHours = 24 * 14;

    public static readonly HazardDeadlinePolicy Default = new(1, 5, 2, 24);

    public bool IsValid =>
        AcceptWorkingDays is >= 1 and <= MaxWorkingDays && CloseWorkingDays >= AcceptWorkingDays && CloseWorkingDays <= MaxWorkingDays
        && RedAcceptHours is >= 1 and <= MaxHours && RedCloseHours >= RedAcceptHours && RedCloseHours <= MaxHours;

    /// <summary>When the report must be accepted and closed, counted from <paramref name="from"/>.</summary>
    public (DateTimeOffset AcceptDueAt, DateTimeOffset CloseDueAt) DueFrom(DateTimeOffset from, HazardUrgency urgency, WorkCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return urgency == HazardUrgency.Red
            ? (from.AddHours(RedAcceptHours), from.AddHours(RedCloseHours))
            : (calendar.AddWorkingDays(from, AcceptWorkingDays), calendar.AddWorkingDays(from, CloseWorkingDays));
    }

    /// <summary>The window a level gets after an escalation: to accept while the report is unaccepted, else to close.</summary>
    public DateTimeOffset NextEscalationFrom(DateTimeOffset now, HazardUrgency urgency, bool accepted, WorkCalendar calendar)
    {
        var (accept, close) = DueFrom(now, urgency, calendar);
        return accepted ? close : accept;
    }

    /// <summary>The urgency a category starts with; staff may change it with a reason.</summary>
    public static HazardUrgency DefaultUrgency(HazardCategory category) => category switch
    {
        HazardCategory.Fire or HazardCategory.Gas or HazardCategory.Electrical => HazardUrgency.Red,
        HazardCategory.Building or HazardCategory.Traffic or HazardCategory.Water => HazardUrgency.Yellow,
        _ => HazardUrgency.Green,
    };
}
