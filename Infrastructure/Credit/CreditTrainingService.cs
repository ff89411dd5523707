using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;
using Points.Scoring;
using Points.Scoring.Challenger;
using Points.Scoring.Metrics;
using Points.Scoring.Synthetic;

namespace Points.Infrastructure.Credit;

public sealed record TrainingSummary(string Version, int Labels, int Bads, double CvAucMean, double CvAucSd, double CvKsMean, double CvKsSd, double Psi, string PsiVerdict);

/// <summary>
/// Trains a new scorecard version from banks' loan outcomes: features as of each loan date, Scorecard.Fit,
/// repeated stratified cross-validation (with a boosted-tree challenger on the same folds, reported only), PSI against the live model on today's population, tier shares by
/// community. The version is stored inactive with its model card; an admin activates it.
/// </summary>
public sealed class CreditTrainingService(PointsDbContext db, BehaviourFeatureExtractor extractor, CreditModelStore models, TimeProvider clock)
{
    public const int MinLabels = 200;
    public const int MinBads = 20;
    public const int Folds = 5;
    public const int Repeats = 3;
    public const long Seed = 20261123;

    public async Task<Result<TrainingSummary>> TrainAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var outcomes = await db.LoanOutcomes.AsNoTracking()
            .Select(o => new { o.ResidentId, o.LoanDate, o.Outcome })
            .ToListAsync(ct);
        var requests = outcomes.Select(o => (o.ResidentId, ShanghaiTime.StartOfDay(o.LoanDate))).ToList();
        var features = await extractor.ExtractManyAsync(requests, ct);
        var rows = outcomes.Select((o, i) => (o, f: features.GetValueOrDefault(requests[i]))).Where(x => x.f is not null).ToList();
        var bads = rows.Count(x => x.o.Outcome == LoanOutcomeKind.Defaulted);
        if (rows.Count < MinLabels || bads < MinBads || rows.Count - bads < MinBads)
        {
            return CreditErrors.TooFewLabels
                .With("labels", rows.Count).With("bads", bads).With("minLabels", MinLabels).With("minBads", MinBads);
        }

        var table = new DataTable(
            BehaviourFeatures.All.Select(name => DataColumn.Numeric(name, [.. rows.Select(x => x.f![name])])),
            [.. rows.Select(x => x.o.Outcome == LoanOutcomeKind.Defaulted ? 1 : 0)]);
        var trainedCount = await db.CreditModels.CountAsync(m => m.Kind == CreditModelKind.Trained, ct);
        var version = $"trained-{trainedCount + 1}";
        while (await db.CreditModels.AnyAsync(m => m.Version == version, ct))
        {
            version += "a";
        }

        var window = new TrainingWindow
        {
            From = rows.Min(x => x.o.LoanDate),
            To = rows.Max(x => x.o.LoanDate),
            Description = string.Create(CultureInfo.InvariantCulture, $"{rows.Count} loan outcomes reported by banks; features as of each loan date (Asia/Shanghai)"),
        };
        var options = new ScorecardOptions
        {
            ModelVersion = version,
            FeatureMetadata = BehaviourFeatures.Metadata,
            TrainingWindow = window,
            MaxDegreeOfParallelism = 2,
        };

        Scorecard card;
        CrossValidationResult cv;
        try
        {
            card = Scorecard.Fit(table, options);
            // The challenger is cross-validated on the same folds for the model card only; it never scores a resident.
            cv = CrossValidation.Run(table, options, Folds, Repeats, Seed, challenger: new ChallengerOptions());
        }
        catch (ScoringDataException ex)
        {
            return CreditErrors.TrainingFailed.With("detail", ex.Message);
        }

        // Stability and fairness on today's population, live model vs the candidate.
        var live = await models.LiveAsync(ct);
        var population = await extractor.ExtractAsync(null, now, ct);
        var popTable = population.ToTable();
        var liveScores = live.Scorecard.Scores(popTable);
        var newScores = card.Scores(popTable);
        var psi = population.Count == 0
            ? null
            : Stability.Psi([.. liveScores.Select(s => (double)s)], [.. newScores.Select(s => (double)s)], 10);
        var groups = await GroupComparisonAsync(population, liveScores, newScores, ct);

