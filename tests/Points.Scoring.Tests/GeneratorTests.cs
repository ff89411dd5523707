using Points.Scoring.Binning;
using Points.Scoring.Metrics;
using Points.Scoring.Synthetic;

namespace Points.Scoring.Tests;

public class GeneratorTests
{
    [Fact]
    public void Generate_SameSeed_SamePopulation()
    {
        var a = PopulationGenerator.Generate(500, seed: 3);
        var b = PopulationGenerator.Generate(500, seed: 3);

        Assert.Equal(a.TrueProbabilities, b.TrueProbabilities);
        Assert.Equal(a.Table.Labels, b.Table.Labels);
        Assert.All(a.Table.Columns, c => Assert.Equal(c.Numbers!, b.Table[c.Name].Numbers!));
    }

    [Fact]
    public void Generate_Population_HasBehaviourColumnsSomeMissingAndNoProhibitedNames()
    {
        var p = PopulationGenerator.Generate(5000, seed: 4);

        Assert.Equal(BehaviourFeatures.All, p.Table.Columns.Select(c => c.Name));
        Assert.All(p.Table.Columns, c => Assert.False(ProhibitedFeatures.IsProhibited(c.Name)));
        Assert.Contains(p.Table[BehaviourFeatures.VolunteerHours365d].Numbers!, double.IsNaN);
        Assert.Contains(p.Table[BehaviourFeatures.DaysSinceLastNegativeRecord].Numbers!, double.IsNaN);
        Assert.InRange(p.Table.Labels.Average(), 0.04, 0.15);
    }

    [Fact]
    public void Fit_TwentyThousandRows_RecoversOrderingAndNearTrueAucOnHoldout()
    {
        var train = PopulationGenerator.Generate(20_000, seed: 100);
        var holdout = PopulationGenerator.Generate(10_000, seed: 200);

        // No metadata: the trends must be found from the data, not given.
        var card = Scorecard.Fit(train.Table, new ScorecardOptions());

        var modelAuc = Discrimination.Auc(card.RiskScores(holdout.Table), holdout.Table.Labels);
        var trueAuc = Discrimination.Auc(holdout.TrueProbabilities, holdout.Table.Labels);
        Assert.True(modelAuc > trueAuc - 0.02, $"model AUC {modelAuc:F4} vs true {trueAuc:F4}");

        var features = card.Model.Features.ToDictionary(f => f.Name);
        var noShow = features.GetValueOrDefault(BehaviourFeatures.NoShowRate365d) ?? features[BehaviourFeatures.NoShowCount365d];
        AssertMonotone(noShow, decreasing: true);
        var participation = features.GetValueOrDefault(BehaviourFeatures.PointsEarned365d) ?? features[BehaviourFeatures.ActivitiesAttended365d];
        AssertMonotone(participation, decreasing: false);
    }

    private static void AssertMonotone(ScorecardFeature feature, bool decreasing)
    {
        var points = feature.Bins.Where(b => b.Kind == BinKind.Range).Select(b => b.Points).ToArray();
        Assert.True(points.Length >= 3, $"{feature.Name} has {points.Length} bins");
        Assert.True(points.Zip(points.Skip(1)).All(p => decreasing ? p.First >= p.Second : p.First <= p.Second),
            $"{feature.Name} points {string.Join(",", points)}");
    }
}
