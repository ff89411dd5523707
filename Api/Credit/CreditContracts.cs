using System.ComponentModel.DataAnnotations;
using Points.Domain.Credit;

namespace Points.Api.Credit;

public sealed record CreditFactorResponse(string Feature, string Description, string Improvement);

public sealed record CreditHistoryItem(int Score, string Tier, string TierCode, string Band, DateTimeOffset AsOf, string ModelVersion);

public sealed record CreditAppealResponse(Guid Id, CreditAppealKind Kind, string Text, string? RecordRef, CreditAppealStatus Status, CreditAppealDecision? Decision,
    string? Reply, DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? AnsweredAt, bool Overdue);

public sealed record MyCreditResponse(
    int Score,
    string Tier,
    string TierCode,
    string Band,
    DateTimeOffset AsOf,
    string ModelVersion,
    IReadOnlyList<CreditFactorResponse> Factors,
    IReadOnlyList<CreditHistoryItem> History,
    IReadOnlyList<CreditAppealResponse> Appeals,
    string Explanation);

public sealed record FileAppealRequest(
    [property: Required(ErrorMessage = "请选择申诉类型")] CreditAppealKind? Kind,
    [property: Required(ErrorMessage = "请填写申诉内容"), StringLength(CreditAppeal.TextMaxLength, MinimumLength = 1, ErrorMessage = "申诉内容须在1到1000字之间")] string? Text,
    [property: StringLength(CreditAppeal.RecordRefMaxLength, ErrorMessage = "记录编号过长")] string? RecordRef);

public sealed record AnswerAppealRequest(
    [property: Required(ErrorMessage = "请选择处理结论")] CreditAppealDecision? Decision,
    [property: Required(ErrorMessage = "请填写答复内容"), StringLength(CreditAppeal.ReplyMaxLength, MinimumLength = 1, ErrorMessage = "答复内容须在1到1000字之间")] string? Reply);

public sealed record StaffAppealResponse(Guid Id, Guid ResidentId, string ResidentName, Guid? CommunityId, CreditAppealKind Kind, string Text, string? RecordRef,
    CreditAppealStatus Status, CreditAppealDecision? Decision, string? Reply, DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? AnsweredAt, bool Overdue);

public sealed record GrantConsentRequest(
    [property: Required(ErrorMessage = "请选择银行")] Guid? BankId,
    [property: Required(ErrorMessage = "请填写授权用途"), StringLength(CreditConsent.PurposeMaxLength, MinimumLength = 1, ErrorMessage = "授权用途须在1到100字之间")] string? Purpose,
    [property: Range(1, CreditConsent.MaxDays, ErrorMessage = "授权天数须在1到365天之间")] int Days);

public sealed record GrantConsentResponse(Guid Id, string ConsentToken, Guid BankId, string Purpose, DateTimeOffset ExpiresAt);

public enum ConsentState
{
    Active,
    Expired,
    Revoked,
}

public sealed record ConsentResponse(Guid Id, Guid BankId, string BankName, string Purpose, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, ConsentState Status);

public sealed record CreditQueryResponse(Guid Id, Guid BankId, string BankName, DateTimeOffset At, CreditQueryOutcome Outcome, string? ModelVersion);

/// <summary>Exactly what a bank sees: no exact score, no factors, no name, no id.</summary>
/// <param name="ModelScope">which model scored the resident: <c>platform</c>, the one model of every town, managed by the platform role</param>
public sealed record BankCreditResponse(string Tier, string TierName, string Band, DateTimeOffset AsOf, string ModelVersion, string ModelScope)
{
    public const string PlatformScope = "platform";
}

public sealed record LoanOutcomeRequest(
    string? ConsentToken,
    Guid? ResidentId,
    [property: Required(ErrorMessage = "请填写放款日期")] DateOnly? LoanDate,
    [property: Required(ErrorMessage = "请填写贷款结果")] LoanOutcomeKind? Outcome,
    [property: Required(ErrorMessage = "请填写银行业务编号"), StringLength(LoanOutcome.ExternalRefMaxLength, MinimumLength = 1, ErrorMessage = "银行业务编号须在1到64个字符之间")] string? ExternalRef);

public sealed record PostOutcomesRequest(
    [property: Required(ErrorMessage = "请提供贷款结果"), MinLength(1, ErrorMessage = "请至少提供一条贷款结果"), MaxLength(1000, ErrorMessage = "每次最多提交1000条")] IReadOnlyList<LoanOutcomeRequest>? Outcomes);

/// <summary>One outcome: Created, Replayed or Rejected; a rejection carries its code and, in <see cref="Title"/>, why in Chinese.</summary>
public sealed record OutcomeResultResponse(string ExternalRef, string Status, string? Code, string? Title);

public sealed record PostOutcomesResponse(int Created, int Replayed, int Rejected, IReadOnlyList<OutcomeResultResponse> Results);

public sealed record CreditModelResponse(string Version, CreditModelKind Kind, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt,
    System.Text.Json.JsonElement Metrics, System.Text.Json.JsonElement ModelCard);

public sealed record TrainResponse(string Version, int Labels, int Bads, double CvAucMean, double CvAucSd, double CvKsMean, double CvKsSd, double? Psi, string PsiVerdict, bool IsActive);

/// <summary>The version now live and how many residents were re-scored with it.</summary>
/// <summary>The activation; <see cref="OverriddenChecks"/> lists the guard's refusals an admin overrode with a written reason.</summary>
public sealed record ActivateResponse(string Version, bool IsActive, int Rescored, IReadOnlyList<ActivationCheck>? OverriddenChecks = null, string? OverrideReason = null);

/// <summary>Optional body of an activation: a written reason lets an admin activate a candidate the guard refused.</summary>
public sealed record ActivateModelRequest(
    [property: System.ComponentModel.DataAnnotations.StringLength(CreditModel.OverrideReasonMaxLength, ErrorMessage = "理由不超过500字")]
    string? OverrideReason);
