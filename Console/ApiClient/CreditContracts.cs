using System.Text.Json;

namespace Points.Console.ApiClient;

// Twins of Api/Credit/CreditContracts.cs records used by the credit administration pages.

public sealed record CreditModelResponse(string Version, string Kind, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt, JsonElement Metrics, JsonElement ModelCard);

public sealed record TrainResponse(string Version, int Labels, int Bads, double CvAucMean, double CvAucSd, double CvKsMean, double CvKsSd, double? Psi, string PsiVerdict, bool IsActive);

public sealed record ActivationCheck(string Code, string Title);

public sealed record ActivateModelRequest(string? OverrideReason);

public sealed record ActivateResponse(string Version, bool IsActive, int Rescored, IReadOnlyList<ActivationCheck>? OverriddenChecks, string? OverrideReason);

/// <summary>An activation: done, or refused with the guard's checks (each in Chinese) that an override with a reason would pass over.</summary>
public sealed record ActivationOutcome(ActivateResponse? Value, Problem? Problem, IReadOnlyList<ActivationCheck> Checks);

public sealed record StaffAppealResponse(Guid Id, Guid ResidentId, string ResidentName, Guid? CommunityId, string Kind, string Text, string? RecordRef,
    string Status, string? Decision, string? Reply, DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? AnsweredAt, bool Overdue);

public sealed record AnswerAppealRequest(string? Decision, string? Reply);

/// <summary>What a bank sees with a resident's consent: never the score itself, only its band.</summary>
public sealed record BankCreditResponse(string Tier, string TierName, string Band, DateTimeOffset AsOf, string ModelVersion, string ModelScope);
