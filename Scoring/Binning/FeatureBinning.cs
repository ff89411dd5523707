namespace Points.Scoring.Binning;

/// <summary>The fitted bins of one feature, with their WoE and the feature's IV.</summary>
public sealed record FeatureBinning
{
    /// <summary>Feature (column) name.</summary>
    public string Feature { get; init; } = "";

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Trend of the bad rate across the value bins.</summary>
    public MonotoneTrend Trend { get; init; }

    /// <summary>Information value over the fitted bins.</summary>
    public double InformationValue { get; init; }

    /// <summary>Configured special values (each has a bin only if it held the minimum share; otherwise it scores WoE 0).</summary>
    public IReadOnlyList<double> SpecialValues { get; init; } = [];

    /// <summary>Bins: value bins in order, then missing, then specials.</summary>
    public IReadOnlyList<BinModel> Bins { get; init; } = [];
}
