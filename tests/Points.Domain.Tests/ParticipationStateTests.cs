using Points.Domain.Participation;

namespace Points.Domain.Tests;

public sealed class DeclarationTests
{
    [Fact]
    public void Submit_IsPendingAtTheCommunity_ApprovalWithoutTownReviewIsFinal()
    {
        var d = Build.Declaration();
        Assert.Equal((DeclarationStatus.Pending, ReviewLevel.Community, 0), (d.Status, d.Level, d.Version));

        var outcome = d.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 12, needsTownReview: false, Guid.NewGuid(), At.T0.AddHours(1));

        Assert.Equal(new ReviewOutcome(DeclarationAction.Approved, 12), outcome.Value);
        Assert.Equal((DeclarationStatus.Approved, 12, At.T0.AddHours(1), 1), (d.Status, d.AwardedPoints, d.DecidedAt, d.Version));
        Assert.Equal(DeclarationErrors.ReviewConflict, d.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 12, false, Guid.NewGuid(), At.T0).Error);
        Assert.Equal(DeclarationErrors.NotWithdrawable, d.Withdraw(At.T0).Error);
    }

    [Fact]
    public void NeedMoreInfo_ThenResubmit_ReturnsToTheSameLevel()
    {
        var d = Build.Declaration();
        Assert.Equal(DeclarationErrors.NotAwaitingInfo, d.Resubmit("补充", [], At.T0).Error);

        Assert.Equal(DeclarationAction.MoreInfoRequested, d.Review(ReviewLevel.Community, ReviewDecision.NeedMoreInfo, "请补充照片", 0, false, Guid.NewGuid(), At.T0).Value.Action);
        Assert.Equal(DeclarationStatus.NeedMoreInfo, d.Status);
        Assert.True(d.Resubmit("  补充了照片  ", [Guid.NewGuid()], At.T0.AddHours(2)).IsSuccess);

        Assert.Equal((DeclarationStatus.Pending, ReviewLevel.Community, "补充了照片", At.T0.AddHours(2)), (d.Status, d.Level, d.Text, d.LastActionAt));
        Assert.Single(d.PhotoIdList);
    }

    [Theory]
    [InlineData(ReviewDecision.Reject, null, false)]
    [InlineData(ReviewDecision.Reject, "   ", false)]
    [InlineData(ReviewDecision.NeedMoreInfo, "", false)]
    [InlineData(ReviewDecision.Reject, "不属实", true)]
    [InlineData(ReviewDecision.Approve, null, true)]
    public void Review_RejectOrAskForMore_NeedsAReason(ReviewDecision decision, string? reason, bool allowed)
    {
        var result = Build.Declaration().Review(ReviewLevel.Community, decision, reason, 0, false, Guid.NewGuid(), At.T0);

        Assert.Equal(allowed ? null : DeclarationErrors.ReasonRequired, result.Error);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(Declaration.MaxPoints, true)]
    [InlineData(Declaration.MaxPoints + 1, false)]
    public void Review_Points_FromZeroToTheMaximum(int points, bool allowed)
    {
        var result = Build.Declaration().Review(ReviewLevel.Community, ReviewDecision.Approve, null, points, false, Guid.NewGuid(), At.T0);

        Assert.Equal(allowed ? null : DeclarationErrors.PointsInvalid, result.Error);
    }

    [Fact]
    public void Review_AtTheTownLevelBeforeForwarding_IsAConflict()
    {
        Assert.Equal(DeclarationErrors.ReviewConflict, Build.Declaration().Review(ReviewLevel.Town, ReviewDecision.Approve, null, 5, true, Guid.NewGuid(), At.T0).Error);
    }

    [Fact]
    public void Withdraw_WhilePending_IsFinal_AndCannotBeRevoked()
    {
        var d = Build.Declaration();

        Assert.True(d.Withdraw(At.T0.AddMinutes(1)).IsSuccess);

        Assert.Equal(DeclarationStatus.Withdrawn, d.Status);
        Assert.Equal(DeclarationErrors.NotRevocable, d.Revoke("误报", ReviewLevel.Town, At.T0).Error);
    }

    [Fact]
    public void Revoke_Approved_NeedsAReason_ThenIsRevoked()
    {
        var d = Build.Declaration();
        d.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 10, false, Guid.NewGuid(), At.T0);

        Assert.Equal(DeclarationErrors.ReasonRequired, d.Revoke(" ", ReviewLevel.Community, At.T0).Error);
        Assert.True(d.Revoke("重复申报", ReviewLevel.Community, At.T0).IsSuccess);
        Assert.Equal(DeclarationStatus.Revoked, d.Status);
        Assert.Equal(DeclarationErrors.NotRevocable, d.Revoke("再次", ReviewLevel.Town, At.T0).Error);
    }

    [Fact]
    public void DefaultReviewPoints_TownLevelTakesTheProposal_CommunityTheSetting_ElseBuiltIn()
    {
        var d = Build.Declaration();
        Assert.Equal(7, d.DefaultReviewPoints(7));
        Assert.Equal(10, d.DefaultReviewPoints(null));

        d.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 25, needsTownReview: true, Guid.NewGuid(), At.T0);

        Assert.Equal(25, d.DefaultReviewPoints(7));
        Assert.Equal(25, Declaration.DefaultReviewPoints(d.Category, d.ProposedPoints, 7));
        Assert.Equal(20, Declaration.DefaultReviewPoints(DeclarationCategory.Mediation, null, null));
    }

    [Theory]
    [InlineData(DeclarationCategory.GoodDeed, 10)]
    [InlineData(DeclarationCategory.Mediation, 20)]
    [InlineData(DeclarationCategory.SafetyInspection, 10)]
    [InlineData(DeclarationCategory.Other, 5)]
    public void DefaultSetting_PerCategory_IsTheUnconfiguredTownsPoints(DeclarationCategory category, int points)
    {
        var setting = DeclarationCategorySetting.Default(Guid.NewGuid(), category);

        Assert.Equal((points, false), (setting.DefaultPoints, setting.NeedsTownReview));
    }
}

