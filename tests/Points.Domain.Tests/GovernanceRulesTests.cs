using Points.Domain.Credit;
using Points.Domain.Ledger;
using Points.Domain.Participation;

namespace Points.Domain.Tests;

public sealed class GovernanceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static Declaration Forwarded(Guid firstReviewer)
    {
        var d = Declaration.Submit(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DeclarationCategory.Mediation, "调解邻里纠纷", [], Now).Value;
        Assert.Equal(DeclarationAction.ForwardedToTown, d.Review(ReviewLevel.Community, ReviewDecision.Approve, null, 25, needsTownReview: true, firstReviewer, Now).Value.Action);
        return d;
    }

    [Fact]
    public void Review_SecondLevelBySameReviewer_Refused_ByAnother_Approves()
    {
        var first = Guid.NewGuid();
        var d = Forwarded(first);

        var same = d.Review(ReviewLevel.Town, ReviewDecision.Approve, null, 25, needsTownReview: true, first, Now);
        var other = d.Review(ReviewLevel.Town, ReviewDecision.Approve, null, 25, needsTownReview: true, Guid.NewGuid(), Now);

        Assert.Equal(DeclarationErrors.SameReviewer, same.Error);
        Assert.Equal(25, other.Value.PointsToAward);
    }

    [Fact]
    public void Revoke_TownApproval_NeedsTownAuthority()
    {
        var d = Forwarded(Guid.NewGuid());
        Assert.True(d.Review(ReviewLevel.Town, ReviewDecision.Approve, null, 25, needsTownReview: true, Guid.NewGuid(), Now).IsSuccess);

        Assert.Equal(DeclarationErrors.RevokeNeedsTown, d.Revoke("重复", ReviewLevel.Community, Now).Error);
        Assert.True(d.Revoke("重复", ReviewLevel.Town, Now).IsSuccess);
    }

    [Fact]
    public void NegativeRecord_RecorderCannotDecideTheAppeal_RevokeNeedsANote()
    {
        var recorder = Guid.NewGuid();
        var record = NegativeRecord.Record(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), NegativeRecordKind.Violation, "占道经营", 1, [], Now.AddDays(-1), Now.AddYears(1), recorder, Now).Value;
        Assert.True(record.Appeal("已整改", Now).IsSuccess);

        Assert.Equal(NegativeRecordErrors.RecorderCannotDecide, record.DecideAppeal(true, null, recorder, Now).Error);
        Assert.Equal(NegativeRecordErrors.RevokeNoteRequired, record.Revoke(" ", Now).Error);
        Assert.True(record.DecideAppeal(true, "证据属实", Guid.NewGuid(), Now).IsSuccess);
    }

    [Theory]
    [InlineData(new long[] { 30, 30, 20 }, new[] { 1, 1, 3 })]
    [InlineData(new long[] { 50, 40, 40, 40, 10 }, new[] { 1, 2, 2, 2, 5 })]
    [InlineData(new long[] { 7 }, new[] { 1 })]
    [InlineData(new long[] { }, new int[] { })]
    public void HonorRanking_EqualPointsShareARank(long[] points, int[] ranks) => Assert.Equal(ranks, HonorRanking.Ranks(points));

    [Theory]
    [InlineData(2026, 12, "summary.month_not_closed")]
    [InlineData(1999, 1, "summary.month_out_of_range")]
    [InlineData(2026, 11, null)]
    [InlineData(2026, 10, null)]
    public void SummaryMonth_FutureRefused_PastAnswered(int year, int month, string? code)
    {
        Assert.Equal(code, SummaryMonth.Check(year, month, Now)?.Code);
        Assert.Equal(year < 2026 || (year == 2026 && month <= 10), SummaryMonth.IsClosed(year, month, Now));
    }

    [Fact]
    public void ActivationGuard_ChecksEachLimit()
    {
        var t = new ModelActivationThresholds();
        var spread = new Dictionary<string, double> { ["较差"] = 0.2, ["良好"] = 0.5, ["极好"] = 0.3 };
        var live = new ModelEvidence(spread, null, null, 0.78);

        Assert.Empty(ModelActivationGuard.Check(new ModelEvidence(spread, 0.1, "m-1", 0.8), "m-1", live, t));
        Assert.Equal(["tier_collapse", "psi_too_high"], ModelActivationGuard.Check(new ModelEvidence(new Dictionary<string, double> { ["较差"] = 1.0 }, 9.32, "m-1", 0.8), "m-1", live, t).Select(c => c.Code));
        Assert.Equal(["psi_not_measured"], ModelActivationGuard.Check(new ModelEvidence(spread, 0.1, "m-0", 0.8), "m-1", live, t).Select(c => c.Code));
        Assert.Equal(["auc_below_live"], ModelActivationGuard.Check(new ModelEvidence(spread, 0.1, "m-1", 0.7), "m-1", live, t).Select(c => c.Code));
        Assert.Empty(ModelActivationGuard.Check(new ModelEvidence(spread, 0.1, "m-1", 0.7), "m-1", new ModelEvidence(spread, null, null, null), t));
        Assert.NotNull(ModelActivationGuard.CheckOverrideReason("太短", t));
        Assert.Null(ModelActivationGuard.CheckOverrideReason("经镇纪委同意，试点一周后复核", t));
    }

    [Fact]
    public void Quiz_LimitedAttempts_AndPointsOnlyAfterTheReadingTime()
    {
        var article = Article.Create(Guid.NewGuid(), Guid.NewGuid(), null, ArticleKind.Article, "防诈骗", "不透露验证码", 4, 600, "能告诉陌生人验证码吗？", ["能", "不能"], 1, Guid.NewGuid(), Now).Value;
        var read = new ArticleRead(Guid.NewGuid(), article.Id, Guid.NewGuid(), Now);
        var guesser = new ArticleRead(Guid.NewGuid(), article.Id, Guid.NewGuid(), Now);

        Assert.True(read.Answer(article, 1, Now).IsSuccess);
        Assert.Equal(LearningErrors.TooFast.Code, read.Finish(article, Now.AddSeconds(599)).Error!.Code);
        Assert.True(read.Finish(article, Now.AddSeconds(600)).IsSuccess);
        Assert.Equal(LearningErrors.QuizWrong.Code, guesser.Answer(article, 0, Now).Error!.Code);
        Assert.Equal(LearningErrors.QuizAttemptsExhausted, guesser.Answer(article, 0, Now).Error);
        Assert.Equal(LearningErrors.QuizAttemptsExhausted, guesser.Answer(article, 1, Now).Error);
        Assert.Equal(LearningErrors.QuizAttemptsExhausted, guesser.Finish(article, Now.AddHours(1)).Error);
    }
}
