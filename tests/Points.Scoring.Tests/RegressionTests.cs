using Points.Scoring.Regression;

namespace Points.Scoring.Tests;

public class RegressionTests
{
    private static (double[] X, int[] Y) BinaryPredictor()
    {
        // x = 0: 3 bads of 10; x = 1: 7 bads of 10. The unpenalised MLE is b0 = ln(3/7), b1 = ln(7/3) - ln(3/7).
        var x = new double[20];
        var y = new int[20];
        for (var i = 0; i < 20; i++)
        {
            x[i] = i < 10 ? 0 : 1;
            y[i] = i < 10 ? (i < 3 ? 1 : 0) : (i < 17 ? 1 : 0);
        }

        return (x, y);
    }

    [Fact]
    public void Fit_LargeC_MatchesClosedFormMle()
    {
        var (x, y) = BinaryPredictor();

        var fit = LogisticRegression.Fit([x], y, c: 1e12);

        // ML.NET works in single precision: three decimals.
        Assert.True(fit.Converged);
        Assert.Equal(Math.Log(3.0 / 7), fit.Intercept, 3);
        Assert.Equal(1.694595720774, fit.Coefficients[0], 3);
    }

    [Fact]
    public void Fit_COne_SatisfiesPenalisedOptimalityAndShrinks()
    {
        var (x, y) = BinaryPredictor();

        var fit = LogisticRegression.Fit([x], y, c: 1);

        // Stationarity: sum(p - y) = 0 (unpenalised intercept) and sum(x (p - y)) + b1 / C = 0.
        double g0 = 0, g1 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var p = 1 / (1 + Math.Exp(-(fit.Intercept + (fit.Coefficients[0] * x[i]))));
            g0 += p - y[i];
            g1 += x[i] * (p - y[i]);
        }

        Assert.Equal(0, g0, 3);
        Assert.Equal(0, g1 + fit.Coefficients[0], 3);
        Assert.InRange(fit.Coefficients[0], 0.5, 1.694);
        Assert.True(fit.KktResidual < LogisticRegression.KktTolerance);
    }

    [Fact]
    public void FitNonNegative_CollinearColumns_HoldsTheNegativeOneAtZeroAndDropsIt()
    {
        // b = a + e is a positive predictor on its own, but the true model is 2a - b, so jointly b gets a negative sign.
        var rng = new SeededRandom(2);
        const int n = 4000;
        var a = new double[n];
        var b = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = rng.NextGaussian();
            b[i] = a[i] + (0.5 * rng.NextGaussian());
            var eta = (2 * a[i]) - b[i];
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }

        var unrestricted = LogisticRegression.Fit([a, b], y, c: 1);
        var result = LogisticRegression.FitNonNegative([a, b], y, c: 1);

        Assert.True(unrestricted.Coefficients[1] < 0);
        Assert.Equal([0], result.Kept);
        Assert.Equal([1], result.Dropped);
        Assert.Single(result.Fit.Coefficients);
        Assert.True(result.Fit.Coefficients[0] > 0);
        Assert.True(result.Fit.Converged);
    }

    [Fact]
    public void FitNonNegative_NegativeIntercept_IsNotConstrained()
    {
        var (x, y) = BinaryPredictor();
        for (var i = 0; i < y.Length; i++)
        {
            // Mostly goods: the intercept must go well below zero while the coefficient stays positive.
            y[i] = i is 9 or 18 or 19 ? 1 : 0;
        }

        var result = LogisticRegression.FitNonNegative([x], y, c: 1e6);

        Assert.True(result.Fit.Intercept < -1.5);
        Assert.True(result.Fit.Coefficients[0] > 0);
    }

    [Fact]
    public void Fit_SameDataTwice_GivesIdenticalCoefficients()
    {
        var rng = new SeededRandom(3);
        var a = Enumerable.Range(0, 2000).Select(_ => rng.NextGaussian()).ToArray();
        var y = a.Select(v => rng.NextDouble() < 1 / (1 + Math.Exp(-v)) ? 1 : 0).ToArray();

        var first = LogisticRegression.FitNonNegative([a], y);
        var second = LogisticRegression.FitNonNegative([a], y);

        Assert.Equal(first.Fit.Intercept, second.Fit.Intercept);
        Assert.Equal(first.Fit.Coefficients, second.Fit.Coefficients);
    }

    [Fact]
    public void Scaling_Pdo20And600At50_GivesCheckValues()
    {
        var s = new ScalingParameters { Pdo = 20, BaseScore = 600, BaseOdds = 50 };

        Assert.Equal(28.8539, s.Factor, 4);
        Assert.Equal(487.123, s.Offset, 3);
        Assert.Equal(1.0 / 51, s.ProbabilityOfBad(600), 12);
        Assert.Equal(1.0 / 101, s.ProbabilityOfBad(620), 12);
    }

    [Fact]
    public void Scaling_Defaults_PlaceEvenOddsAndOnePerMilleInsideProductRange()
    {
        var s = new ScalingParameters();

        Assert.InRange(s.ScoreAt(0), 400, 450);
        Assert.InRange(s.ScoreAt(Math.Log(1.0 / 999)), 900, 950);
        Assert.Equal(650, s.ScoreAt(-Math.Log(20)), 9);
    }
}
