using Points.Scoring.Synthetic;

namespace Points.Scoring.Tests;

public class ScorecardTests
{
    private static readonly Lazy<Scorecard> Trained = new(() =>
        Scorecard.Fit(PopulationGenerator.Generate(5000, seed: 21).Table,
            new ScorecardOptions { FeatureMetadata = BehaviourFeatures.Metadata, ModelVersion = "test-1" }));

    [Fact]
    public void Fit_SyntheticPopulation_PointsFollowFormulaAndCoefficientsAreNonNegative()
    {
        var card = Trained.Value;
        var m = card.Model;
        var share = (m.Scaling.Offset - (m.Scaling.Factor * m.Intercept)) / m.Features.Count;

        Assert.All(m.Features, f => Assert.True(f.Coefficient >= 0));
        foreach (var f in m.Features)
        {
            Assert.Equal(Scorecard.RoundPoints(share), f.NeutralPoints);
            Assert.All(f.Bins, b => Assert.Equal(Scorecard.RoundPoints((-m.Scaling.Factor * f.Coefficient * b.Woe) + share), b.Points));
        }

        var report = m.Report!;
        Assert.True(Math.Abs(report.AucTrain - report.AucTrainRounded) < 0.005);
        Assert.Equal(BehaviourFeatures.All.Count, report.Features.Count);
        Assert.All(report.Features.Where(f => !f.Kept), f => Assert.False(string.IsNullOrEmpty(f.DropReason)));
    }

    [Fact]
    public void Score_Row_ReturnsVersionClampedScoreAndAtMostFourPositiveReasons()
    {
        var card = Trained.Value;
        var row = new FeatureRow()
            .Set(BehaviourFeatures.NoShowCount365d, 7)
            .Set(BehaviourFeatures.NoShowRate365d, 0.8)
            .Set(BehaviourFeatures.ActivitiesAttended365d, 0)
            .Set(BehaviourFeatures.ActivitiesAttended90d, 0)
            .Set(BehaviourFeatures.LateCancels365d, 4)
            .Set(BehaviourFeatures.NegativeRecordCount, 2)
            .Set(BehaviourFeatures.DaysSinceLastNegativeRecord, 30)
            .Set(BehaviourFeatures.VolunteerHours365d, 0);

        var result = card.Score(row);

        Assert.Equal("test-1", result.ModelVersion);
        Assert.InRange(result.Score, ScalingParameters.MinScore, ScalingParameters.MaxScore);
        Assert.Equal(result.Features.Sum(f => f.Points), result.RawPoints);
        Assert.InRange(result.Reasons.Count, 1, 4);
        Assert.All(result.Reasons, r => Assert.True(r.Deficit > 0));
        Assert.True(result.Reasons.Zip(result.Reasons.Skip(1)).All(p => p.First.Deficit >= p.Second.Deficit));
        Assert.All(result.Reasons, r => Assert.DoesNotContain("too low", r.Description, StringComparison.OrdinalIgnoreCase));
        Assert.All(result.Reasons, r => Assert.DoesNotContain("{", r.Description, StringComparison.Ordinal));
        Assert.Equal(card.Model.Scaling.ProbabilityOfBad(result.RawPoints), result.ProbabilityOfBad, 12);
        Assert.Equal(ScoreTiers.TierOf(result.Score), result.Tier);
    }

