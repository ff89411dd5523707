using Points.Scoring.Binning;
using static Points.Scoring.Synthetic.BehaviourFeatures;

namespace Points.Scoring.Synthetic;

/// <summary>
/// The initial expert scorecard over the behaviour features, usable before any labels exist.
/// </summary>
/// <remarks>
/// Points were chosen by hand: each of the 11 features starts from an equal share of the base score
/// (650 / 11 ≈ 59, which is also the neutral points for a value with no bin) and moves up or down by the
/// adjustment in the table below. Reliability (no-shows, late cancels) and unexpired negative records weigh
/// most, because they are what a lender or a village committee cares about; participation adds modestly so
/// residents who cannot volunteer much (elderly, shift workers) are not pushed down hard. Best total 839 (650 + 190 less per-feature rounding),
/// worst about 240 (shown as 350). The implied WoE of a bin is −adjustment / factor with coefficient 1 and
/// intercept −ln 20, so the formulas of trained scorecards hold for it too.
/// </remarks>
public static class ExpertScorecard
{
    /// <summary>Model version of the expert scorecard.</summary>
    public const string Version = "expert-1";

    private static readonly (string Feature, (double? Lower, double? Upper, int Adjustment)[] Bins, int? MissingAdjustment)[] Table =
    [
        (NoShowCount365d, [(null, 1, 25), (1, 3, 0), (3, 6, -40), (6, null, -80)], null),
        (NoShowRate365d, [(null, 0.1, 15), (0.1, 0.3, 0), (0.3, null, -40)], -10),
        (LateCancels365d, [(null, 1, 10), (1, 3, -10), (3, null, -35)], null),
        (ActivitiesAttended365d, [(null, 1, -30), (1, 4, -5), (4, 12, 15), (12, null, 35)], null),
        (VolunteerHours365d, [(null, 1, -5), (1, 10, 10), (10, null, 25)], null),
        (ApprovedDeclarations365d, [(null, 1, -5), (1, 3, 5), (3, null, 15)], null),
        (VerifiedHazardReports365d, [(null, 1, 0), (1, null, 10)], null),
        (NegativeRecordCount, [(null, 1, 20), (1, 2, -50), (2, 4, -100), (4, null, -150)], null),
        (DaysSinceLastNegativeRecord, [(null, 180, -40), (180, 730, -15), (730, null, 0)], 10),
        (AccountAgeDays, [(null, 180, -20), (180, 730, 0), (730, null, 15)], null),
        (LearningReads90d, [(null, 1, -5), (1, 5, 5), (5, null, 10)], null),
    ];

    /// <summary>Builds the expert scorecard (default scaling: PDO 50, 650 at 20:1).</summary>
    public static Scorecard Create() => new(CreateModel());

    /// <summary>The expert scorecard's model, e.g. to store it as an artefact.</summary>
    public static ScorecardModel CreateModel()
    {
        var scaling = new ScalingParameters();
        var share = scaling.BaseScore / Table.Length;
        var features = new List<ScorecardFeature>();
        foreach (var (feature, bins, missing) in Table)
        {
            var meta = Metadata[feature];
            var list = bins.Select(b => new BinModel
            {
                Kind = BinKind.Range,
                Lower = b.Lower,
                Upper = b.Upper,
                Label = Binner.RangeLabel(b.Lower, b.Upper),
                Woe = -b.Adjustment / scaling.Factor,
                Points = Scorecard.RoundPoints(share + b.Adjustment),
            }).ToList();
            if (missing is int m)
            {
                list.Add(new BinModel { Kind = BinKind.Missing, Label = "missing", Woe = -m / scaling.Factor, Points = Scorecard.RoundPoints(share + m) });
            }

            features.Add(new ScorecardFeature
            {
                Name = feature,
                DisplayName = meta.DisplayName!,
                Kind = ColumnKind.Numeric,
                Trend = meta.Trend,
                Coefficient = 1,
                NeutralPoints = Scorecard.RoundPoints(share),
                ReasonTemplate = meta.ReasonTemplate!,
                ImprovementHint = meta.ImprovementHint!,
                Bins = list,
            });
        }

        return new ScorecardModel
        {
            ModelVersion = Version,
            Method = "expert",
            Scaling = scaling,
            Intercept = -Math.Log(scaling.BaseOdds),
            Features = features,
            Notes = "Hand-chosen points over behaviour features (see ExpertScorecard remarks); replace with a trained scorecard once labelled outcomes exist.",
        };
    }
}
