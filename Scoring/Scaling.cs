namespace Points.Scoring;

/// <summary>
/// Points scaling: factor = PDO / ln 2, offset = S0 − factor ln(O0), where O0 is the good:bad odds at score S0.
/// score = offset − factor (b0 + Σ b_j WoE_j); p_bad = 1 / (1 + exp((score − offset) / factor)).
/// </summary>
/// <remarks>
/// Defaults: PDO 50, S0 650 at odds 20:1 (p_bad ≈ 4.8 %). Then p_bad 50 % scores ≈ 434 and p_bad 0.1 % ≈ 932, so
/// the whole plausible population lands inside the product range 350–950 with room at both ends; with the
/// textbook PDO 20 the population would crowd into about 560–760.
/// </remarks>
public sealed record ScalingParameters
{
    /// <summary>Default points to double the odds.</summary>
    public const double DefaultPdo = 50;

    /// <summary>Default base score S0.</summary>
    public const double DefaultBaseScore = 650;

    /// <summary>Default good:bad odds O0 at the base score.</summary>
    public const double DefaultBaseOdds = 20;

    /// <summary>Lowest reported score.</summary>
    public const int MinScore = 350;

    /// <summary>Highest reported score.</summary>
    public const int MaxScore = 950;

    /// <summary>Points to double the odds.</summary>
    public double Pdo { get; init; } = DefaultPdo;

    /// <summary>Base score S0.</summary>
    public double BaseScore { get; init; } = DefaultBaseScore;

    /// <summary>Good:bad odds O0 at S0.</summary>
    public double BaseOdds { get; init; } = DefaultBaseOdds;

    /// <summary>factor = PDO / ln 2.</summary>
    public double Factor => Pdo / Math.Log(2);

    /// <summary>offset = S0 − factor ln(O0).</summary>
    public double Offset => BaseScore - (Factor * Math.Log(BaseOdds));

    /// <summary>Probability of bad at a (possibly unclamped) score.</summary>
    public double ProbabilityOfBad(double score) => 1 / (1 + Math.Exp((score - Offset) / Factor));

    /// <summary>Score at a log-odds of bad (b0 + Σ b_j WoE_j), unrounded and unclamped.</summary>
    public double ScoreAt(double logOddsBad) => Offset - (Factor * logOddsBad);

    /// <summary>Clamps a points total into [350, 950].</summary>
    public static int Clamp(int points) => Math.Clamp(points, MinScore, MaxScore);

    /// <summary>Validates the parameters.</summary>
    /// <exception cref="ScoringDataException">A parameter is not positive.</exception>
    public void Validate()
    {
        if (!(Pdo > 0) || !(BaseOdds > 0) || !double.IsFinite(BaseScore))
        {
            throw new ScoringDataException($"Invalid scaling: PDO {Pdo} and base odds {BaseOdds} must be positive, base score {BaseScore} finite.");
        }
    }
}
