namespace Points.Scoring.Binning;

/// <summary>Binning settings (SCORING.md defaults).</summary>
public sealed record BinningOptions
{
    /// <summary>Number of quantile pre-bins (cut at k/PreBins).</summary>
    public int PreBins { get; init; } = 20;

    /// <summary>Minimum share of all training rows in a bin (also the share a missing/special bin needs to be kept).</summary>
    public double MinBinShare { get; init; } = 0.05;

    /// <summary>Maximum number of value bins (missing/special bins not counted).</summary>
    public int MaxBins { get; init; } = 6;

    /// <summary>WoE smoothing constant a.</summary>
    public double Smoothing { get; init; } = Woe.WoeCalculator.DefaultSmoothing;
}
