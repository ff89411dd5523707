using Points.Scoring.Metrics;

namespace Points.Scoring.Tests;

public class MetricsTests
{
    [Fact]
    public void Auc_FourScoresWithTie_CountsTieAsHalf()
    {
        // Bads at 0.4 and 0.8, goods at 0.1 and 0.4: pairs 1 + 0.5 + 1 + 1 = 3.5 of 4.
        Assert.Equal(0.875, Discrimination.Auc([0.1, 0.4, 0.4, 0.8], [0, 1, 0, 1]), 12);
        Assert.Equal(0.75, Discrimination.Gini([0.1, 0.4, 0.4, 0.8], [0, 1, 0, 1]), 12);
    }

    [Fact]
    public void Auc_PerfectAndReversed_ReturnsOneAndZero()
    {
        Assert.Equal(1, Discrimination.Auc([1, 2, 3, 4], [0, 0, 1, 1]));
        Assert.Equal(0, Discrimination.Auc([4, 3, 2, 1], [0, 0, 1, 1]));
    }

    [Fact]
    public void Auc_OneClassOnly_Throws()
    {
        Assert.Throws<ArgumentException>(() => Discrimination.Auc([1, 2], [0, 0]));
    }

    [Fact]
    public void Ks_FourScoresWithTie_EvaluatesBetweenTieGroups()
    {
        Assert.Equal(0.5, Discrimination.Ks([0.1, 0.4, 0.4, 0.8], [0, 1, 0, 1]), 12);
        Assert.Equal(1, Discrimination.Ks([1, 2, 3, 4], [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void Psi_SmallCase_MatchesHandComputation()
    {
        var psi = Stability.FromCounts([50, 50], [30, 70]);

        Assert.Equal(0.169459572077, psi.Value, 9);
        Assert.Equal(0.02, psi.SmallSampleInflation, 12);
        Assert.True(psi.IsSmallSample);
        Assert.Contains("(k-1)(1/N_A+1/N_E)", psi.Note, StringComparison.Ordinal);
        Assert.Equal("investigate", psi.Verdict);
    }

    [Fact]
    public void Psi_EmptyBin_FloorsProportionAt1e4()
    {
        var psi = Stability.FromCounts([100, 0], [50, 50]);

        Assert.Equal(1e-4, psi.ExpectedShares[1]);
        Assert.Equal((-0.5 * Math.Log(0.5)) + ((0.5 - 1e-4) * Math.Log(0.5 / 1e-4)), psi.Value, 9);
    }

    [Fact]
    public void Psi_SameDistribution_IsNearZeroAndStable()
    {
        var rng = new SeededRandom(3);
        var a = Enumerable.Range(0, 5000).Select(_ => rng.NextGaussian()).ToArray();
        var b = Enumerable.Range(0, 5000).Select(_ => rng.NextGaussian()).ToArray();

        var psi = Stability.Psi(a, b, 10);

        Assert.Equal(10, psi.Bins);
        Assert.True(psi.Value < 0.02);
        Assert.Equal("stable", psi.Verdict);
    }

    [Fact]
    public void CrossValidation_SameSeed_GivesIdenticalResults()
    {
        var table = Synthetic.PopulationGenerator.Generate(2000, seed: 11).Table;
        var options = new ScorecardOptions();

        var first = CrossValidation.Run(table, options, folds: 3, repeats: 2, seed: 5);
        var second = CrossValidation.Run(table, options, folds: 3, repeats: 2, seed: 5);

        Assert.Equal(6, first.Folds.Count);
        Assert.Equal(first.Folds, second.Folds);
        Assert.Equal(first.AucMean, second.AucMean);
        Assert.Equal(first.AucSd, second.AucSd);
        Assert.True(first.AucSd > 0);
    }

    [Fact]
    public void StratifiedFolds_KeepBadRatePerFold()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? 1 : 0).ToArray();

        var folds = CrossValidation.StratifiedFolds(labels, 5, new SeededRandom(1));

        Assert.All(folds, f => Assert.Equal(20, f.Count(i => labels[i] == 1)));
        Assert.Equal(1000, folds.Sum(f => f.Length));
        Assert.Equal(1000, folds.SelectMany(f => f).Distinct().Count());
    }
}
