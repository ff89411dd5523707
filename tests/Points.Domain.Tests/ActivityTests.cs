using Points.Domain.Activities;

namespace Points.Domain.Tests;

public sealed class ActivityTests
{
    [Fact]
    public void Create_IsDraft_PublishThenComplete_AfterTheEnd()
    {
        var activity = Build.Activity().Draft().Build();
        Assert.Equal(ActivityStatus.Draft, activity.Status);

        Assert.True(activity.Publish(At.T0).IsSuccess);
        Assert.Equal(ActivityErrors.InvalidTransition, activity.Publish(At.T0).Error);
        Assert.Equal("activity.not_over", activity.Complete(activity.EndsAt.AddTicks(-1)).Error?.Code);
        Assert.True(activity.Complete(activity.EndsAt).IsSuccess);

        Assert.Equal(ActivityStatus.Completed, activity.Status);
        Assert.Equal(ActivityErrors.InvalidTransition, activity.Cancel(activity.EndsAt).Error);
        Assert.Equal(ActivityErrors.InvalidTransition, activity.Update(Build.Activity().Details(), activity.EndsAt).Error);
    }

    [Fact]
    public void Publish_AfterTheEnd_IsRefused()
    {
        var activity = Build.Activity().Draft().Build();

        Assert.Equal("activity.already_over", activity.Publish(activity.EndsAt).Error?.Code);
        Assert.Equal(ActivityStatus.Draft, activity.Status);
    }

    [Fact]
    public void Cancel_DraftOrPublished_IsFinal()
    {
        var draft = Build.Activity().Draft().Build();
        var published = Build.Activity().Build();

        Assert.True(draft.Cancel(At.T0).IsSuccess);
        Assert.True(published.Cancel(At.T0).IsSuccess);

        Assert.Equal(ActivityStatus.Cancelled, published.Status);
        Assert.Equal(ActivityErrors.InvalidTransition, published.Publish(At.T0).Error);
        Assert.Equal(ActivityErrors.InvalidTransition, published.Complete(published.EndsAt).Error);
        Assert.Equal(ActivityErrors.InvalidTransition, published.Cancel(At.T0).Error);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    public void IsSignUpOpen_AtTheOpeningEdge_OpensExactlyAtTheInstant(int secondsFromOpening, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsSignUpOpen(activity.SignUpOpensAt.AddSeconds(secondsFromOpening)));
        Assert.Equal(open, Activity.SignUpOpenAt(activity.SignUpOpensAt.AddSeconds(secondsFromOpening)).Compile()(activity));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    public void IsSignUpOpen_AtTheClosingEdge_ClosesExactlyAtTheInstant(int secondsFromClosing, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsSignUpOpen(activity.SignUpClosesAt.AddSeconds(secondsFromClosing)));
        Assert.Equal(open, Activity.SignUpOpenAt(activity.SignUpClosesAt.AddSeconds(secondsFromClosing)).Compile()(activity));
    }

    [Fact]
    public void IsSignUpOpen_Draft_IsClosedInsideTheWindow()
    {
        var activity = Build.Activity().Draft().Build();

        Assert.False(activity.IsSignUpOpen(At.T0));
    }

