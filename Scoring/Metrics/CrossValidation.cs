namespace Points.Scoring.Metrics;

/// <summary>Out-of-fold metrics of one fold.</summary>
/// <param name="Repeat">Repeat number (0-based).</param>
/// <param name="Fold">Fold number (0-based).</param>
/// <param name="TrainRows">Rows the scorecard was fitted on.</param>
/// <param name="TestRows">Held-out rows scored.</param>
/// <param name="Auc">Held-out AUC.</param>
/// <param name="Ks">Held-out KS.</param>
/// <param name="ChallengerAuc">Held-out AUC of the challenger fitted on the same training rows, when run.</param>
/// <param name="ChallengerKs">Held-out KS of the challenger, when run.</param>
public sealed record FoldResult(int Repeat, int Fold, int TrainRows, int TestRows, double Auc, double Ks,
    double? ChallengerAuc = null, double? ChallengerKs = null);

/// <summary>Cross-validated metrics of the challenger (same folds as the scorecard).</summary>
/// <param name="Method">Challenger method, e.g. "ml.net-fasttree".</param>
/// <param name="AucMean">Mean held-out AUC.</param>
/// <param name="AucSd">Standard deviation of held-out AUC.</param>
/// <param name="KsMean">Mean held-out KS.</param>
/// <param name="KsSd">Standard deviation of held-out KS.</param>
public sealed record ChallengerSummary(string Method, double AucMean, double AucSd, double KsMean, double KsSd);

/// <summary>Repeated stratified k-fold summary (sample standard deviations).</summary>
/// <param name="Folds">Every fold.</param>
/// <param name="AucMean">Mean held-out AUC.</param>
/// <param name="AucSd">Standard deviation of held-out AUC.</param>
/// <param name="KsMean">Mean held-out KS.</param>
/// <param name="KsSd">Standard deviation of held-out KS.</param>
/// <param name="Challenger">The challenger's metrics on the same folds, when run.</param>
public sealed record CrossValidationResult(IReadOnlyList<FoldResult> Folds, double AucMean, double AucSd, double KsMean, double KsSd,
    ChallengerSummary? Challenger = null);

/// <summary>Stratified, seeded, repeated k-fold cross-validation of the whole fitting procedure.</summary>
public static class CrossValidation
{
    /// <summary>
    /// Assigns every row to one of <paramref name="folds"/> folds, bads and goods shuffled separately so each fold
    /// keeps the bad rate. Returns the sorted row indices of each fold.
    /// </summary>
    public static IReadOnlyList<int[]> StratifiedFolds(IReadOnlyList<int> labels, int folds, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var result = Enumerable.Range(0, folds).Select(_ => new List<int>()).ToArray();
        foreach (var cls in new[] { 1, 0 })
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            random.Shuffle(rows);
            for (var i = 0; i < rows.Length; i++)
            {
                result[i % folds].Add(rows[i]);
            }
        }

        return [.. result.Select(l => { l.Sort(); return l.ToArray(); })];
    }

    /// <summary>
    /// Runs <paramref name="repeats"/> × <paramref name="folds"/> fits and held-out evaluations; with
    /// <paramref name="challenger"/> the challenger is fitted and evaluated on exactly the same folds.
    /// </summary>
    /// <exception cref="ScoringDataException">Too few bads or goods for the number of folds.</exception>
    public static CrossValidationResult Run(DataTable table, ScorecardOptions options, int folds = 5, int repeats = 5, long seed = 0,
        Action<FoldResult>? onFold = null, Challenger.ChallengerOptions? challenger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var labels = table.LabelArray;
        var bads = labels.Count(v => v == 1);
        if (bads < folds || labels.Length - bads < folds)
        {
            throw new ScoringDataException($"Cross-validation with {folds} folds needs at least {folds} bads and {folds} goods.");
        }

        var random = new SeededRandom(seed);
        var results = new List<FoldResult>();
        for (var r = 0; r < repeats; r++)
        {
            var assignment = StratifiedFolds(labels, folds, random);
            for (var f = 0; f < folds; f++)
            {
                var test = assignment[f];
                var train = assignment.Where((_, k) => k != f).SelectMany(x => x).Order().ToArray();
                var trainTable = table.Take(train);
                var card = Scorecard.Fit(trainTable, options);
                var testTable = table.Take(test);
                var risk = card.RiskScores(testTable);
                var testLabels = testTable.LabelArray;
                var fold = new FoldResult(r, f, train.Length, test.Length, Discrimination.Auc(risk, testLabels), Discrimination.Ks(risk, testLabels));
                if (challenger is not null)
                {
                    var tree = Challenger.TreeChallenger.Fit(trainTable, options.IgnoreColumns, challenger);
                    var treeRisk = tree.RiskScores(testTable);
                    fold = fold with { ChallengerAuc = Discrimination.Auc(treeRisk, testLabels), ChallengerKs = Discrimination.Ks(treeRisk, testLabels) };
                }

                results.Add(fold);
                onFold?.Invoke(fold);
            }
        }

        var (aucMean, aucSd) = MeanSd(results.Select(x => x.Auc).ToArray());
        var (ksMean, ksSd) = MeanSd(results.Select(x => x.Ks).ToArray());
        ChallengerSummary? summary = null;
        if (challenger is not null)
        {
            var (cAuc, cAucSd) = MeanSd([.. results.Select(x => x.ChallengerAuc!.Value)]);
            var (cKs, cKsSd) = MeanSd([.. results.Select(x => x.ChallengerKs!.Value)]);
            summary = new ChallengerSummary(Challenger.TreeChallenger.Method, cAuc, cAucSd, cKs, cKsSd);
        }

        return new CrossValidationResult(results, aucMean, aucSd, ksMean, ksSd, summary);
    }

    private static (double Mean, double Sd) MeanSd(double[] values)
    {
        var mean = values.Average();
        if (values.Length < 2)
        {
            return (mean, 0);
        }

        var ss = values.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(ss / (values.Length - 1)));
    }
}