    [Fact]
    public void Score_NothingOnRecord_ExplainsItInPlainWords()
    {
        var card = ExpertScorecard.Create();

        var result = card.Score(new FeatureRow());

        Assert.NotEmpty(result.Reasons);
        Assert.All(result.Reasons, r => Assert.Contains("还没有相关记录", r.Description, StringComparison.Ordinal));
        Assert.All(result.Reasons, r => Assert.DoesNotContain("无记录", r.Description, StringComparison.Ordinal));
        Assert.All(result.Reasons, r => Assert.DoesNotContain("为 ", r.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void Score_GoodRowScoresAboveBadRow()
    {
        var card = Trained.Value;
        var good = new FeatureRow().Set(BehaviourFeatures.NoShowCount365d, 0).Set(BehaviourFeatures.NoShowRate365d, 0)
            .Set(BehaviourFeatures.ActivitiesAttended365d, 20).Set(BehaviourFeatures.ActivitiesAttended90d, 6)
            .Set(BehaviourFeatures.VolunteerHours365d, 40).Set(BehaviourFeatures.PointsEarned365d, 500).Set(BehaviourFeatures.LearningReads90d, 10);
        var bad = new FeatureRow().Set(BehaviourFeatures.NoShowCount365d, 8).Set(BehaviourFeatures.NoShowRate365d, 0.9)
            .Set(BehaviourFeatures.ActivitiesAttended365d, 0).Set(BehaviourFeatures.ActivitiesAttended90d, 0)
            .Set(BehaviourFeatures.VolunteerHours365d, 0).Set(BehaviourFeatures.PointsEarned365d, 0).Set(BehaviourFeatures.NegativeRecordCount, 3)
            .Set(BehaviourFeatures.DaysSinceLastNegativeRecord, 10).Set(BehaviourFeatures.LearningReads90d, 0);

        var g = card.Score(good);
        var b = card.Score(bad);

        Assert.True(g.Score > b.Score);
        Assert.True(g.ProbabilityOfBad < b.ProbabilityOfBad);
        Assert.True(g.Reasons.Count < b.Reasons.Count || g.Reasons.Sum(r => r.Deficit) < b.Reasons.Sum(r => r.Deficit));
    }

    [Fact]
    public void Score_GenericFeatureWithoutMetadata_UsesFallbackTexts()
    {
        var table = TestData.Rising(3000, seed: 9);
        var card = Scorecard.Fit(table, new ScorecardOptions());

        var result = card.Score(new FeatureRow().Set("x", 99));

        var reason = Assert.Single(result.Reasons);
        Assert.StartsWith("特征 x 处于 ", reason.Description, StringComparison.Ordinal);
        Assert.EndsWith(" 区间", reason.Description, StringComparison.Ordinal);
        Assert.Equal("保持良好记录", reason.Improvement);
    }

    [Fact]
    public void Score_UnseenLevelAndMissingValue_GetNeutralPoints()
    {
        var rng = new SeededRandom(4);
        var texts = new string?[3000];
        var y = new int[3000];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C";
            y[i] = rng.NextDouble() < (i % 3 == 0 ? 0.05 : i % 3 == 1 ? 0.2 : 0.4) ? 1 : 0;
        }

        var card = Scorecard.Fit(new DataTable([DataColumn.Categorical("village", texts)], y), new ScorecardOptions());
        var neutral = card.Model.Features[0].NeutralPoints;

        Assert.Equal(neutral, card.Score(new FeatureRow().Set("village", "Z")).RawPoints);
        Assert.Equal(neutral, card.Score(new FeatureRow()).RawPoints);
        Assert.Equal("neutral", card.Score(new FeatureRow().Set("village", "Z")).Features[0].Bin);
    }

    [Fact]
    public void Fit_NoiseAndConstantAndMostlyMissingColumns_AreDroppedWithReasons()
    {
        var baseTable = TestData.Rising(3000, seed: 10);
        var rng = new SeededRandom(1);
        var noise = Enumerable.Range(0, 3000).Select(_ => rng.NextGaussian()).ToArray();
        var constant = Enumerable.Repeat(1.0, 3000).ToArray();
        var sparse = Enumerable.Range(0, 3000).Select(i => i % 50 == 0 ? 1.0 : double.NaN).ToArray();
        var copy = baseTable["x"].Numbers!.Select(v => v * 2).ToArray();
        var table = new DataTable(
            [baseTable["x"], DataColumn.Numeric("noise", noise), DataColumn.Numeric("constant", constant),
             DataColumn.Numeric("sparse", sparse), DataColumn.Numeric("xCopy", copy)], [.. baseTable.Labels]);

        var card = Scorecard.Fit(table, new ScorecardOptions());
        var reports = card.Model.Report!.Features.ToDictionary(f => f.Name);

        Assert.Equal(["x"], card.Model.Features.Select(f => f.Name));
        Assert.StartsWith("IV ", reports["noise"].DropReason, StringComparison.Ordinal);
        Assert.Equal("constant", reports["constant"].DropReason);
        Assert.Contains("missing", reports["sparse"].DropReason, StringComparison.Ordinal);
        Assert.Contains("correlated with x", reports["xCopy"].DropReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OneClassOnly_Throws()
    {
        var table = new DataTable([DataColumn.Numeric("x", [1, 2, 3])], [0, 0, 0]);

        Assert.Throws<ScoringDataException>(() => Scorecard.Fit(table, new ScorecardOptions()));
    }

    [Fact]
    public void ToJson_FromJson_RoundTripsScores()
    {
        var card = Trained.Value;
        var population = PopulationGenerator.Generate(300, seed: 99).Table;

        var back = Scorecard.FromJson(card.ToJson());

        Assert.Equal(card.Scores(population), back.Scores(population));
        Assert.Equal(card.ToJson(), back.ToJson());
        Assert.Contains("按时参加已报名活动", card.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_UnsupportedSchema_Throws()
    {
        var json = ExpertScorecard.Create().ToJson().Replace("\"schemaVersion\": 1", "\"schemaVersion\": 99", StringComparison.Ordinal);

        Assert.Throws<ScoringDataException>(() => Scorecard.FromJson(json));
    }

    [Fact]
    public void Csi_SamePopulation_IsStable()
    {
        var card = Trained.Value;
        var a = PopulationGenerator.Generate(3000, seed: 1).Table;
        var b = PopulationGenerator.Generate(3000, seed: 2).Table;

        var csi = card.Csi(a, b);

        Assert.Equal(card.Model.Features.Count, csi.Count);
        Assert.All(csi.Values, r => Assert.True(r.Value < 0.1));
    }

    [Theory]
    [InlineData(0, "较差", "350-399")]
    [InlineData(350, "较差", "350-399")]
    [InlineData(549, "较差", "500-549")]
    [InlineData(550, "一般", "550-599")]
    [InlineData(600, "良好", "600-649")]
    [InlineData(700, "优秀", "700-749")]
    [InlineData(800, "极好", "800-849")]
    [InlineData(900, "极好", "900-950")]
    [InlineData(950, "极好", "900-950")]
    [InlineData(2000, "极好", "900-950")]
    public void TierOfAndBandOf_Score_ReturnDocumentedCuts(int score, string tier, string band)
    {
        Assert.Equal(tier, ScoreTiers.TierOf(score).Name);
        Assert.Equal(band, ScoreTiers.BandOf(score));
    }

    [Fact]
    public void ExpertScorecard_Scores_MatchHandTable()
    {
        var card = ExpertScorecard.Create();
        var clean = new FeatureRow()
            .Set(BehaviourFeatures.NoShowCount365d, 0).Set(BehaviourFeatures.NoShowRate365d, 0).Set(BehaviourFeatures.LateCancels365d, 0)
            .Set(BehaviourFeatures.ActivitiesAttended365d, 12).Set(BehaviourFeatures.VolunteerHours365d, 10)
            .Set(BehaviourFeatures.ApprovedDeclarations365d, 3).Set(BehaviourFeatures.VerifiedHazardReports365d, 1)
            .Set(BehaviourFeatures.NegativeRecordCount, 0).Set(BehaviourFeatures.DaysSinceLastNegativeRecord, double.NaN)
            .Set(BehaviourFeatures.AccountAgeDays, 1000).Set(BehaviourFeatures.LearningReads90d, 5);

        var result = card.Score(clean);

        Assert.Equal(ExpertScorecard.Version, result.ModelVersion);
        Assert.Equal(839, result.RawPoints); // 650 + 190, less per-feature rounding of 650/11.
        Assert.Empty(result.Reasons);
        Assert.Equal(ScalingParameters.MinScore, card.Score(new FeatureRow().Set(BehaviourFeatures.NegativeRecordCount, 5)
            .Set(BehaviourFeatures.NoShowCount365d, 9).Set(BehaviourFeatures.NoShowRate365d, 0.9).Set(BehaviourFeatures.LateCancels365d, 5)
            .Set(BehaviourFeatures.ActivitiesAttended365d, 0).Set(BehaviourFeatures.DaysSinceLastNegativeRecord, 3)).Score);
    }
}
