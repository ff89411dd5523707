using Points.Domain.Participation;

namespace Points.Domain.Tests;

public sealed class HazardDeadlineTests
{
    private static DateTimeOffset Sh(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly WorkCalendar Calendar = new(
        [new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 2), new DateOnly(2026, 10, 5)],
        [new DateOnly(2026, 10, 10)]);

    [Theory]
    // Wednesday 10:00 + 1 working day = Thursday 10:00.
    [InlineData("2026-12-02T10:00:00", 1, "2026-12-03T10:00:00")]
    // Friday 16:00 + 1 = Monday 16:00 (the weekend does not count).
    [InlineData("2026-12-04T16:00:00", 1, "2026-12-07T16:00:00")]
    // Saturday 09:00 counts from Monday 00:00: + 1 = Tuesday 00:00.
    [InlineData("2026-12-05T09:00:00", 1, "2026-12-08T00:00:00")]
    // Wednesday + 5 = next Wednesday.
    [InlineData("2026-12-02T10:00:00", 5, "2026-12-09T10:00:00")]
    // Before the National Day holidays: Wednesday 30 Sep + 1 skips Thu 1, Fri 2, the weekend and Mon 5 (holiday): Tue 6.
    [InlineData("2026-09-30T11:30:00", 1, "2026-10-06T11:30:00")]
    // A make-up working Saturday (10 Oct) counts: Friday 9 Oct + 1 = Saturday 10 Oct.
    [InlineData("2026-10-09T08:00:00", 1, "2026-10-10T08:00:00")]
    // Zero days on a working day is the start itself.
    [InlineData("2026-12-02T10:00:00", 0, "2026-12-02T10:00:00")]
    public void WorkingDays_SkipWeekendsAndHolidays(string start, int days, string expected) =>
        Assert.Equal(Sh(expected), Calendar.AddWorkingDays(Sh(start), days));

    [Fact]
    public void Red_RunsOnTheClock_ThroughWeekendsAndHolidays()
    {
        var saturdayNight = Sh("2026-10-03T23:30:00");

        var (accept, close) = HazardDeadlinePolicy.Default.DueFrom(saturdayNight, HazardUrgency.Red, Calendar);

        Assert.Equal(Sh("2026-10-04T01:30:00"), accept);
        Assert.Equal(Sh("2026-10-04T23:30:00"), close);
    }

    [Theory]
    [InlineData(HazardUrgency.Green)]
    [InlineData(HazardUrgency.Yellow)]
    public void GreenAndYellow_OneWorkingDayToAccept_FiveToClose(HazardUrgency urgency)
    {
        var (accept, close) = HazardDeadlinePolicy.Default.DueFrom(Sh("2026-12-04T16:00:00"), urgency, WorkCalendar.WeekdaysOnly);

        Assert.Equal(Sh("2026-12-07T16:00:00"), accept);
        Assert.Equal(Sh("2026-12-11T16:00:00"), close);
    }

    [Theory]
    [InlineData(HazardCategory.Fire, HazardUrgency.Red)]
    [InlineData(HazardCategory.Gas, HazardUrgency.Red)]
    [InlineData(HazardCategory.Building, HazardUrgency.Yellow)]
    [InlineData(HazardCategory.Environment, HazardUrgency.Green)]
    public void Category_GivesTheDefaultUrgency(HazardCategory category, HazardUrgency expected) =>
        Assert.Equal(expected, HazardDeadlinePolicy.DefaultUrgency(category));

    [Theory]
    [InlineData(1, 5, 2, 24, true)]
    [InlineData(0, 5, 2, 24, false)]
    [InlineData(3, 2, 2, 24, false)]
    [InlineData(1, 5, 25, 24, false)]
    public void Policy_Validity(int accept, int close, int redAccept, int redClose, bool valid) =>
        Assert.Equal(valid, new HazardDeadlinePolicy(accept, close, redAccept, redClose).IsValid);

    private static HazardReport Report(HazardCategory category, DateTimeOffset at)
    {
        var report = HazardReport.Report(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), category, "楼道堆放杂物", 30, 120, "3号楼", [], at).Value;
        report.Schedule(HazardDeadlinePolicy.DefaultUrgency(category), HazardDeadlinePolicy.Default, WorkCalendar.WeekdaysOnly, null);
        return report;
    }

    [Fact]
    public void Overdue_IsJudgedByTheDeadlineForTheState()
    {
        var at = Sh("2026-12-02T10:00:00");
        var report = Report(HazardCategory.Fire, at);

        Assert.False(report.IsOverdue(at.AddHours(2)));
        Assert.True(report.IsOverdue(at.AddHours(2).AddSeconds(1)));
        report.Apply(HazardAction.Accept, null, 0, at.AddHours(3));
        Assert.False(report.IsOverdue(at.AddHours(24)));
        Assert.True(report.IsOverdue(at.AddHours(24).AddSeconds(1)));
    }

    [Fact]
    public void Escalation_GoesGridCommunityTown_ThenStops()
    {
        var at = Sh("2026-12-02T10:00:00");
        var report = Report(HazardCategory.Other, at);

        Assert.Equal(HazardLevel.Community, report.Escalate("超时", at, at.AddDays(1)).Value);
        Assert.Equal(HazardLevel.Town, report.Escalate("超时", at, at.AddDays(1)).Value);
        Assert.Null(report.EscalateAt);
        Assert.Equal(HazardErrors.AtTopLevel, report.Escalate("超时", at, at.AddDays(1)).Error);
        Assert.Equal(HazardErrors.ReasonRequired, Report(HazardCategory.Other, at).Escalate(" ", at, at).Error);
    }

    [Fact]
    public void Dissatisfied_ReopensOnce_TheSecondTimeItStaysClosed()
    {
        var at = Sh("2026-12-02T10:00:00");
        var report = Report(HazardCategory.Other, at);
        report.Apply(HazardAction.Accept, null, 0, at.AddHours(1));
        report.Apply(HazardAction.Close, null, 10, at.AddHours(2));

        Assert.True(report.Rate(report.ReporterId, HazardRating.Dissatisfied, null, at.AddHours(3)).Value);
        Assert.Equal(HazardStatus.Accepted, report.Status);
        Assert.Equal(HazardErrors.NotRatable, report.Rate(report.ReporterId, HazardRating.Satisfied, null, at.AddHours(3)).Error);
        report.Apply(HazardAction.Close, null, 0, at.AddHours(4));
        Assert.False(report.Rate(report.ReporterId, HazardRating.Dissatisfied, null, at.AddHours(5)).Value);
        Assert.Equal(HazardStatus.Closed, report.Status);
        Assert.Equal(HazardErrors.NotRatable, report.Rate(report.ReporterId, HazardRating.Satisfied, null, at.AddHours(6)).Error);
        Assert.Equal(HazardErrors.NotFound, report.Rate(Guid.NewGuid(), HazardRating.Satisfied, null, at.AddHours(6)).Error);
    }
}
