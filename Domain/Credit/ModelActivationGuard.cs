using System.Globalization;
using Points.Domain.Common;

namespace Points.Domain.Credit;

/// <summary>Limits a candidate credit model must keep to be activated (configuration <c>Credit:Activation</c>).</summary>
public sealed record ModelActivationThresholds
{
    /// <summary>Largest share of residents one tier may hold under the candidate (a collapsed distribution says nothing).</summary>
    public double MaxTierShare { get; init; } = 0.8;

    /// <summary>Largest PSI of the candidate's scores against the live model's on today's population.</summary>
    public double MaxPsi { get; init; } = 0.25;

    /// <summary>Shortest written reason an admin must give to activate against a refusal.</summary>
    public int MinOverrideReasonLength { get; init; } = 10;
}

/// <summary>What training measured for a candidate (or the live model): tier shares on today's population, PSI, cross-validated AUC.</summary>
public sealed record ModelEvidence(IReadOnlyDictionary<string, double> TierShares, double? Psi, string? PsiAgainst, double? CvAuc);

/// <summary>
/// Decides whether a trained candidate may replace the live model: its score distribution must not collapse into
/// one tier, its PSI against the live model must stay under the threshold (and be measured against the model that
/// is live now), and its cross-validated AUC must not be below the live model's. An admin may activate against a
/// refusal only with a written reason, which is recorded on the model and shown in its model card.
/// </summary>
public static class ModelActivationGuard
{
    public static readonly DomainError Refused = DomainError.Conflict("credit.activation_refused", "候选模型未通过启用检查，不能启用；如确需启用，请管理员填写书面理由");
    public static readonly DomainError ReasonTooShort = DomainError.Validation("credit.override_reason_required", "越过启用检查须填写书面理由（至少10个字）");

    /// <summary>The checks the candidate fails, each a code and a sentence an admin reads; empty when it may be activated.</summary>
    public static IReadOnlyList<ActivationCheck> Check(ModelEvidence candidate, string liveVersion, ModelEvidence? live, ModelActivationThresholds thresholds)
    {
        var failed = new List<ActivationCheck>();
        var inv = CultureInfo.InvariantCulture;
        foreach (var (tier, share) in candidate.TierShares.Where(t => t.Value > thresholds.MaxTierShare).OrderByDescending(t => t.Value))
        {
            failed.Add(new("tier_collapse", $"候选模型把 {(share * 100).ToString("0.#", inv)}% 的居民评为“{tier}”，超过上限 {(thresholds.MaxTierShare * 100).ToString("0.#", inv)}%"));
        }

        if (candidate.Psi is not { } psi || candidate.PsiAgainst != liveVersion)
        {
            failed.Add(new("psi_not_measured", $"候选模型的稳定性（PSI）不是对现行模型 {liveVersion} 计算的，请重新训练后再启用"));
        }
        else if (psi > thresholds.MaxPsi)
        {
            failed.Add(new("psi_too_high", $"候选模型与现行模型的分数分布差异 PSI = {psi.ToString("0.###", inv)}，超过上限 {thresholds.MaxPsi.ToString("0.###", inv)}"));
        }

        if (live?.CvAuc is { } liveAuc && (candidate.CvAuc is not { } auc || auc < liveAuc))
        {
            failed.Add(new("auc_below_live", $"候选模型交叉验证 AUC = {(candidate.CvAuc ?? double.NaN).ToString("0.###", inv)}，低于现行模型的 {liveAuc.ToString("0.###", inv)}"));
        }

        return failed;
    }

    /// <summary>Whether an override reason is acceptable: written, not a word or two.</summary>
    public static DomainError? CheckOverrideReason(string? reason, ModelActivationThresholds thresholds) =>
        reason is null || reason.Trim().Length < thresholds.MinOverrideReasonLength || reason.Trim().Length > CreditModel.OverrideReasonMaxLength ? ReasonTooShort : null;
}

/// <summary>One failed activation check.</summary>
public sealed record ActivationCheck(string Code, string Title);
