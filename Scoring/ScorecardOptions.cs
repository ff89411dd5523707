using Points.Scoring.Binning;

namespace Points.Scoring;

/// <summary>Per-feature configuration: Chinese texts for reason codes, fixed trend, special values.</summary>
public sealed record FeatureMetadata
{
    /// <summary>Fallback reason template for features without metadata.</summary>
    public const string DefaultReasonTemplate = "特征 {name} 处于 {bin} 区间";

    /// <summary>Fallback improvement hint.</summary>
    public const string DefaultImprovementHint = "保持良好记录";

    /// <summary>Chinese display name (defaults to the column name).</summary>
    public string? DisplayName { get; init; }

    /// <summary>Reason template, e.g. "近一年未到场活动 {value} 次"; placeholders {name}, {bin}, {value}.</summary>
    public string? ReasonTemplate { get; init; }

    /// <summary>What would raise the score, e.g. "按时参加已报名活动".</summary>
    public string? ImprovementHint { get; init; }

    /// <summary>Fixed bad-rate trend for a numeric feature, or Auto.</summary>
    public MonotoneTrend Trend { get; init; } = MonotoneTrend.Auto;

    /// <summary>Values that get their own bin (or WoE 0 when rare).</summary>
    public IReadOnlyList<double>? SpecialValues { get; init; }
}

/// <summary>Settings for <see cref="Scorecard.Fit"/>.</summary>
public sealed record ScorecardOptions
{
    /// <summary>Model version written into the artefact and every score.</summary>
    public string ModelVersion { get; init; } = "trained-1";

    /// <summary>Binning settings.</summary>
    public BinningOptions Binning { get; init; } = new();

    /// <summary>Inverse L2 strength C (penalty 1/C).</summary>
    public double C { get; init; } = 1.0;

    /// <summary>Points scaling.</summary>
    public ScalingParameters Scaling { get; init; } = new();

    /// <summary>Per-feature metadata by column name.</summary>
    public IReadOnlyDictionary<string, FeatureMetadata>? FeatureMetadata { get; init; }

    /// <summary>Columns that are not features (ids, dates, or a protected attribute the data happens to carry): dropped before <see cref="ProhibitedFeatures"/> checks the rest.</summary>
    public IReadOnlyCollection<string> IgnoreColumns { get; init; } = [];

    /// <summary>Features with more missing values than this share are dropped.</summary>
    public double MaxMissingShare { get; init; } = 0.95;

    /// <summary>Of two features whose WoE columns correlate above this, the one with the lower IV is dropped.</summary>
    public double MaxCorrelation { get; init; } = 0.7;

    /// <summary>Features below this IV are dropped.</summary>
    public double MinInformationValue { get; init; } = Woe.WoeCalculator.MinimumIv;

    /// <summary>Number of reason codes returned with a score.</summary>
    public int MaxReasonCodes { get; init; } = 4;

    /// <summary>Training data window for the model card.</summary>
    public TrainingWindow? TrainingWindow { get; init; }

    /// <summary>Threads for per-feature binning (results do not depend on it).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
