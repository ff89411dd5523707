using Points.Scoring.Binning;

namespace Points.Scoring.Tests;

public class BinningTests
{
    [Fact]
    public void QuantileCuts_ZeroTo99_CutsAtEveryFifthValue()
    {
        var sorted = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();

        var cuts = Binner.QuantileCuts(sorted, 20);

        Assert.Equal(Enumerable.Range(1, 19).Select(k => 5.0 * k), cuts);
    }

    [Fact]
    public void QuantileCuts_HeavyTies_DeduplicatesAndDropsMinimum()
    {
        var sorted = Enumerable.Repeat(0.0, 80).Concat(Enumerable.Repeat(1.0, 15)).Concat(Enumerable.Repeat(2.0, 5)).ToArray();

        Assert.Equal([1.0, 2.0], Binner.QuantileCuts(sorted, 20));
    }

    [Fact]
    public void Find_ValueOnCut_FallsInLeftClosedBin()
    {
        var binning = new FeatureBinning
        {
            Feature = "x",
            Kind = ColumnKind.Numeric,
            Bins =
            [
                new BinModel { Kind = BinKind.Range, Upper = 5 },
                new BinModel { Kind = BinKind.Range, Lower = 5, Upper = 10 },
                new BinModel { Kind = BinKind.Range, Lower = 10 },
            ],
        };
        var lookup = new BinLookup(binning);

        Assert.Equal(0, lookup.Find(4.999));
        Assert.Equal(1, lookup.Find(5));
        Assert.Equal(1, lookup.Find(9.999));
        Assert.Equal(2, lookup.Find(10));
        Assert.Equal(0, lookup.Find(double.NegativeInfinity));
        Assert.Equal(-1, lookup.Find(double.NaN));
    }

    [Fact]
    public void Fit_RisingBadRate_GivesAscendingMonotoneBinsWithinLimits()
    {
        var table = TestData.Rising(5000, seed: 1);

        var binning = Binner.Fit(table["x"], table.Labels);

        Assert.Equal(MonotoneTrend.Ascending, binning.Trend);
        Assert.InRange(binning.Bins.Count, 2, 6);
        Assert.All(binning.Bins, b => Assert.True(b.Count >= 0.05 * 5000));
        var rates = binning.Bins.Select(b => (double)b.Bads / b.Count).ToArray();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.First <= p.Second));
        var woe = binning.Bins.Select(b => b.Woe).ToArray();
        Assert.True(woe.Zip(woe.Skip(1)).All(p => p.First <= p.Second));
        Assert.Null(binning.Bins[0].Lower);
        Assert.Null(binning.Bins[^1].Upper);
        Assert.Equal(5000, binning.Bins.Sum(b => b.Count));
    }

    [Fact]
    public void Fit_FixedDescendingTrend_ForcesDescendingBadRate()
    {
        var table = TestData.Rising(3000, seed: 2);

        var binning = Binner.Fit(table["x"], table.Labels, trend: MonotoneTrend.Descending);

        Assert.Equal(MonotoneTrend.Descending, binning.Trend);
        var rates = binning.Bins.Select(b => (double)b.Bads / b.Count).ToArray();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.First >= p.Second));
    }

    [Fact]
    public void Fit_MissingAboveFivePercent_GetsOwnBinWithItsWoe()
    {
        var table = TestData.Rising(5000, seed: 3, missingShare: 0.10, missingBadRate: 0.6);

        var binning = Binner.Fit(table["x"], table.Labels);
        var lookup = new BinLookup(binning);

        var missing = Assert.Single(binning.Bins, b => b.Kind == BinKind.Missing);
        Assert.True(missing.Woe > 1);
        Assert.Equal(binning.Bins.ToList().IndexOf(missing), lookup.Find(double.NaN));
    }

    [Fact]
    public void Fit_MissingBelowFivePercent_HasNoBinAndScoresNeutral()
    {
        var table = TestData.Rising(5000, seed: 4, missingShare: 0.02);

        var binning = Binner.Fit(table["x"], table.Labels);

        Assert.DoesNotContain(binning.Bins, b => b.Kind == BinKind.Missing);
        Assert.Equal(-1, new BinLookup(binning).Find(double.NaN));
    }

    [Fact]
    public void Fit_SpecialValue_GetsOwnBinAndIsExcludedFromRanges()
    {
        var table = TestData.Rising(5000, seed: 5, specialShare: 0.10);

        var binning = Binner.Fit(table["x"], table.Labels, specialValues: [-1.0]);
        var lookup = new BinLookup(binning);

        var special = Assert.Single(binning.Bins, b => b.Kind == BinKind.Special);
        Assert.Equal(-1, special.SpecialValue);
        Assert.Equal(binning.Bins.ToList().IndexOf(special), lookup.Find(-1));
        Assert.Equal(0, lookup.Find(-0.5));
        Assert.True(special.Woe < 0);
    }

    [Fact]
    public void Fit_RareSpecialValue_ScoresNeutral()
    {
        var table = TestData.Rising(5000, seed: 6, specialShare: 0.01);

        var binning = Binner.Fit(table["x"], table.Labels, specialValues: [-1.0]);

        Assert.DoesNotContain(binning.Bins, b => b.Kind == BinKind.Special);
        Assert.Equal(-1, new BinLookup(binning).Find(-1));
    }

    [Fact]
    public void Fit_Categorical_OrdersLevelsByBadRateAndUnseenIsNeutral()
    {
        var rng = new SeededRandom(7);
        var levels = new[] { "A", "B", "C", "D" };
        var badRates = new[] { 0.05, 0.30, 0.15, 0.50 };
        var texts = new string?[4000];
        var y = new int[4000];
        for (var i = 0; i < texts.Length; i++)
        {
            var l = i % 4;
            texts[i] = levels[l];
            y[i] = rng.NextDouble() < badRates[l] ? 1 : 0;
        }

        var binning = Binner.Fit(DataColumn.Categorical("village", texts), y);
        var lookup = new BinLookup(binning);

        Assert.Equal(MonotoneTrend.ByBadRate, binning.Trend);
        Assert.Equal(["A", "C", "B", "D"], binning.Bins.SelectMany(b => b.Levels!));
        Assert.True(binning.Bins[lookup.Find("A")].Woe < binning.Bins[lookup.Find("D")].Woe);
        Assert.Equal(-1, lookup.Find("Z"));
        Assert.Equal(-1, lookup.Find((string?)null));
    }

    [Fact]
    public void Fit_ManyTinyBins_MergesToAtMostSixWithoutPureBins()
    {
        var table = TestData.Rising(400, seed: 8);

        var binning = Binner.Fit(table["x"], table.Labels);

        Assert.InRange(binning.Bins.Count, 1, 6);
        Assert.All(binning.Bins, b => Assert.True(b.Bads > 0 && b.Bads < b.Count));
    }
}
