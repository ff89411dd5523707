namespace Points.Scoring.Metrics;

/// <summary>
/// Ranking metrics. Scores are risk scores: higher means more likely bad (label 1). Pass p_bad, or the
/// negated credit score.
/// </summary>
public static class Discrimination
{
    /// <summary>Area under the ROC curve, ties counting half (Mann-Whitney with average ranks); O(n log n).</summary>
    /// <exception cref="ArgumentException">Only one class present.</exception>
    public static double Auc(IReadOnlyList<double> riskScores, IReadOnlyList<int> labels)
    {
        var (order, scores, y) = Sorted(riskScores, labels);
        var (bads, goods) = CountClasses(y, "AUC");

        // Sum of the (average) ranks of the bads.
        var rankSum = 0.0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            long tiedBads = 0;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                tiedBads += y[order[j]];
                j++;
            }

            var averageRank = ((i + 1) + j) / 2.0;
            rankSum += tiedBads * averageRank;
            i = j;
        }

        return (rankSum - (bads * (bads + 1) / 2.0)) / ((double)bads * goods);
    }

    private static (long Bads, long Goods) CountClasses(int[] labels, string metric)
    {
        long bads = 0;
        foreach (var v in labels)
        {
            bads += v;
        }

        long goods = labels.Length - bads;
        if (bads == 0 || goods == 0)
        {
            throw new ArgumentException($"{metric} needs at least one bad and one good.", nameof(labels));
        }

        return (bads, goods);
    }

    /// <summary>Gini = 2 AUC − 1.</summary>
    public static double Gini(IReadOnlyList<double> riskScores, IReadOnlyList<int> labels) => (2 * Auc(riskScores, labels)) - 1;

    /// <summary>Kolmogorov-Smirnov: max |TPR − FPR| over thresholds between distinct scores.</summary>
    public static double Ks(IReadOnlyList<double> riskScores, IReadOnlyList<int> labels)
    {
        var (order, scores, y) = Sorted(riskScores, labels);
        var (bads, goods) = CountClasses(y, "KS");

        // Sweep from the highest risk down; evaluate only after whole tie groups.
        long tp = 0, fp = 0;
        var ks = 0.0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var s = scores[order[i]];
            while (i >= 0 && scores[order[i]] == s)
            {
                if (y[order[i]] == 1)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                i--;
            }

            ks = Math.Max(ks, Math.Abs(((double)tp / bads) - ((double)fp / goods)));
        }

        return ks;
    }

    private static (int[] Order, double[] Scores, int[] Labels) Sorted(IReadOnlyList<double> riskScores, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(riskScores);
        ArgumentNullException.ThrowIfNull(labels);
        if (riskScores.Count != labels.Count)
        {
            throw new ArgumentException("Scores and labels differ in length.", nameof(labels));
        }

        var scores = riskScores as double[] ?? [.. riskScores];
        var y = labels as int[] ?? [.. labels];
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = (double[])scores.Clone();
        Array.Sort(keys, order);
        return (order, scores, y);
    }
}
