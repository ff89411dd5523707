using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Points.Scoring.Synthetic;

namespace Points.Scoring.Tests;

/// <summary>
/// Golden files: the serialised expert and a small trained model, and expert scores of fixed rows. File names
/// carry ModelVersion and schema version, so changing either without committing new goldens fails. To accept a
/// deliberate change run the tests with SCORING_UPDATE_GOLDEN=1 and commit the files under Golden/.
/// A model stored by an earlier version of the library (golden-trained-1: IRLS) must keep loading and scoring to
/// the same points; a change of the fitting method gets a new trained version (golden-trained-2: ML.NET L-BFGS).
/// </summary>
public class GoldenTests
{
    private const string StoredTrainedVersion = "golden-trained-1";
    private const string TrainedVersion = "golden-trained-2";

    private static string GoldenDirectory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    private static void AssertGolden(string fileName, string actual)
    {
        var path = Path.Combine(GoldenDirectory(), fileName);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SCORING_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
        }

        Assert.True(File.Exists(path), $"Golden file {fileName} is missing: ModelVersion or schema changed? Regenerate with SCORING_UPDATE_GOLDEN=1 and commit.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    private static string FileName(Scorecard card, string suffix) => $"{card.ModelVersion}.schema{card.Model.SchemaVersion}.{suffix}";

    [Fact]
    public void ToJson_ExpertScorecard_MatchesGolden()
    {
        var card = ExpertScorecard.Create();

        AssertGolden(FileName(card, "json"), card.ToJson() + "\n");
    }

    [Fact]
    public void ToJson_SmallTrainedModel_MatchesGolden()
    {
        var card = SmallTrainedModel();

        AssertGolden(FileName(card, "json"), card.ToJson() + "\n");
    }

    [Fact]
    public void Score_ExpertScorecardOnFixedRows_MatchesGoldenScores()
    {
        var card = ExpertScorecard.Create();

        AssertGolden(FileName(card, "scores.csv"), ScoresCsv(card));
    }

    [Fact]
    public void Load_ModelStoredBeforeMlNet_RoundTripsAndScoresToGoldenPoints()
    {
        var path = Path.Combine(GoldenDirectory(), $"{StoredTrainedVersion}.schema{Scorecard.CurrentSchemaVersion}.json");
        var stored = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);

        var card = Scorecard.FromJson(stored);

        Assert.Equal(StoredTrainedVersion, card.ModelVersion);
        Assert.Equal(stored, card.ToJson() + "\n");
        AssertGolden(FileName(card, "scores.csv"), ScoresCsv(card));
    }

    [Fact]
    public void Score_SmallTrainedModelOnFixedRows_MatchesGoldenScores()
    {
        var card = SmallTrainedModel();

        AssertGolden(FileName(card, "scores.csv"), ScoresCsv(card));
    }

    private static Scorecard SmallTrainedModel() =>
        Scorecard.Fit(PopulationGenerator.Generate(3000, seed: 7).Table, new ScorecardOptions
        {
            ModelVersion = TrainedVersion,
            FeatureMetadata = BehaviourFeatures.Metadata,
            TrainingWindow = new TrainingWindow { From = new DateOnly(2025, 1, 1), To = new DateOnly(2025, 12, 31), Description = "synthetic, seed 7" },
        });

    private static string ScoresCsv(Scorecard card)
    {
        var rows = PopulationGenerator.Generate(40, seed: 5).Table;
        var sb = new StringBuilder("row,score,rawPoints,pBad,tier,band,reasons\n");
        for (var i = 0; i < rows.RowCount; i++)
        {
            var r = card.Score(rows, i);
            sb.Append(CultureInfo.InvariantCulture, $"{i},{r.Score},{r.RawPoints},{r.ProbabilityOfBad:F6},{r.Tier.Code},{r.Band},{string.Join('|', r.Reasons.Select(x => x.Feature))}\n");
        }

        return sb.ToString();
    }

    [Fact]
    public void GoldenDirectory_HasNoStaleFilesForOtherVersions()
    {
        var expected = new[]
        {
            $"{ExpertScorecard.Version}.schema{Scorecard.CurrentSchemaVersion}.json",
            $"{ExpertScorecard.Version}.schema{Scorecard.CurrentSchemaVersion}.scores.csv",
            $"{StoredTrainedVersion}.schema{Scorecard.CurrentSchemaVersion}.json",
            $"{StoredTrainedVersion}.schema{Scorecard.CurrentSchemaVersion}.scores.csv",
            $"{TrainedVersion}.schema{Scorecard.CurrentSchemaVersion}.json",
            $"{TrainedVersion}.schema{Scorecard.CurrentSchemaVersion}.scores.csv",
        };

        var present = Directory.GetFiles(GoldenDirectory()).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), present);
    }
}
