using System.Globalization;
using Points.Scoring.Woe;

namespace Points.Scoring.Binning;

/// <summary>
/// Supervised binning per SCORING.md: quantile pre-bins (numeric) or levels ordered by bad rate (categorical),
/// monotone bad rate by pool-adjacent-violators (both directions, higher IV wins, or a fixed trend),
/// small/pure bins merged into the neighbour with the closer bad rate, at most MaxBins bins by least IV loss,
/// and missing/special values in their own bin when they hold the minimum share.
/// </summary>
public static class Binner
{
    /// <summary>Categorical columns with more levels than this are pre-grouped (in bad-rate order) into PreBins groups.</summary>
    public const int MaxLevelsBeforeGrouping = 100;

    private sealed class Segment
    {
        public int First;
        public int Last;
        public long Bads;
        public long Goods;
        public List<string>? Levels;

        public long Count => Bads + Goods;

        public double Rate => Count == 0 ? 0 : (double)Bads / Count;

        public Segment Copy() => new() { First = First, Last = Last, Bads = Bads, Goods = Goods, Levels = Levels is null ? null : [.. Levels] };

        public void Absorb(Segment right)
        {
            Last = right.Last;
            Bads += right.Bads;
            Goods += right.Goods;
            Levels?.AddRange(right.Levels!);
        }
    }

    /// <summary>Fits the bins of one column.</summary>
    /// <param name="column">The feature.</param>
    /// <param name="labels">0/1 labels, 1 = bad.</param>
    /// <param name="options">Binning settings.</param>
    /// <param name="trend">Fixed trend for numeric features, or Auto.</param>
    /// <param name="specialValues">Numeric values that get their own bin (or WoE 0), e.g. −1 for "not applicable".</param>
    public static FeatureBinning Fit(DataColumn column, IReadOnlyList<int> labels, BinningOptions? options = null,
        MonotoneTrend trend = MonotoneTrend.Auto, IReadOnlyList<double>? specialValues = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new BinningOptions();
        specialValues ??= [];
        if (labels.Count != column.Length)
        {
            throw new ScoringDataException($"Column '{column.Name}' has {column.Length} rows but there are {labels.Count} labels.");
        }

        var minCount = options.MinBinShare * labels.Count;
        long missingBads = 0, missingGoods = 0;
        var specialBads = new long[specialValues.Count];
        var specialGoods = new long[specialValues.Count];

        List<Segment> segments;
        double[] preCuts = [];
        MonotoneTrend chosen;
        if (column.Kind == ColumnKind.Numeric)
        {
            var values = column.Numbers!;
            var kept = new double[values.Length];
            var keptLabels = new int[values.Length];
            var n = 0;
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i];
                var y = labels[i];
                if (double.IsNaN(v))
                {
                    Count(y, ref missingBads, ref missingGoods);
                    continue;
                }

                var s = IndexOf(specialValues, v);
                if (s >= 0)
                {
                    Count(y, ref specialBads[s], ref specialGoods[s]);
                    continue;
                }

                kept[n] = v;
                keptLabels[n] = y;
                n++;
            }

