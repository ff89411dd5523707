namespace Points.Domain.Credit;

public enum CreditModelKind
{
    Expert,
    Trained,
}

/// <summary>
/// One versioned scorecard artefact (JSON from the Scoring library) with its metrics and model card
/// (PIPL Art. 55 impact assessment). Exactly one version is active; activation is the only way to change that.
/// </summary>
public sealed class CreditModel
{
    public const int VersionMaxLength = 64;
    public const int OverrideReasonMaxLength = 500;

    private CreditModel()
    {
        Version = string.Empty;
        Artefact = string.Empty;
        Metrics = string.Empty;
        ModelCard = string.Empty;
    }

    public CreditModel(Guid id, string version, CreditModelKind kind, string artefact, string metrics, string modelCard, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Length > VersionMaxLength)
        {
            throw new ArgumentException("model version is required and at most 64 characters", nameof(version));
        }

        Id = id;
        Version = version;
        Kind = kind;
        Artefact = artefact;
        Metrics = metrics;
        ModelCard = modelCard;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public string Version { get; private set; }

    public CreditModelKind Kind { get; private set; }

    /// <summary>Scorecard.ToJson output.</summary>
    public string Artefact { get; private set; }

    public string Metrics { get; private set; }

    public string ModelCard { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ActivatedAt { get; private set; }

    public bool IsActive { get; private set; }

    /// <summary>Why an admin activated this version although the activation guard refused it (see <see cref="ModelActivationGuard"/>).</summary>
    public string? ActivationOverrideReason { get; private set; }

    public Guid? ActivationOverriddenBy { get; private set; }

    public DateTimeOffset? ActivationOverriddenAt { get; private set; }

    /// <summary>Records an admin's written reason for activating against the guard's refusal.</summary>
    public void RecordOverride(string reason, Guid adminId, DateTimeOffset now)
    {
        ActivationOverrideReason = reason.Trim();
        ActivationOverriddenBy = adminId;
        ActivationOverriddenAt = now;
    }

    public void Activate(DateTimeOffset now)
    {
        IsActive = true;
        ActivatedAt = now;
    }

    public void Deactivate() => IsActive = false;
}
