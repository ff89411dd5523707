using Points.Domain.Common;

namespace Points.Domain.Credit;

/// <summary>
/// A resident's consent for one bank to read their tier and band (Credit Reporting Regulation Art. 13).
/// Only the hash of the consent token is stored; the resident hands the token to the bank.
/// </summary>
public sealed class CreditConsent
{
    public const int PurposeMaxLength = 100;
    public const int TokenHashLength = 64;
    public const int MaxDays = 365;

    private CreditConsent()
    {
        Purpose = string.Empty;
        TokenHash = string.Empty;
    }

    private CreditConsent(Guid id, Guid residentId, Guid bankId, string purpose, string tokenHash, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        Id = id;
        ResidentId = residentId;
        BankId = bankId;
        Purpose = purpose;
        TokenHash = tokenHash;
        CreatedAt = now;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid BankId { get; private set; }

    public string Purpose { get; private set; }

    public string TokenHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public static Result<CreditConsent> Grant(Guid id, Guid residentId, Guid bankId, string purpose, int days, string tokenHash, DateTimeOffset now)
    {
        if (days is < 1 or > MaxDays)
        {
            return CreditErrors.ConsentDaysInvalid;
        }

        if (string.IsNullOrWhiteSpace(purpose) || purpose.Length > PurposeMaxLength)
        {
            return CreditErrors.ConsentPurposeInvalid;
        }

        return new CreditConsent(id, residentId, bankId, purpose.Trim(), tokenHash, now, now.AddDays(days));
    }

    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    public bool AllowsBank(Guid bankId, DateTimeOffset now) => BankId == bankId && IsLive(now);

    /// <summary>Revoking twice is harmless: the first revocation time stays.</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}

public enum CreditQueryOutcome
{
    Granted,
    Denied,
}

/// <summary>Audit row of one bank query of a credit profile (every query, allowed or not).</summary>
public sealed class CreditQuery
{
    private CreditQuery()
    {
    }

    public CreditQuery(Guid id, Guid bankId, Guid? consentId, Guid? residentId, CreditQueryOutcome outcome, string? modelVersion, DateTimeOffset at)
    {
        Id = id;
        BankId = bankId;
        ConsentId = consentId;
        ResidentId = residentId;
        Outcome = outcome;
        ModelVersion = modelVersion;
        At = at;
    }

    public Guid Id { get; private set; }

    public Guid BankId { get; private set; }

    /// <summary>Null when the token matched no consent.</summary>
    public Guid? ConsentId { get; private set; }

    /// <summary>Null when the token matched no consent.</summary>
    public Guid? ResidentId { get; private set; }

    public CreditQueryOutcome Outcome { get; private set; }

    public string? ModelVersion { get; private set; }

    public DateTimeOffset At { get; private set; }
}