            Array.Sort(kept, keptLabels, 0, n);
            preCuts = QuantileCuts(kept.AsSpan(0, n), options.PreBins);
            segments = CountPreBins(kept.AsSpan(0, n), keptLabels.AsSpan(0, n), preCuts);
            if (trend is MonotoneTrend.Ascending or MonotoneTrend.Descending)
            {
                segments = Pava(segments, trend == MonotoneTrend.Ascending);
                chosen = trend;
            }
            else
            {
                var asc = Pava(segments, ascending: true);
                var desc = Pava(segments, ascending: false);
                var ascIv = Iv(asc, options.Smoothing);
                var descIv = Iv(desc, options.Smoothing);
                (segments, chosen) = descIv > ascIv ? (desc, MonotoneTrend.Descending) : (asc, MonotoneTrend.Ascending);
            }
        }
        else
        {
            chosen = MonotoneTrend.ByBadRate;
            segments = LevelSegments(column.Texts!, labels, options, ref missingBads, ref missingGoods);
        }

        MergeSmallOrPure(segments, minCount);
        while (segments.Count > options.MaxBins)
        {
            MergeLeastIvLoss(segments, options.Smoothing);
        }

        return Build(column, specialValues, options, minCount, segments, preCuts, chosen,
            missingBads, missingGoods, specialBads, specialGoods);
    }

    private static void Count(int y, ref long bads, ref long goods)
    {
        if (y == 1)
        {
            bads++;
        }
        else
        {
            goods++;
        }
    }

    private static int IndexOf(IReadOnlyList<double> values, double v)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] == v)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Cut points at the k/preBins quantiles (k = 1..preBins−1) of sorted values, as the value at index
    /// floor(k n / preBins); duplicates and cuts equal to the minimum are dropped.
    /// </summary>
    public static double[] QuantileCuts(ReadOnlySpan<double> sorted, int preBins)
    {
        var cuts = new List<double>();
        if (sorted.Length == 0)
        {
            return [];
        }

        var min = sorted[0];
        for (var k = 1; k < preBins; k++)
        {
            var idx = (int)Math.Min(sorted.Length - 1, (long)k * sorted.Length / preBins);
            var c = sorted[idx];
            if (c > min && (cuts.Count == 0 || c > cuts[^1]))
            {
                cuts.Add(c);
            }
        }

        return [.. cuts];
    }

    private static List<Segment> CountPreBins(ReadOnlySpan<double> sorted, ReadOnlySpan<int> labels, double[] cuts)
    {
        var segs = new List<Segment>(cuts.Length + 1);
        for (var j = 0; j <= cuts.Length; j++)
        {
            segs.Add(new Segment { First = j, Last = j });
        }

        var bin = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            while (bin < cuts.Length && sorted[i] >= cuts[bin])
            {
                bin++;
            }

            if (labels[i] == 1)
            {
                segs[bin].Bads++;
            }
            else
            {
                segs[bin].Goods++;
            }
        }

        segs.RemoveAll(s => s.Count == 0);
        return segs;
    }

    private static List<Segment> LevelSegments(string?[] texts, IReadOnlyList<int> labels, BinningOptions options,
        ref long missingBads, ref long missingGoods)
    {
        var counts = new Dictionary<string, (long Bads, long Goods)>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Length; i++)
        {
            var t = texts[i];
            if (t is null)
            {
                Count(labels[i], ref missingBads, ref missingGoods);
                continue;
            }

            counts.TryGetValue(t, out var c);
            counts[t] = labels[i] == 1 ? (c.Bads + 1, c.Goods) : (c.Bads, c.Goods + 1);
        }

        var ordered = counts
            .Select(kv => new Segment { Bads = kv.Value.Bads, Goods = kv.Value.Goods, Levels = [kv.Key] })
            .OrderBy(s => s.Rate).ThenBy(s => s.Levels![0], StringComparer.Ordinal)
            .ToList();
        if (ordered.Count > MaxLevelsBeforeGrouping)
        {
            // Many levels: group consecutive levels (in bad-rate order) into about PreBins equal-count groups.
            var total = ordered.Sum(s => s.Count);
            var target = Math.Max(1, total / options.PreBins);
            var grouped = new List<Segment>();
            foreach (var s in ordered)
            {
                if (grouped.Count == 0 || grouped[^1].Count >= target)
                {
                    grouped.Add(s);
                }
                else
                {
                    grouped[^1].Absorb(s);
                }
            }

            ordered = grouped;
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].First = ordered[i].Last = i;
        }

        return ordered;
    }

    private static List<Segment> Pava(List<Segment> input, bool ascending)
    {
        var stack = new List<Segment>(input.Count);
        foreach (var s in input)
        {
            stack.Add(s.Copy());
            while (stack.Count >= 2 && Violates(stack[^2], stack[^1], ascending))
            {
                stack[^2].Absorb(stack[^1]);
                stack.RemoveAt(stack.Count - 1);
            }
        }

        return stack;
    }

    private static bool Violates(Segment left, Segment right, bool ascending) =>
        ascending ? left.Rate > right.Rate : left.Rate < right.Rate;

    private static double Iv(List<Segment> segs, double smoothing) =>
        WoeCalculator.InformationValue(segs.Select(s => s.Bads).ToArray(), segs.Select(s => s.Goods).ToArray(), smoothing);

    private static void MergeSmallOrPure(List<Segment> segs, double minCount)
    {
        while (segs.Count > 1)
        {
            var worst = -1;
            for (var i = 0; i < segs.Count; i++)
            {
                var s = segs[i];
                if ((s.Count < minCount || s.Bads == 0 || s.Goods == 0) && (worst < 0 || s.Count < segs[worst].Count))
                {
                    worst = i;
                }
            }

            if (worst < 0)
            {
                return;
            }

            int neighbour;
            if (worst == 0)
            {
                neighbour = 1;
            }
            else if (worst == segs.Count - 1)
            {
                neighbour = worst - 1;
            }
            else
            {
                var r = segs[worst].Rate;
                neighbour = Math.Abs(r - segs[worst - 1].Rate) <= Math.Abs(r - segs[worst + 1].Rate) ? worst - 1 : worst + 1;
            }

            var left = Math.Min(worst, neighbour);
            segs[left].Absorb(segs[left + 1]);
            segs.RemoveAt(left + 1);
        }
    }

    private static void MergeLeastIvLoss(List<Segment> segs, double smoothing)
    {
        var bads = segs.Select(s => s.Bads).ToArray();
        var goods = segs.Select(s => s.Goods).ToArray();
        var best = -1;
        var bestIv = double.NegativeInfinity;
        for (var i = 0; i < segs.Count - 1; i++)
        {
            var b = new long[segs.Count - 1];
            var g = new long[segs.Count - 1];
            for (int j = 0, k = 0; j < segs.Count; j++)
            {
                if (j == i + 1)
                {
                    b[k - 1] += bads[j];
                    g[k - 1] += goods[j];
                    continue;
                }

                b[k] = bads[j];
                g[k] = goods[j];
                k++;
            }

            var iv = WoeCalculator.InformationValue(b, g, smoothing);
            if (iv > bestIv)
            {
                bestIv = iv;
                best = i;
            }
        }

        segs[best].Absorb(segs[best + 1]);
        segs.RemoveAt(best + 1);
    }

    private static FeatureBinning Build(DataColumn column, IReadOnlyList<double> specialValues, BinningOptions options,
        double minCount, List<Segment> segments, double[] preCuts, MonotoneTrend trend,
        long missingBads, long missingGoods, long[] specialBads, long[] specialGoods)
    {
        var bins = new List<BinModel>();
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (column.Kind == ColumnKind.Numeric)
            {
                double? lower = i == 0 ? null : preCuts[s.First - 1];
                double? upper = i == segments.Count - 1 ? null : preCuts[s.Last];
                bins.Add(new BinModel { Kind = BinKind.Range, Lower = lower, Upper = upper, Label = RangeLabel(lower, upper), Count = s.Count, Bads = s.Bads });
            }
            else
            {
                var levels = s.Levels!.Order(StringComparer.Ordinal).ToList();
                var label = levels.Count <= 6 ? "{" + string.Join(", ", levels) + "}" : "{" + string.Join(", ", levels.Take(5)) + $", … ({levels.Count} levels)}}";
                bins.Add(new BinModel { Kind = BinKind.Levels, Levels = levels, Label = label, Count = s.Count, Bads = s.Bads });
            }
        }

        if (missingBads + missingGoods >= minCount && missingBads + missingGoods > 0)
        {
            bins.Add(new BinModel { Kind = BinKind.Missing, Label = "missing", Count = missingBads + missingGoods, Bads = missingBads });
        }

        for (var i = 0; i < specialValues.Count; i++)
        {
            var c = specialBads[i] + specialGoods[i];
            if (c >= minCount && c > 0)
            {
                var v = specialValues[i];
                bins.Add(new BinModel { Kind = BinKind.Special, SpecialValue = v, Label = "special=" + Format(v), Count = c, Bads = specialBads[i] });
            }
        }

        var b = bins.Select(x => x.Bads).ToArray();
        var g = bins.Select(x => x.Count - x.Bads).ToArray();
        var woe = WoeCalculator.Woe(b, g, options.Smoothing);
        var iv = WoeCalculator.InformationValue(b, g, options.Smoothing);
        for (var i = 0; i < bins.Count; i++)
        {
            bins[i] = bins[i] with { Woe = woe[i] };
        }

        return new FeatureBinning
        {
            Feature = column.Name,
            Kind = column.Kind,
            Trend = trend,
            InformationValue = iv,
            SpecialValues = [.. specialValues],
            Bins = bins,
        };
    }

    /// <summary>Label of a left-closed interval.</summary>
    public static string RangeLabel(double? lower, double? upper) => (lower, upper) switch
    {
        (null, null) => "all",
        (null, { } u) => "< " + Format(u),
        ({ } l, null) => ">= " + Format(l),
        ({ } l, { } u) => "[" + Format(l) + ", " + Format(u) + ")",
    };

    private static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
