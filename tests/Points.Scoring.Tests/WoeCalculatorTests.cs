using Points.Scoring.Woe;

namespace Points.Scoring.Tests;

public class WoeCalculatorTests
{
    [Fact]
    public void Woe_TwoByTwoTableWithSmoothing_MatchesHandComputation()
    {
        // pb = (b + 0.5) / (40 + 1), pg = (g + 0.5) / (160 + 1).
        var woe = WoeCalculator.Woe([10, 30], [90, 70]);

        Assert.Equal(Math.Log((10.5 / 41) / (90.5 / 161)), woe[0], 12);
        Assert.Equal(-0.786142295262, woe[0], 9);
        Assert.Equal(0.529946272075, woe[1], 9);
    }

    [Fact]
    public void InformationValue_TwoByTwoTable_MatchesHandComputation()
    {
        Assert.Equal(0.402741843057, WoeCalculator.InformationValue([10, 30], [90, 70]), 9);
    }

    [Fact]
    public void Woe_BinWithoutBads_StaysFiniteThanksToSmoothing()
    {
        var woe = WoeCalculator.Woe([0, 20], [50, 30]);

        Assert.True(double.IsFinite(woe[0]));
        Assert.True(woe[0] < 0);
    }

    [Theory]
    [InlineData(0.01, IvStrength.Useless)]
    [InlineData(0.05, IvStrength.Weak)]
    [InlineData(0.2, IvStrength.Medium)]
    [InlineData(0.4, IvStrength.Strong)]
    [InlineData(0.6, IvStrength.Suspicious)]
    public void Classify_Iv_ReturnsScoringMdBand(double iv, IvStrength expected)
    {
        Assert.Equal(expected, WoeCalculator.Classify(iv));
    }
}
