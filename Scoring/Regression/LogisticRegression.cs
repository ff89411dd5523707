using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Points.Scoring.Regression;

/// <summary>Result of a logistic regression fit.</summary>
/// <param name="Intercept">b0 (unpenalised, unconstrained).</param>
/// <param name="Coefficients">b_j, one per column.</param>
/// <param name="Converged">True when the optimality (KKT) conditions hold within <see cref="LogisticRegression.KktTolerance"/>.</param>
/// <param name="KktResidual">Largest violation of the optimality conditions, per row (0 at the exact optimum).</param>
public sealed record LogisticFit(double Intercept, IReadOnlyList<double> Coefficients, bool Converged, double KktResidual);

/// <summary>Result of the non-negative fit.</summary>
/// <param name="Fit">Fit over the kept columns.</param>
/// <param name="Kept">Indices (into the input columns) of the kept columns, in input order.</param>
/// <param name="Dropped">Indices whose coefficient the constraint held at zero, in input order.</param>
public sealed record NonNegativeFit(LogisticFit Fit, IReadOnlyList<int> Kept, IReadOnlyList<int> Dropped);

/// <summary>
/// L2-regularised logistic regression fitted by ML.NET's L-BFGS trainer
/// (<see cref="LbfgsLogisticRegressionBinaryTrainer"/>): minimises Σ log(1 + e^η) − yη + ‖w‖²/(2C)
/// (intercept unpenalised), optionally with every coefficient held ≥ 0 (<c>EnforceNonNegativity</c>).
/// One thread and a fixed seed, so the result is the same on any machine.
/// </summary>
public static class LogisticRegression
{
    /// <summary>Name of this optimizer in fit reports.</summary>
    public const string Solver = "ml.net-lbfgs";

    /// <summary>Largest KKT violation per row still counted as converged.</summary>
    public const double KktTolerance = 1e-3;

    /// <summary>Coefficients at or below this are treated as held at zero by the constraint.</summary>
    public const double ZeroCoefficient = 1e-6;

    private sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    /// <summary>Fits P(y = 1) = 1/(1 + exp(−(b0 + Σ b_j x_j))).</summary>
    /// <param name="columns">Feature columns, each of length n.</param>
    /// <param name="labels">0/1 labels.</param>
    /// <param name="c">Inverse regularisation strength C (penalty w²/(2C)); use a large value for an unpenalised fit.</param>
    /// <param name="nonNegative">Hold every coefficient (not the intercept) at ≥ 0.</param>
    public static LogisticFit Fit(IReadOnlyList<double[]> columns, IReadOnlyList<int> labels, double c = 1.0, bool nonNegative = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        var n = labels.Count;
        var y = labels as int[] ?? [.. labels];
        foreach (var col in columns)
        {
            if (col.Length != n)
            {
                throw new ArgumentException("Every column must have one value per label.", nameof(columns));
            }
        }

        var d = columns.Count;
        var rows = new Row[n];
        for (var i = 0; i < n; i++)
        {
            var x = new float[d];
            for (var j = 0; j < d; j++)
            {
                x[j] = (float)columns[j][i];
            }

            rows[i] = new Row { Label = y[i] == 1, Features = x };
        }

        var ml = new MLContext(seed: 0);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            // ML.NET's objective is (Σ loss + L2/2 ‖w‖²)/n: L2 = 1/C is the same penalty as w²/(2C) on the summed loss.
            L2Regularization = (float)(1 / c),
            // With EnforceNonNegativity and no L1 term ML.NET's plain L-BFGS holds the intercept ≥ 0 as well; its
            // orthant-wise (L1) optimizer exempts the intercept. An L1 of 1e-4 on the summed loss changes no coefficient.
            L1Regularization = nonNegative ? 1e-4f : 0,
            EnforceNonNegativity = nonNegative,
            OptimizationTolerance = 1e-8f,
            HistorySize = 20,
            NumberOfThreads = 1,
            ShowTrainingStatistics = false,
        });
        var model = trainer.Fit(data);
        var linear = model.Model.SubModel;
        var w = new double[d + 1];
        w[0] = linear.Bias;
        var weights = linear.Weights;
        for (var j = 0; j < d; j++)
        {
            w[j + 1] = weights[j];
        }

        var residual = KktResidual(columns, y, w, c, nonNegative);
        return new LogisticFit(w[0], w[1..], residual <= KktTolerance, residual);
    }

    /// <summary>
    /// Fits with every coefficient held ≥ 0 (a negative sign on a WoE column means collinearity and points running
    /// against the bad rate) and reports the columns the constraint held at zero: they add nothing to the model.
    /// </summary>
    public static NonNegativeFit FitNonNegative(IReadOnlyList<double[]> columns, IReadOnlyList<int> labels, double c = 1.0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var fit = Fit(columns, labels, c, nonNegative: true);
        var kept = new List<int>();
        var dropped = new List<int>();
        for (var j = 0; j < fit.Coefficients.Count; j++)
        {
            (fit.Coefficients[j] > ZeroCoefficient ? kept : dropped).Add(j);
        }

        // A column held at zero carries no weight, so the kept columns' coefficients are already optimal without it.
        var reduced = fit with { Coefficients = [.. kept.Select(j => fit.Coefficients[j])] };
        return new NonNegativeFit(reduced, kept, dropped);
    }

    /// <summary>
    /// Largest violation of the optimality conditions of the penalised objective, divided by n: |∂/∂b0|, |∂/∂b_j| for a
    /// free coefficient and max(0, −∂/∂b_j) for one held at zero. Computed in double precision.
    /// </summary>
    private static double KktResidual(IReadOnlyList<double[]> columns, int[] y, double[] w, double c, bool nonNegative)
    {
        var d = w.Length;
        var g = new double[d];
        for (var i = 0; i < y.Length; i++)
        {
            var eta = w[0];
            for (var j = 1; j < d; j++)
            {
                eta += w[j] * columns[j - 1][i];
            }

            var r = (1 / (1 + Math.Exp(-eta))) - y[i];
            g[0] += r;
            for (var j = 1; j < d; j++)
            {
                g[j] += r * columns[j - 1][i];
            }
        }

        var worst = Math.Abs(g[0]);
        for (var j = 1; j < d; j++)
        {
            var gj = g[j] + (w[j] / c);
            var violation = nonNegative && w[j] <= ZeroCoefficient ? Math.Max(0, -gj) : Math.Abs(gj);
            worst = Math.Max(worst, violation);
        }

        return y.Length == 0 ? 0 : worst / y.Length;
    }
}
