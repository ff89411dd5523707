using Points.Domain.Activities;

namespace Points.Domain.Tests;

public sealed class SignUpTests
{
    /// <summary>The deadline is a day before the start; cancelling after it is late, at or after the start is refused.</summary>
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void Cancel_AroundTheDeadline_IsLateOnlyAfterIt(int secondsFromDeadline, bool late)
    {
        var activity = Build.Activity().Build();
        var signUp = Build.SignUp(activity);
        var at = activity.CancellationDeadline.AddSeconds(secondsFromDeadline);

        var cancelled = signUp.Cancel(activity, at);

        Assert.True(cancelled.IsSuccess);
        Assert.Equal(SignUpStatus.Cancelled, signUp.Status);
        Assert.Equal(late, signUp.CancelledLate);
        Assert.Equal(late ? at : null, signUp.LateCancelledAt);
        Assert.False(signUp.HoldsPlace);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(60, false)]
    public void Cancel_AroundTheStart_IsRefusedFromTheStartOn(int secondsFromStart, bool allowed)
    {
        var activity = Build.Activity().Build();
        var signUp = Build.SignUp(activity);

        var cancelled = signUp.Cancel(activity, activity.StartsAt.AddSeconds(secondsFromStart));

        Assert.Equal(allowed, cancelled.IsSuccess);
        if (!allowed)
        {
            Assert.Equal(ActivityErrors.CancelTooLate, cancelled.Error);
            Assert.Equal(SignUpStatus.Active, signUp.Status);
        }
    }

    [Fact]
    public void Cancel_Twice_SecondFindsNoSignUp()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.SignUp(activity);

        Assert.True(signUp.Cancel(activity, At.T0).IsSuccess);
        Assert.Equal(ActivityErrors.SignUpNotFound, signUp.Cancel(activity, At.T0).Error);
    }

    [Fact]
    public void CheckIn_Twice_KeepsTheFirstInstant()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.CheckedIn(activity, activity.StartsAt);

        Assert.True(signUp.CheckIn(activity, CheckInMethod.Staff, activity.StartsAt.AddMinutes(5)).IsSuccess);

        Assert.Equal(activity.StartsAt, signUp.CheckedInAt);
        Assert.Equal(CheckInMethod.Code, signUp.CheckInMethod);
    }

    [Fact]
    public void CheckOut_WithoutCheckIn_IsRefused_BeforeCheckIn_ClampsToIt()
    {
        var activity = Build.Activity().Build();
        Assert.Equal(ActivityErrors.NotCheckedIn, Build.SignUp(activity).CheckOut(activity, activity.EndsAt).Error);

        var signUp = Build.CheckedIn(activity, activity.StartsAt.AddMinutes(30));
        Assert.True(signUp.CheckOut(activity, activity.StartsAt).IsSuccess);

        Assert.Equal(activity.StartsAt.AddMinutes(30), signUp.CheckedOutAt);
        Assert.Equal(0, signUp.AttendedMinutes);
    }

    [Theory]
    [InlineData(71, false)]
    [InlineData(72, true)]
    public void ConfirmAttended_AtTheSixtyPercentEdge_NeedsSeventyTwoOfOneHundredTwentyMinutes(int presentMinutes, bool attended)
    {
        var activity = Build.Activity().Build();
        var signUp = Build.CheckedIn(activity, activity.StartsAt);
        signUp.CheckOut(activity, activity.StartsAt.AddMinutes(presentMinutes));

        var confirmed = signUp.ConfirmAttended(activity, Guid.NewGuid(), activity.EndsAt);

        Assert.Equal(attended, confirmed.IsSuccess);
        Assert.Equal(attended ? SignUpStatus.Attended : SignUpStatus.Active, signUp.Status);
        if (!attended)
        {
            Assert.Equal("attendance.too_short", confirmed.Error?.Code);
            Assert.Equal(presentMinutes, confirmed.Error?.Extensions?["attendedMinutes"]);
        }
    }

    [Fact]
    public void ConfirmAttended_WithoutCheckIn_IsRefused()
    {
        var activity = Build.Activity().Build();

        Assert.Equal("attendance.not_checked_in", Build.SignUp(activity).ConfirmAttended(activity, Guid.NewGuid(), activity.EndsAt).Error?.Code);
    }

    [Fact]
    public void NoShow_ThenAttended_CorrectsTheRecord_ButKeepsWhenTheNoShowWasRecorded()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.CheckedIn(activity, activity.StartsAt);
        var staff = Guid.NewGuid();

        Assert.True(signUp.ConfirmNoShow(staff, activity.EndsAt).IsSuccess);
        Assert.True(signUp.ConfirmAttended(activity, staff, activity.EndsAt.AddHours(1)).IsSuccess);

        Assert.Equal(SignUpStatus.Attended, signUp.Status);
        Assert.False(signUp.NoShow);
        Assert.Equal(activity.EndsAt, signUp.NoShowAt);
        Assert.Equal(activity.EndsAt.AddHours(1), signUp.ConfirmedAt);
        Assert.Equal(120, signUp.AttendedMinutes);
    }

    [Fact]
    public void Attended_ThenNoShow_IsRefused_AndConfirmingTwiceIsHarmless()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.CheckedIn(activity, activity.StartsAt);
        Assert.True(signUp.ConfirmAttended(activity, Guid.NewGuid(), activity.EndsAt).IsSuccess);

        Assert.Equal("attendance.already_attended", signUp.ConfirmNoShow(Guid.NewGuid(), activity.EndsAt).Error?.Code);
        Assert.True(signUp.ConfirmAttended(activity, Guid.NewGuid(), activity.EndsAt.AddDays(1)).IsSuccess);
        Assert.Equal(activity.EndsAt, signUp.ConfirmedAt);
    }

    [Fact]
    public void Cancelled_CannotBeConfirmedEitherWay()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.SignUp(activity);
        signUp.Cancel(activity, At.T0);

        Assert.Equal("attendance.not_signed_up", signUp.ConfirmNoShow(Guid.NewGuid(), activity.EndsAt).Error?.Code);
        Assert.Equal("attendance.not_signed_up", signUp.ConfirmAttended(activity, Guid.NewGuid(), activity.EndsAt).Error?.Code);
        Assert.Equal(ActivityErrors.SignUpNotFound, signUp.CheckIn(activity, CheckInMethod.Code, activity.StartsAt).Error);
    }

    [Fact]
    public void Rejoin_AfterALateCancellation_IsActiveAgain_AndKeepsTheLateRecord()
    {
        var activity = Build.Activity().Build();
        var signUp = Build.SignUp(activity);
        Assert.Equal(ActivityErrors.Duplicate, signUp.Rejoin(At.T0, fromWaitlist: false).Error);
        var late = activity.CancellationDeadline.AddMinutes(1);
        signUp.Cancel(activity, late);

        Assert.True(signUp.Rejoin(late.AddMinutes(1), fromWaitlist: true).IsSuccess);

        Assert.Equal((SignUpStatus.Active, late.AddMinutes(1), true, null, false), (signUp.Status, signUp.SignedUpAt, signUp.FromWaitlist, signUp.CancelledAt, signUp.CancelledLate));
        Assert.Equal(late, signUp.LateCancelledAt);
    }
}

