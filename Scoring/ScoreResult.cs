namespace Points.Scoring;

/// <summary>Points of one feature for one row.</summary>
/// <param name="Feature">Column name.</param>
/// <param name="Bin">Label of the bin the value fell in ("neutral" when none).</param>
/// <param name="Points">Points awarded.</param>
/// <param name="MaxPoints">Best points available for this feature.</param>
public sealed record FeaturePoints(string Feature, string Bin, int Points, int MaxPoints);

/// <summary>A reason code: a feature that cost points, in plain Chinese, with what would raise the score.</summary>
/// <param name="Feature">Column name.</param>
/// <param name="Deficit">Max points of the feature minus the points awarded (&gt; 0).</param>
/// <param name="Description">What was observed, e.g. "近一年未到场活动 3 次".</param>
/// <param name="Improvement">What would raise the score, e.g. "按时参加已报名活动".</param>
public sealed record ReasonCode(string Feature, int Deficit, string Description, string Improvement);

/// <summary>The score of one row.</summary>
/// <param name="ModelVersion">Model that produced the score.</param>
/// <param name="Score">Sum of points clamped to 350–950.</param>
/// <param name="RawPoints">Sum of points before clamping.</param>
/// <param name="ProbabilityOfBad">p_bad = 1 / (1 + exp((RawPoints − offset) / factor)).</param>
/// <param name="Tier">Named tier.</param>
/// <param name="Band">50-point band for banks.</param>
/// <param name="Features">Points per feature, in model order.</param>
/// <param name="Reasons">Up to four reason codes, largest deficit first.</param>
public sealed record ScoreResult(string ModelVersion, int Score, int RawPoints, double ProbabilityOfBad, ScoreTier Tier, string Band,
    IReadOnlyList<FeaturePoints> Features, IReadOnlyList<ReasonCode> Reasons);