        var metrics = new
        {
            labels = rows.Count,
            bads,
            badRate = (double)bads / rows.Count,
            cv = new { folds = Folds, repeats = Repeats, seed = Seed, aucMean = cv.AucMean, aucSd = cv.AucSd, giniMean = (2 * cv.AucMean) - 1, ksMean = cv.KsMean, ksSd = cv.KsSd },
            train = card.Model.Report is { } r ? new { auc = r.AucTrainRounded, gini = r.GiniTrain, ks = r.KsTrain } : null,
            challenger = cv.Challenger is { } ch
                ? new { method = ch.Method, aucMean = ch.AucMean, aucSd = ch.AucSd, giniMean = (2 * ch.AucMean) - 1, ksMean = ch.KsMean, ksSd = ch.KsSd }
                : null,
            psi = psi is null ? null : new { against = live.Version, value = psi.Value, verdict = psi.Verdict, note = psi.Note, residents = population.Count },
            tierShares = TierShares(newScores),
        };
        var modelCard = new
        {
            version,
            kind = "Trained",
            method = card.Model.Method,
            createdAt = now,
            purpose = "乡镇居民信用画像：按居民在积分系统中的行为给出分数与等级，经本人授权后供合作银行参考优惠利率",
            dataWindow = new { from = window.From, to = window.To, labels = rows.Count, bads, skippedOutcomes = outcomes.Count - rows.Count, description = window.Description },
            features = card.Model.Report?.Features.Select(f => new { f.Name, f.Kept, f.InformationValue, f.Coefficient, f.MissingShare, f.DropReason }),
            // The same check Scorecard.Fit refused the table with, on the table it was given: names and category values.
            prohibitedFeaturesCheck = ProhibitedFeatures.Find(table, []).Count == 0 ? "passed" : "failed",
            prohibitedFeaturesChecked = new { columns = table.Columns.Select(c => c.Name), by = "names and category values" },
            metrics,
            challenger = cv.Challenger is { } c
                ? new
                {
                    method = c.Method,
                    purpose = "对照模型（梯度提升树，同样的原始特征、同样的交叉验证折）：只用于比较黑箱模型能多区分多少，从不为任何居民评分",
                    aucMean = c.AucMean,
                    aucSd = c.AucSd,
                    ksMean = c.KsMean,
                    ksSd = c.KsSd,
                    scorecardAucMean = cv.AucMean,
                    aucGap = c.AucMean - cv.AucMean,
                }
                : null,
            groupComparison = groups,
            warnings = card.Model.Report?.Warnings ?? [],
            impactAssessment = ImpactAssessment.Text,
        };

        db.CreditModels.Add(new CreditModel(Guid.CreateVersion7(now), version, CreditModelKind.Trained, card.ToJson(),
            JsonSerializer.Serialize(metrics, CreditModelStore.Json), JsonSerializer.Serialize(modelCard, CreditModelStore.Json), now));
        await db.SaveChangesAsync(ct);
        return new TrainingSummary(version, rows.Count, bads, cv.AucMean, cv.AucSd, cv.KsMean, cv.KsSd, psi?.Value ?? double.NaN, psi?.Verdict ?? "n/a");
    }

    /// <summary>Share of residents in each tier per community, live model vs candidate (PIPL Art. 55 group comparison).</summary>
    private async Task<object> GroupComparisonAsync(FeatureMatrix population, int[] liveScores, int[] newScores, CancellationToken ct)
    {
        var names = await db.Communities.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return population.Residents.Select((r, i) => (r.CommunityId, i))
            .GroupBy(x => x.CommunityId)
            .Select(g => new
            {
                communityId = g.Key,
                community = g.Key is { } id && names.TryGetValue(id, out var n) ? n : "未分配村社",
                residents = g.Count(),
                live = TierShares(g.Select(x => liveScores[x.i])),
                candidate = TierShares(g.Select(x => newScores[x.i])),
            })
            .OrderBy(x => x.community, StringComparer.Ordinal)
            .ToList();
    }

    private static Dictionary<string, double> TierShares(IEnumerable<int> scores)
    {
        var list = scores.ToList();
        return ScoreTiers.All.ToDictionary(t => t.Code, t => list.Count == 0 ? 0 : Math.Round((double)list.Count(s => ScoreTiers.TierOf(s) == t) / list.Count, 4));
    }
}
