namespace Points.Scoring.Metrics;

/// <summary>Population (or characteristic) stability index result.</summary>
/// <param name="Value">PSI = Σ (A_i − E_i) ln(A_i / E_i).</param>
/// <param name="Bins">Number of bins k.</param>
/// <param name="ExpectedCount">N_E.</param>
/// <param name="ActualCount">N_A.</param>
/// <param name="SmallSampleInflation">Expected PSI from sampling noise alone, about (k − 1)(1/N_A + 1/N_E).</param>
/// <param name="ExpectedShares">E_i (floored).</param>
/// <param name="ActualShares">A_i (floored).</param>
public sealed record StabilityResult(double Value, int Bins, long ExpectedCount, long ActualCount, double SmallSampleInflation,
    IReadOnlyList<double> ExpectedShares, IReadOnlyList<double> ActualShares)
{
    /// <summary>"stable" (&lt; 0.1), "investigate" (0.1–0.25) or "shifted" (&gt; 0.25).</summary>
    public string Verdict => Value < 0.1 ? "stable" : Value <= 0.25 ? "investigate" : "shifted";

    /// <summary>True when sampling noise alone could account for a tenth of the "stable" threshold or more.</summary>
    public bool IsSmallSample => SmallSampleInflation >= 0.01;

    /// <summary>A sentence for reports; mentions the small-N inflation when it matters.</summary>
    public string Note => IsSmallSample
        ? $"PSI {Value:F4} ({Verdict}); small samples inflate PSI by about (k-1)(1/N_A+1/N_E) = {SmallSampleInflation:F4}, so read it with care."
        : $"PSI {Value:F4} ({Verdict}).";
}

/// <summary>PSI over scores cut on the expected (training) distribution, and CSI over a feature's bins.</summary>
public static class Stability
{
    /// <summary>Floor for empty proportions.</summary>
    public const double Floor = 1e-4;

    /// <summary>PSI of actual vs expected scores, with <paramref name="bins"/> (10–20) quantile bins cut on the expected scores.</summary>
    public static StabilityResult Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (bins is < 2 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), "Use 10 to 20 bins (at least 2).");
        }

        if (expected.Count == 0 || actual.Count == 0)
        {
            throw new ArgumentException("PSI needs non-empty samples.", nameof(actual));
        }

        var sorted = expected.ToArray();
        Array.Sort(sorted);
        var cuts = Binning.Binner.QuantileCuts(sorted, bins);
        var e = new long[cuts.Length + 1];
        var a = new long[cuts.Length + 1];
        foreach (var v in expected)
        {
            e[BinOf(cuts, v)]++;
        }

        foreach (var v in actual)
        {
            a[BinOf(cuts, v)]++;
        }

        return FromCounts(e, a);
    }

    /// <summary>PSI/CSI from counts per bin (expected, actual), floors applied to empty shares.</summary>
    public static StabilityResult FromCounts(IReadOnlyList<long> expectedCounts, IReadOnlyList<long> actualCounts)
    {
        ArgumentNullException.ThrowIfNull(expectedCounts);
        ArgumentNullException.ThrowIfNull(actualCounts);
        if (expectedCounts.Count != actualCounts.Count)
        {
            throw new ArgumentException("Count vectors differ in length.", nameof(actualCounts));
        }

        var k = expectedCounts.Count;
        var ne = expectedCounts.Sum();
        var na = actualCounts.Sum();
        var es = new double[k];
        var as_ = new double[k];
        var psi = 0.0;
        for (var i = 0; i < k; i++)
        {
            es[i] = Math.Max(Floor, (double)expectedCounts[i] / ne);
            as_[i] = Math.Max(Floor, (double)actualCounts[i] / na);
            psi += (as_[i] - es[i]) * Math.Log(as_[i] / es[i]);
        }

        var inflation = (k - 1) * ((1.0 / na) + (1.0 / ne));
        return new StabilityResult(psi, k, ne, na, inflation, es, as_);
    }

    private static int BinOf(double[] cuts, double v)
    {
        var i = 0;
        while (i < cuts.Length && v >= cuts[i])
        {
            i++;
        }

        return i;
    }
}
