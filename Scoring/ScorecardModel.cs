using Points.Scoring.Binning;
using Points.Scoring.Woe;

namespace Points.Scoring;

/// <summary>The serialised scorecard: everything needed to score and to explain, plus the fit report (model card data).</summary>
public sealed record ScorecardModel
{
    /// <summary>Version of this JSON layout; bump when the layout changes.</summary>
    public int SchemaVersion { get; init; } = Scorecard.CurrentSchemaVersion;

    /// <summary>Model version recorded with every score, e.g. "expert-1".</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>"woe-logistic-l2" for trained models, "expert" for the hand-made one.</summary>
    public string Method { get; init; } = "";

    /// <summary>Points scaling.</summary>
    public ScalingParameters Scaling { get; init; } = new();

    /// <summary>Intercept b0 on the log-odds of bad.</summary>
    public double Intercept { get; init; }

    /// <summary>Features in the model, in scoring order.</summary>
    public IReadOnlyList<ScorecardFeature> Features { get; init; } = [];

    /// <summary>Training data window and description (PIPL Art. 55 model card).</summary>
    public TrainingWindow? TrainingWindow { get; init; }

    /// <summary>Fit report: screening, coefficients, training metrics.</summary>
    public FitReport? Report { get; init; }

    /// <summary>Free-text notes (e.g. how the expert points were chosen).</summary>
    public string? Notes { get; init; }
}

/// <summary>One feature of a scorecard with its bins and points.</summary>
public sealed record ScorecardFeature
{
    /// <summary>Column name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Chinese display name.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Trend of the bad rate across value bins.</summary>
    public MonotoneTrend Trend { get; init; }

    /// <summary>Training IV.</summary>
    public double InformationValue { get; init; }

    /// <summary>Regression coefficient b_j (≥ 0).</summary>
    public double Coefficient { get; init; }

    /// <summary>Points for a value with no bin (rare missing/special value, unseen level): WoE 0.</summary>
    public int NeutralPoints { get; init; }

    /// <summary>Reason text template; placeholders {name}, {bin}, {value}.</summary>
    public string ReasonTemplate { get; init; } = FeatureMetadata.DefaultReasonTemplate;

    /// <summary>What would raise the score.</summary>
    public string ImprovementHint { get; init; } = FeatureMetadata.DefaultImprovementHint;

    /// <summary>Configured special values.</summary>
    public IReadOnlyList<double> SpecialValues { get; init; } = [];

    /// <summary>Bins with WoE and points.</summary>
    public IReadOnlyList<BinModel> Bins { get; init; } = [];
}

/// <summary>Training data window passed in by the caller (no clock is read).</summary>
public sealed record TrainingWindow
{
    /// <summary>First day of the observation window.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last day of the observation window.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Where the data came from.</summary>
    public string? Description { get; init; }
}

/// <summary>What happened to each candidate feature and how the fit performed on training data.</summary>
public sealed record FitReport
{
    /// <summary>Training rows.</summary>
    public long Rows { get; init; }

    /// <summary>Training bads.</summary>
    public long Bads { get; init; }

    /// <summary>Bads / rows.</summary>
    public double BadRate { get; init; }

    /// <summary>Inverse regularisation strength used.</summary>
    public double C { get; init; }

    /// <summary>Newton (IRLS) iterations of models fitted before ML.NET; null for L-BFGS fits, which do not report them.</summary>
    public int? Iterations { get; init; }

    /// <summary>Optimizer of the regression: "ml.net-lbfgs"; null for models fitted before ML.NET (IRLS).</summary>
    public string? Solver { get; init; }

    /// <summary>Largest violation of the fit's optimality conditions per row (L-BFGS fits).</summary>
    public double? KktResidual { get; init; }

    /// <summary>Whether the final fit converged.</summary>
    public bool Converged { get; init; }

    /// <summary>Training AUC of the unrounded score.</summary>
    public double AucTrain { get; init; }

    /// <summary>Training AUC of the integer-points score (should barely differ from <see cref="AucTrain"/>).</summary>
    public double AucTrainRounded { get; init; }

    /// <summary>Training Gini of the integer-points score.</summary>
    public double GiniTrain { get; init; }

    /// <summary>Training KS of the integer-points score.</summary>
    public double KsTrain { get; init; }

    /// <summary>Every candidate feature, kept or dropped.</summary>
    public IReadOnlyList<FeatureReport> Features { get; init; } = [];

    /// <summary>Things a reviewer should look at (suspicious IV, rounding loss, non-convergence).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Screening outcome for one candidate feature.</summary>
public sealed record FeatureReport
{
    /// <summary>Column name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Share of missing values.</summary>
    public double MissingShare { get; init; }

    /// <summary>IV after binning (null when dropped before binning).</summary>
    public double? InformationValue { get; init; }

    /// <summary>IV band.</summary>
    public IvStrength? Strength { get; init; }

    /// <summary>True when the feature is in the model.</summary>
    public bool Kept { get; init; }

    /// <summary>Why it was dropped.</summary>
    public string? DropReason { get; init; }

    /// <summary>IV above 0.5: check for leakage.</summary>
    public bool Suspicious { get; init; }

    /// <summary>Final coefficient when kept.</summary>
    public double? Coefficient { get; init; }
}
