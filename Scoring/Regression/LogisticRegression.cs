using MathNet.Numerics.LinearAlgebra;

namespace Points.Scoring.Regression;

/// <summary>Result of a logistic regression fit.</summary>
/// <param name="Intercept">b0 (unpenalised).</param>
/// <param name="Coefficients">b_j, one per column.</param>
/// <param name="Iterations">Newton steps taken.</param>
/// <param name="Converged">True when the last step was below the tolerance.</param>
public sealed record LogisticFit(double Intercept, IReadOnlyList<double> Coefficients, int Iterations, bool Converged);

/// <summary>Result of the non-negative refit loop.</summary>
/// <param name="Fit">Fit over the kept columns.</param>
/// <param name="Kept">Indices (into the input columns) of the kept columns, in input order.</param>
/// <param name="Dropped">Indices dropped for a negative coefficient, in drop order, with the coefficient that caused it.</param>
public sealed record NonNegativeFit(LogisticFit Fit, IReadOnlyList<int> Kept, IReadOnlyList<(int Column, double Coefficient)> Dropped);

/// <summary>
/// L2-regularised logistic regression by Newton's method (IRLS): g = Xᵀ(p − y) + w/C,
/// H = XᵀWX + I/C (intercept unpenalised), w ← w − H⁻¹g solved with MathNet's dense Cholesky.
/// Row sums run over a fixed number of chunks added in a fixed order, so results are identical on any
/// number of cores.
/// </summary>
public static class LogisticRegression
{
    private const int Chunks = 8;

    /// <summary>Fits P(y = 1) = 1/(1 + exp(−(b0 + Σ b_j x_j))).</summary>
    /// <param name="columns">Feature columns, each of length n.</param>
    /// <param name="labels">0/1 labels.</param>
    /// <param name="c">Inverse regularisation strength C (penalty w²/(2C)); use a large value for an unpenalised fit.</param>
    /// <param name="maxIterations">Newton step limit.</param>
    /// <param name="tolerance">Stop when the largest step is below this.</param>
    public static LogisticFit Fit(IReadOnlyList<double[]> columns, IReadOnlyList<int> labels, double c = 1.0,
        int maxIterations = 100, double tolerance = 1e-9)
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

        var d = columns.Count + 1;
        var w = new double[d];
        var objective = Objective(columns, y, w, c);
        var iterations = 0;
        var converged = false;
        while (iterations < maxIterations)
        {
            iterations++;
            var (grad, hess) = GradientAndHessian(columns, y, w, c);
            var h = Matrix<double>.Build.DenseOfArray(hess);
            var gv = Vector<double>.Build.DenseOfArray(grad);
            Vector<double> step;
            try
            {
                step = h.Cholesky().Solve(gv);
            }
            catch (ArgumentException)
            {
                step = h.QR().Solve(gv);
            }

            // Backtracking keeps Newton monotone on nearly separable data.
            var t = 1.0;
            var candidate = new double[d];
            double next;
            while (true)
            {
                for (var j = 0; j < d; j++)
                {
                    candidate[j] = w[j] - (t * step[j]);
                }

                next = Objective(columns, y, candidate, c);
                if (next <= objective + 1e-12 || t < 1e-6)
                {
                    break;
                }

                t /= 2;
            }

            var maxStep = 0.0;
            for (var j = 0; j < d; j++)
            {
                maxStep = Math.Max(maxStep, Math.Abs(candidate[j] - w[j]));
            }

            Array.Copy(candidate, w, d);
            objective = next;
            if (maxStep < tolerance)
            {
                converged = true;
                break;
            }
        }

        return new LogisticFit(w[0], w[1..], iterations, converged);
    }

    /// <summary>
    /// Fits, and while any coefficient is negative drops the column with the most negative one and refits
    /// (a negative sign on a WoE column means collinearity and points running against the bad rate).
    /// </summary>
    public static NonNegativeFit FitNonNegative(IReadOnlyList<double[]> columns, IReadOnlyList<int> labels, double c = 1.0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var kept = Enumerable.Range(0, columns.Count).ToList();
        var dropped = new List<(int, double)>();
        while (true)
        {
            var fit = Fit(kept.Select(i => columns[i]).ToList(), labels, c);
            var worst = -1;
            for (var j = 0; j < fit.Coefficients.Count; j++)
            {
                if (fit.Coefficients[j] < 0 && (worst < 0 || fit.Coefficients[j] < fit.Coefficients[worst]))
                {
                    worst = j;
                }
            }

            if (worst < 0)
            {
                return new NonNegativeFit(fit, kept, dropped);
            }

            dropped.Add((kept[worst], fit.Coefficients[worst]));
            kept.RemoveAt(worst);
        }
    }

    private static double Objective(IReadOnlyList<double[]> columns, int[] y, double[] w, double c)
    {
        var partial = new double[Chunks];
        var n = y.Length;
        Parallel.For(0, Chunks, k =>
        {
            var (from, to) = Range(k, n);
            var sum = 0.0;
            for (var i = from; i < to; i++)
            {
                var eta = w[0];
                for (var j = 0; j < columns.Count; j++)
                {
                    eta += w[j + 1] * columns[j][i];
                }

                // −log-likelihood, stable: log(1 + e^eta) − y·eta.
                sum += (eta > 0 ? eta + Math.Log(1 + Math.Exp(-eta)) : Math.Log(1 + Math.Exp(eta))) - (y[i] * eta);
            }

            partial[k] = sum;
        });
        var total = 0.0;
        for (var k = 0; k < Chunks; k++)
        {
            total += partial[k];
        }

        for (var j = 1; j < w.Length; j++)
        {
            total += w[j] * w[j] / (2 * c);
        }

        return total;
    }

    private static (int From, int To) Range(int chunk, int n) => ((int)((long)chunk * n / Chunks), (int)((long)(chunk + 1) * n / Chunks));

    private static (double[] Grad, double[,] Hess) GradientAndHessian(IReadOnlyList<double[]> columns, int[] y, double[] w, double c)
    {
        var d = w.Length;
        var n = y.Length;
        var grads = new double[Chunks][];
        var hessians = new double[Chunks][];
        Parallel.For(0, Chunks, k =>
        {
            var (from, to) = Range(k, n);
            var g = new double[d];
            var h = new double[d * d];
            var x = new double[d];
            x[0] = 1;
            for (var i = from; i < to; i++)
            {
                var eta = w[0];
                for (var j = 1; j < d; j++)
                {
                    x[j] = columns[j - 1][i];
                    eta += w[j] * x[j];
                }

                var p = 1 / (1 + Math.Exp(-eta));
                var r = p - y[i];
                var wt = p * (1 - p);
                for (var a = 0; a < d; a++)
                {
                    var xa = x[a];
                    g[a] += xa * r;
                    var wxa = wt * xa;
                    var row = a * d;
                    for (var b = a; b < d; b++)
                    {
                        h[row + b] += wxa * x[b];
                    }
                }
            }

            grads[k] = g;
            hessians[k] = h;
        });

        var grad = new double[d];
        var hess = new double[d, d];
        for (var k = 0; k < Chunks; k++)
        {
            for (var a = 0; a < d; a++)
            {
                grad[a] += grads[k][a];
                for (var b = a; b < d; b++)
                {
                    hess[a, b] += hessians[k][(a * d) + b];
                }
            }
        }

        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b < a; b++)
            {
                hess[a, b] = hess[b, a];
            }
        }

        for (var j = 1; j < d; j++)
        {
            grad[j] += w[j] / c;
            hess[j, j] += 1 / c;
        }

        return (grad, hess);
    }
}
