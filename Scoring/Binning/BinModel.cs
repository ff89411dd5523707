namespace Points.Scoring.Binning;

/// <summary>What kind of values a bin holds.</summary>
public enum BinKind
{
    /// <summary>Numeric interval [Lower, Upper), open at −∞/+∞ when Lower/Upper is null.</summary>
    Range,

    /// <summary>A group of category levels.</summary>
    Levels,

    /// <summary>Missing values (own bin because it holds at least the minimum share).</summary>
    Missing,

    /// <summary>A configured special value (e.g. −1 meaning "not applicable").</summary>
    Special,
}

/// <summary>Direction of the bad rate across ordered bins.</summary>
public enum MonotoneTrend
{
    /// <summary>Choose the direction with the higher IV.</summary>
    Auto,

    /// <summary>Bad rate rises with the value (e.g. more no-shows, more risk).</summary>
    Ascending,

    /// <summary>Bad rate falls with the value (e.g. more activities attended, less risk).</summary>
    Descending,

    /// <summary>Categorical levels ordered by bad rate.</summary>
    ByBadRate,
}

/// <summary>One fitted bin: its definition, training counts, WoE and scorecard points. Serialised in the model JSON.</summary>
public sealed record BinModel
{
    /// <summary>Kind of bin.</summary>
    public BinKind Kind { get; init; }

    /// <summary>Inclusive lower bound of a range bin; null = −∞.</summary>
    public double? Lower { get; init; }

    /// <summary>Exclusive upper bound of a range bin; null = +∞.</summary>
    public double? Upper { get; init; }

    /// <summary>Category levels of a levels bin.</summary>
    public IReadOnlyList<string>? Levels { get; init; }

    /// <summary>The value of a special bin.</summary>
    public double? SpecialValue { get; init; }

    /// <summary>Human-readable label, e.g. "[2, 5)", "missing", "{A, B}".</summary>
    public string Label { get; init; } = "";

    /// <summary>Training rows in the bin.</summary>
    public long Count { get; init; }

    /// <summary>Training bads (label 1) in the bin.</summary>
    public long Bads { get; init; }

    /// <summary>Weight of evidence ln(pb/pg), positive = riskier.</summary>
    public double Woe { get; init; }

    /// <summary>Integer scorecard points for the bin (0 until scaled).</summary>
    public int Points { get; init; }
}
