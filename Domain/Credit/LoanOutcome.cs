namespace Points.Domain.Credit;

public enum LoanOutcomeKind
{
    Repaid,
    Defaulted,
}

/// <summary>A bank's report of how a loan ended: the label (Defaulted = bad) that retrains the scorecard.</summary>
public sealed class LoanOutcome
{
    public const int ExternalRefMaxLength = 64;

    private LoanOutcome()
    {
        ExternalRef = string.Empty;
    }

    public LoanOutcome(Guid id, Guid bankId, Guid residentId, Guid? consentId, DateOnly loanDate, LoanOutcomeKind outcome, string externalRef, DateTimeOffset receivedAt)
    {
        Id = id;
        BankId = bankId;
        ResidentId = residentId;
        ConsentId = consentId;
        LoanDate = loanDate;
        Outcome = outcome;
        ExternalRef = externalRef;
        ReceivedAt = receivedAt;
    }

    public Guid Id { get; private set; }

    public Guid BankId { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid? ConsentId { get; private set; }

    /// <summary>Features are taken as of the start of this Shanghai day.</summary>
    public DateOnly LoanDate { get; private set; }

    public LoanOutcomeKind Outcome { get; private set; }

    /// <summary>The bank's own reference; (bank, externalRef) is unique, which makes posting idempotent.</summary>
    public string ExternalRef { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public bool SameAs(Guid residentId, DateOnly loanDate, LoanOutcomeKind outcome) =>
        ResidentId == residentId && LoanDate == loanDate && Outcome == outcome;
}