    [Theory]
    [InlineData(-31 * 60, false)]
    [InlineData((-30 * 60) - 1, false)]
    [InlineData(-30 * 60, true)]
    [InlineData(0, true)]
    public void IsCheckInOpen_BeforeTheStart_OpensThirtyMinutesEarly(int secondsFromStart, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsCheckInOpen(activity.StartsAt.AddSeconds(secondsFromStart)));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void IsCheckInOpen_AtTheEnd_ClosesAfterTheLastInstant(int secondsFromEnd, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsCheckInOpen(activity.EndsAt.AddSeconds(secondsFromEnd)));
    }

    [Fact]
    public void IsCheckInOpen_Cancelled_IsClosed()
    {
        var activity = Build.Activity().Build();
        activity.Cancel(At.T0);

        Assert.False(activity.IsCheckInOpen(activity.StartsAt));
    }

    [Theory]
    [InlineData(120, 71, false)]
    [InlineData(120, 72, true)]
    [InlineData(100, 59, false)]
    [InlineData(100, 60, true)]
    [InlineData(7, 4, false)]
    [InlineData(7, 5, true)]
    [InlineData(1, 0, false)]
    [InlineData(1, 1, true)]
    public void MeetsAttendanceRule_AtSixtyPercent_RoundsTheThresholdUp(int lengthMinutes, int presentMinutes, bool meets)
    {
        var activity = Build.Activity().Lasting(TimeSpan.FromMinutes(lengthMinutes)).Build();

        Assert.Equal(meets, activity.MeetsAttendanceRule(presentMinutes));
    }

    [Theory]
    [InlineData(-30, null, 120)]
    [InlineData(10, null, 110)]
    [InlineData(0, 60, 60)]
    [InlineData(0, 200, 120)]
    [InlineData(130, null, 0)]
    [InlineData(30, 20, 0)]
    public void PresentMinutes_ClampsToTheActivitysTime(int checkInMinutes, int? checkOutMinutes, int expected)
    {
        var activity = Build.Activity().Build();

        var minutes = activity.PresentMinutes(activity.StartsAt.AddMinutes(checkInMinutes), checkOutMinutes is { } o ? activity.StartsAt.AddMinutes(o) : null);

        Assert.Equal(expected, minutes);
    }

    [Theory]
    [InlineData(0, "activity.capacity_invalid")]
    [InlineData(1, null)]
    [InlineData(Activity.MaxCapacity, null)]
    [InlineData(Activity.MaxCapacity + 1, "activity.capacity_invalid")]
    public void Validate_Capacity_FromOneToTheMaximum(int capacity, string? code)
    {
        Assert.Equal(code, Activity.Validate(Build.Activity().Capacity(capacity).Details())?.Code);
    }

    [Fact]
    public void Validate_SignUpClosingAfterTheStart_IsRefused()
    {
        var starts = At.T0.AddDays(2);
        var details = Build.Activity().StartingAt(starts).SignUpWindow(At.T0, starts.AddTicks(1)).Details();

        Assert.Equal("activity.signup_window_invalid", Activity.Validate(details)?.Code);
    }

    [Theory]
    [InlineData(null, null, "checkin.location_required")]
    [InlineData(30.0, 120.0, null)]
    [InlineData(30.004, 120.0, null)]
    [InlineData(30.005, 120.0, "checkin.too_far")]
    public void CheckInRefusal_AroundTheRadius_RefusesBeyondIt(double? latitude, double? longitude, string? code)
    {
        var activity = Activity.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Build.Activity().Details() with { Latitude = 30.0, Longitude = 120.0 }, Guid.NewGuid(), At.T0).Value;
        activity.Publish(At.T0);

        Assert.Equal(code, activity.CheckInRefusal(activity.StartsAt, latitude, longitude, radiusMeters: 500)?.Code);
        Assert.Null(activity.CheckInRefusal(activity.StartsAt, null, null, radiusMeters: 0));
        Assert.Equal(ActivityErrors.CheckInClosed, activity.CheckInRefusal(activity.EndsAt.AddSeconds(1), 30.0, 120.0, 500));
    }

    [Fact]
    public void CheckInRefusal_WithoutCoordinates_NeedsNoLocation()
    {
        var activity = Build.Activity().Build();

        Assert.Null(activity.CheckInRefusal(activity.StartsAt, null, null, radiusMeters: 500));
    }

    [Theory]
    [InlineData((-30 * 60) - 1, false)]
    [InlineData(-30 * 60, true)]
    [InlineData((2 + 12) * 3600, true)]
    [InlineData(((2 + 12) * 3600) + 1, false)]
    public void StaffCheckTimeRefusal_FromCheckInOpeningToTwelveHoursAfterTheEnd(int secondsFromStart, bool allowed)
    {
        var activity = Build.Activity().Build();
        var at = activity.StartsAt.AddSeconds(secondsFromStart);

        Assert.Equal(allowed ? null : ActivityErrors.CheckTimeInvalid, activity.StaffCheckTimeRefusal(at, now: at.AddDays(1)));
        Assert.Equal(ActivityErrors.CheckTimeInvalid, activity.StaffCheckTimeRefusal(activity.StartsAt, now: activity.StartsAt.AddTicks(-1)));
    }

    [Fact]
    public void AttendanceRefusal_BeforeTheEnd_OrWhenNotRunning()
    {
        var activity = Build.Activity().Build();

        Assert.Equal(ActivityErrors.AttendanceTooEarly, activity.AttendanceRefusal(activity.EndsAt.AddTicks(-1)));
        Assert.Null(activity.AttendanceRefusal(activity.EndsAt));
        Assert.Equal(ActivityErrors.InvalidTransition, Build.Activity().Draft().Build().AttendanceRefusal(activity.EndsAt));
    }
}
