using Points.Scoring.Challenger;
using Points.Scoring.Metrics;
using Points.Scoring.Synthetic;

namespace Points.Scoring.Tests;

public class ChallengerTests
{
    [Fact]
    public void Fit_RisingFeatureWithMissingValues_RanksRiskAboveChance()
    {
        var train = TestData.Rising(4000, seed: 1, missingShare: 0.1, missingBadRate: 0.9);
        var test = TestData.Rising(2000, seed: 2, missingShare: 0.1, missingBadRate: 0.9);

        var tree = TreeChallenger.Fit(train);
        var auc = Discrimination.Auc(tree.RiskScores(test), test.Labels!);

        Assert.InRange(auc, 0.7, 1);
    }

    [Fact]
    public void Fit_TextColumnWithUnseenLevel_ScoresEveryRow()
    {
        var levels = new[] { "a", "b", "c" };
        var rng = new SeededRandom(4);
        var texts = Enumerable.Range(0, 3000).Select(_ => levels[rng.NextInt(3)]).ToArray();
        var y = texts.Select(t => rng.NextDouble() < (t == "c" ? 0.5 : 0.05) ? 1 : 0).ToArray();
        var train = new DataTable([DataColumn.Categorical("kind", [.. texts])], y, "bad");
        var test = new DataTable([DataColumn.Categorical("kind", ["a", "c", "never-seen", null])], null);

        var risk = TreeChallenger.Fit(train).RiskScores(test);

        Assert.Equal(4, risk.Length);
        Assert.True(risk[1] > risk[0]);
    }

    [Fact]
    public void Fit_SameDataTwice_GivesIdenticalScores()
    {
        var table = PopulationGenerator.Generate(3000, seed: 3).Table;

        var first = TreeChallenger.Fit(table).RiskScores(table);
        var second = TreeChallenger.Fit(table).RiskScores(table);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Fit_ProhibitedColumn_IsRefused()
    {
        var table = new DataTable([DataColumn.Numeric("age", [30, 40, 50, 60])], [0, 1, 0, 1], "bad");

        Assert.Throws<ScoringDataException>(() => TreeChallenger.Fit(table));
    }

    [Fact]
    public void CrossValidation_WithChallenger_UsesTheScorecardsFolds()
    {
        var table = PopulationGenerator.Generate(3000, seed: 6).Table;
        var options = new ScorecardOptions { FeatureMetadata = BehaviourFeatures.Metadata };

        var plain = CrossValidation.Run(table, options, folds: 3, repeats: 1, seed: 9);
        var both = CrossValidation.Run(table, options, folds: 3, repeats: 1, seed: 9, challenger: new ChallengerOptions());

        Assert.Null(plain.Challenger);
        Assert.Equal(plain.Folds.Select(f => f.Auc), both.Folds.Select(f => f.Auc));
        Assert.Equal(TreeChallenger.Method, both.Challenger!.Method);
        Assert.All(both.Folds, f => Assert.InRange(f.ChallengerAuc!.Value, 0.6, 1));
    }
}
