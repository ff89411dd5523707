namespace Points.Domain.Credit;

/// <summary>
/// One computed credit profile of a resident. Rows are never updated: each re-score appends one, so the
/// resident (and an auditor) can see how the score moved and which model produced it.
/// </summary>
public sealed class CreditProfile
{
    public const int TierMaxLength = 16;
    public const int BandMaxLength = 16;

    private CreditProfile()
    {
        Tier = string.Empty;
        Band = string.Empty;
        ModelVersion = string.Empty;
        Factors = string.Empty;
    }

    public CreditProfile(Guid id, Guid residentId, int score, string tier, string band, DateTimeOffset asOf, string modelVersion, string factors, DateTimeOffset computedAt)
    {
        Id = id;
        ResidentId = residentId;
        Score = score;
        Tier = tier;
        Band = band;
        AsOf = asOf;
        ModelVersion = modelVersion;
        Factors = factors;
        ComputedAt = computedAt;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public int Score { get; private set; }

    /// <summary>Tier code (ScoreTier.Code, e.g. "good").</summary>
    public string Tier { get; private set; }

    /// <summary>50-point band for banks, e.g. "650-699".</summary>
    public string Band { get; private set; }

    /// <summary>Only behaviour before this instant counted.</summary>
    public DateTimeOffset AsOf { get; private set; }

    public string ModelVersion { get; private set; }

    /// <summary>JSON array of the reason codes shown to the resident.</summary>
    public string Factors { get; private set; }

    public DateTimeOffset ComputedAt { get; private set; }
}
