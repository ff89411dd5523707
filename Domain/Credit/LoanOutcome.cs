using Points.Domain.Common;

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

    public static readonly DomainError DateInFuture = DomainError.Validation("loan_outcome.date_in_future", "放款日期晚于今天（北京时间），不能登记");
    public static readonly DomainError BeforeAccount = DomainError.Validation("loan_outcome.before_account",
        "放款日期早于该居民开通积分账户的日期：系统里没有那时的行为记录，这条结果永远不能作为模型训练样本，未登记");

    /// <summary>
    /// Why a loan date can never give a training label, or null: training reads the resident's behaviour as of the loan
    /// date, which needs the date to have happened and the resident's account to have existed by then (Shanghai days).
    /// </summary>
    public static DomainError? CheckLoanDate(DateOnly loanDate, DateTimeOffset accountCreatedAt, DateTimeOffset now) =>
        loanDate > ShanghaiTime.Today(now) ? DateInFuture
        : loanDate < ShanghaiTime.Today(accountCreatedAt) ? BeforeAccount
        : null;

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