public sealed class WaitlistEntryTests
{
    [Fact]
    public void Waiting_PromoteOnce_ThenRejoinAtTheBack()
    {
        var entry = new WaitlistEntry(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At.T0);
        Assert.Equal(ActivityErrors.WaitlistDuplicate, entry.Rejoin(At.T0).Error);

        Assert.True(entry.Promote(At.T0.AddHours(1)).IsSuccess);
        Assert.Equal(ActivityErrors.WaitlistNotFound, entry.Promote(At.T0.AddHours(2)).Error);
        Assert.Equal(ActivityErrors.WaitlistNotFound, entry.Leave().Error);
        Assert.Equal((WaitlistStatus.Promoted, At.T0.AddHours(1)), (entry.Status, entry.PromotedAt));

        Assert.True(entry.Rejoin(At.T0.AddHours(3)).IsSuccess);
        Assert.Equal((WaitlistStatus.Waiting, At.T0.AddHours(3), null), (entry.Status, entry.JoinedAt, entry.PromotedAt));
    }

    [Fact]
    public void Leave_WhileWaiting_ThenCannotBePromoted()
    {
        var entry = new WaitlistEntry(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At.T0);

        Assert.True(entry.Leave().IsSuccess);

        Assert.Equal(WaitlistStatus.Left, entry.Status);
        Assert.Equal(ActivityErrors.WaitlistNotFound, entry.Promote(At.T0).Error);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public void IsWaitlistOpen_FromTheSignUpOpening(int secondsFromOpening, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsWaitlistOpen(activity.SignUpOpensAt.AddSeconds(secondsFromOpening)));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public void IsWaitlistOpen_UntilTheStart_AfterSignUpCloses(int secondsFromStart, bool open)
    {
        var activity = Build.Activity().Build();

        Assert.Equal(open, activity.IsWaitlistOpen(activity.StartsAt.AddSeconds(secondsFromStart)));
        Assert.Equal(open, activity.PromotesFromWaitlist(activity.StartsAt.AddSeconds(secondsFromStart)));
    }
}
