using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;
using Points.Scoring;

namespace Points.Infrastructure.Credit;

/// <summary>An activation the guard allowed, or allowed on an admin's recorded override (<see cref="Overridden"/> lists what failed).</summary>
public sealed record ActivationClearance(IReadOnlyList<ActivationCheck> Overridden);

/// <summary>
/// Applies <see cref="ModelActivationGuard"/> before a version goes live, reading what training measured from the
/// candidate's and the live model's stored metrics. Going back to the expert scorecard (a hand-set, documented
/// model) is always allowed: it is the safe fallback when a trained model misbehaves.
/// </summary>
public sealed class CreditActivationGuard(PointsDbContext db, CreditModelStore models, IOptions<ModelActivationThresholds> options)
{
    public async Task<Result<ActivationClearance>> ClearAsync(string version, string? overrideReason, CancellationToken ct)
    {
        var candidate = await db.CreditModels.AsNoTracking().FirstOrDefaultAsync(m => m.Version == version, ct);
        if (candidate is null)
        {
            return CreditErrors.ModelNotFound;
        }

        if (candidate.Kind == CreditModelKind.Expert)
        {
            return new ActivationClearance([]);
        }

        var live = await models.LiveAsync(ct);
        var liveRow = await db.CreditModels.AsNoTracking().Where(m => m.Version == live.Version).Select(m => m.Metrics).FirstOrDefaultAsync(ct);
        var thresholds = options.Value;
        var failed = ModelActivationGuard.Check(Evidence(candidate.Metrics, candidate.ModelCard), live.Version, liveRow is null ? null : Evidence(liveRow, null), thresholds);
        if (failed.Count == 0)
        {
            return new ActivationClearance([]);
        }

        if (overrideReason is null)
        {
            return ModelActivationGuard.Refused.With("checks", failed);
        }

        return ModelActivationGuard.CheckOverrideReason(overrideReason, thresholds) is { } tooShort
            ? tooShort.With("checks", failed)
            : new ActivationClearance(failed);
    }

    /// <summary>Records the override on the model row, after the activation it allowed has committed.</summary>
    public async Task RecordOverrideAsync(string version, string reason, Guid adminId, DateTimeOffset now, CancellationToken ct)
    {
        var model = await db.CreditModels.FirstAsync(m => m.Version == version, ct);
        model.RecordOverride(reason, adminId, now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What training stored: tier shares on today's population (or, for models trained before they were stored, from the group comparison), PSI and CV AUC.</summary>
    private static ModelEvidence Evidence(string metricsJson, string? modelCardJson)
    {
        using var metrics = JsonDocument.Parse(metricsJson);
        var root = metrics.RootElement;
        double? auc = root.TryGetProperty("cv", out var cv) && cv.TryGetProperty("aucMean", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
        double? psi = null;
        string? against = null;
        if (root.TryGetProperty("psi", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            psi = p.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            against = p.TryGetProperty("against", out var w) ? w.GetString() : null;
        }

        var shares = new Dictionary<string, double>();
        if (root.TryGetProperty("tierShares", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tier in t.EnumerateObject())
            {
                shares[TierName(tier.Name)] = tier.Value.GetDouble();
            }
        }
        else if (modelCardJson is not null)
        {
            using var card = JsonDocument.Parse(modelCardJson);
            if (card.RootElement.TryGetProperty("groupComparison", out var groups) && groups.ValueKind == JsonValueKind.Array)
            {
                var total = 0.0;
                foreach (var g in groups.EnumerateArray())
                {
                    var n = g.GetProperty("residents").GetDouble();
                    total += n;
                    foreach (var tier in g.GetProperty("candidate").EnumerateObject())
                    {
                        shares[TierName(tier.Name)] = shares.GetValueOrDefault(TierName(tier.Name)) + (tier.Value.GetDouble() * n);
                    }
                }

                foreach (var key in shares.Keys.ToList())
                {
                    shares[key] = total == 0 ? 0 : shares[key] / total;
                }
            }
        }

        return new ModelEvidence(shares, psi, against, auc);
    }

    private static string TierName(string code) => ScoreTiers.All.FirstOrDefault(t => t.Code == code)?.Name ?? code;
}
