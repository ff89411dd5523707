namespace Points.Scoring;

/// <summary>A named score tier shown to residents and staff.</summary>
/// <param name="Code">Stable code for storage and APIs.</param>
/// <param name="Name">Chinese name shown to people.</param>
/// <param name="Min">Lowest score in the tier (inclusive).</param>
/// <param name="Max">Highest score in the tier (inclusive).</param>
public sealed record ScoreTier(string Code, string Name, int Min, int Max);

/// <summary>
/// Five tiers over 350–950 and 50-point bands for banks. With the default scaling (PDO 50, 650 at 20:1) the cut
/// points correspond to good:bad odds of about 5:1 (550), 10:1 (600), 40:1 (700) and 160:1 (800).
/// </summary>
public static class ScoreTiers
{
    /// <summary>Width of a bank score band.</summary>
    public const int BandWidth = 50;

    /// <summary>The tier table, lowest first: 较差 350–549, 一般 550–599, 良好 600–699, 优秀 700–799, 极好 800–950.</summary>
    public static IReadOnlyList<ScoreTier> All { get; } =
    [
        new("poor", "较差", 350, 549),
        new("fair", "一般", 550, 599),
        new("good", "良好", 600, 699),
        new("very-good", "优秀", 700, 799),
        new("excellent", "极好", 800, 950),
    ];

    /// <summary>Tier of a score (clamped into 350–950 first).</summary>
    public static ScoreTier TierOf(int score)
    {
        var s = ScalingParameters.Clamp(score);
        var tiers = All;
        for (var i = tiers.Count - 1; i >= 0; i--)
        {
            if (s >= tiers[i].Min)
            {
                return tiers[i];
            }
        }

        return tiers[0];
    }

    /// <summary>50-point band label such as "650-699"; the top band is "900-950".</summary>
    public static string BandOf(int score)
    {
        var s = ScalingParameters.Clamp(score);
        var low = ScalingParameters.MinScore + ((s - ScalingParameters.MinScore) / BandWidth * BandWidth);
        if (low >= ScalingParameters.MaxScore - BandWidth)
        {
            low = ScalingParameters.MaxScore - BandWidth;
            return $"{low}-{ScalingParameters.MaxScore}";
        }

        return $"{low}-{low + BandWidth - 1}";
    }
}
