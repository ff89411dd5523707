namespace Points.Scoring.Tests;

internal static class TestData
{
    /// <summary>One numeric feature whose bad rate rises with the value, plus optional missing/special rows.</summary>
    public static DataTable Rising(int rows, long seed, double missingShare = 0, double specialShare = 0, double missingBadRate = 0.5)
    {
        var rng = new SeededRandom(seed);
        var x = new double[rows];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var u = rng.NextDouble();
            if (u < missingShare)
            {
                x[i] = double.NaN;
                y[i] = rng.NextDouble() < missingBadRate ? 1 : 0;
            }
            else if (u < missingShare + specialShare)
            {
                x[i] = -1;
                y[i] = rng.NextDouble() < 0.02 ? 1 : 0;
            }
            else
            {
                x[i] = Math.Round(rng.NextDouble() * 100, 1);
                y[i] = rng.NextDouble() < 0.02 + (0.004 * x[i]) ? 1 : 0;
            }
        }

        return new DataTable([DataColumn.Numeric("x", x)], y, "bad");
    }
}
