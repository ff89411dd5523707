namespace Points.Scoring.Woe;

/// <summary>Strength of a feature by its information value (SCORING.md thresholds).</summary>
public enum IvStrength
{
    /// <summary>IV &lt; 0.02: dropped.</summary>
    Useless,

    /// <summary>0.02 ≤ IV &lt; 0.1.</summary>
    Weak,

    /// <summary>0.1 ≤ IV &lt; 0.3.</summary>
    Medium,

    /// <summary>0.3 ≤ IV ≤ 0.5.</summary>
    Strong,

    /// <summary>IV &gt; 0.5: check for leakage.</summary>
    Suspicious,
}

/// <summary>
/// Weight of evidence and information value with additive smoothing a:
/// pb_i = (b_i + a)/(B + a k), pg_i = (g_i + a)/(G + a k), WoE_i = ln(pb_i/pg_i) (positive = riskier),
/// IV = Σ (pb_i − pg_i) WoE_i. B and G are the bad and good totals over the k bins given.
/// </summary>
public static class WoeCalculator
{
    /// <summary>The smoothing constant a = 0.5.</summary>
    public const double DefaultSmoothing = 0.5;

    /// <summary>IV below which a feature is dropped.</summary>
    public const double MinimumIv = 0.02;

    /// <summary>IV above which a feature is flagged as suspicious (possible leakage).</summary>
    public const double SuspiciousIv = 0.5;

    /// <summary>WoE per bin.</summary>
    public static double[] Woe(IReadOnlyList<long> bads, IReadOnlyList<long> goods, double smoothing = DefaultSmoothing)
    {
        ArgumentNullException.ThrowIfNull(bads);
        ArgumentNullException.ThrowIfNull(goods);
        var k = bads.Count;
        var (totalB, totalG) = Totals(bads, goods);
        var woe = new double[k];
        for (var i = 0; i < k; i++)
        {
            var pb = (bads[i] + smoothing) / (totalB + (smoothing * k));
            var pg = (goods[i] + smoothing) / (totalG + (smoothing * k));
            woe[i] = Math.Log(pb / pg);
        }

        return woe;
    }

    /// <summary>Information value of the bins.</summary>
    public static double InformationValue(IReadOnlyList<long> bads, IReadOnlyList<long> goods, double smoothing = DefaultSmoothing)
    {
        ArgumentNullException.ThrowIfNull(bads);
        ArgumentNullException.ThrowIfNull(goods);
        var k = bads.Count;
        var (totalB, totalG) = Totals(bads, goods);
        var iv = 0.0;
        for (var i = 0; i < k; i++)
        {
            var pb = (bads[i] + smoothing) / (totalB + (smoothing * k));
            var pg = (goods[i] + smoothing) / (totalG + (smoothing * k));
            iv += (pb - pg) * Math.Log(pb / pg);
        }

        return iv;
    }

    /// <summary>Classifies an IV into the SCORING.md bands.</summary>
    public static IvStrength Classify(double iv) => iv switch
    {
        < MinimumIv => IvStrength.Useless,
        < 0.1 => IvStrength.Weak,
        < 0.3 => IvStrength.Medium,
        <= SuspiciousIv => IvStrength.Strong,
        _ => IvStrength.Suspicious,
    };

    private static (double B, double G) Totals(IReadOnlyList<long> bads, IReadOnlyList<long> goods)
    {
        if (bads.Count != goods.Count)
        {
            throw new ArgumentException("bads and goods must have the same length.", nameof(goods));
        }

        double b = 0, g = 0;
        for (var i = 0; i < bads.Count; i++)
        {
            b += bads[i];
            g += goods[i];
        }

        return (b, g);
    }
}