public sealed class HazardReportTests
{
    public static TheoryData<HazardAction[], HazardAction, bool> Transitions => new()
    {
        { [], HazardAction.Accept, true },
        { [], HazardAction.StartFixing, false },
        { [], HazardAction.Close, false },
        { [], HazardAction.Reject, true },
        { [HazardAction.Accept], HazardAction.Accept, false },
        { [HazardAction.Accept], HazardAction.StartFixing, true },
        { [HazardAction.Accept], HazardAction.Close, true },
        { [HazardAction.Accept], HazardAction.Reject, true },
        { [HazardAction.Accept, HazardAction.StartFixing], HazardAction.Close, true },
        { [HazardAction.Accept, HazardAction.StartFixing], HazardAction.Reject, false },
        { [HazardAction.Accept, HazardAction.Close], HazardAction.Close, false },
        { [HazardAction.Accept, HazardAction.Close], HazardAction.Reject, false },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Apply_FollowsTheStateMachine(HazardAction[] before, HazardAction action, bool allowed)
    {
        var report = Build.Hazard();
        foreach (var step in before)
        {
            Assert.True(report.Apply(step, null, 0, At.T0).IsSuccess);
        }

        var status = report.Status;
        var version = report.Version;
        var result = report.Apply(action, HazardRejection.Duplicate, 0, At.T0.AddHours(1));

        Assert.Equal(allowed, result.IsSuccess);
        Assert.Equal(allowed ? version + 1 : version, report.Version);
        if (!allowed)
        {
            Assert.Equal(HazardErrors.InvalidTransition.Code, result.Error?.Code);
            Assert.Equal(status.ToString(), result.Error?.Extensions?["currentStatus"]);
            Assert.Equal(status, report.Status);
        }
    }

    [Fact]
    public void Close_AwardsThePoints_OtherStepsAwardNone()
    {
        var report = Build.Hazard();

        Assert.Equal(0, report.Apply(HazardAction.Accept, null, 30, At.T0).Value);
        Assert.Equal(30, report.Apply(HazardAction.Close, null, 30, At.T0).Value);
        Assert.Equal((HazardStatus.Closed, 30), (report.Status, report.AwardedPoints));
    }

    [Fact]
    public void Reject_WithoutAReason_IsRefused_WithOne_RecordsIt()
    {
        var report = Build.Hazard();

        Assert.Equal(HazardErrors.RejectionRequired, report.Apply(HazardAction.Reject, null, 0, At.T0).Error);
        Assert.True(report.Apply(HazardAction.Reject, HazardRejection.NotAHazard, 0, At.T0).IsSuccess);
        Assert.Equal((HazardStatus.Rejected, HazardRejection.NotAHazard), (report.Status, report.Rejection));
    }

    [Theory]
    [InlineData(90.0, 0.0, true)]
    [InlineData(90.0001, 0.0, false)]
    [InlineData(0.0, -180.0, true)]
    [InlineData(0.0, 180.0001, false)]
    [InlineData(double.NaN, 0.0, false)]
    public void Report_Coordinates_MustBeOnTheGlobe(double latitude, double longitude, bool allowed)
    {
        var result = HazardReport.Report(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null, HazardCategory.Gas, "燃气味", latitude, longitude, "二号楼", [], At.T0);

        Assert.Equal(allowed ? null : HazardErrors.LocationInvalid, result.Error);
    }
}
