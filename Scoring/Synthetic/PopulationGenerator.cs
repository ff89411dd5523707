using static Points.Scoring.Synthetic.BehaviourFeatures;

namespace Points.Scoring.Synthetic;

/// <summary>A generated population: the table (features + drawn 0/1 label) and each row's true p_bad.</summary>
/// <param name="Table">Features and label "bad".</param>
/// <param name="TrueProbabilities">The generator's p_bad per row, for checking what a model recovers.</param>
public sealed record GeneratedPopulation(DataTable Table, IReadOnlyList<double> TrueProbabilities);

/// <summary>
/// Seeded synthetic residents with a known logistic relationship between behaviour and default.
/// </summary>
/// <remarks>
/// Behaviour model: each resident has a latent reliability z ~ N(0, 1) that drives every count
/// (higher z: more attendance, volunteering, declarations, hazard reports and reading; fewer no-shows,
/// late cancels and negative records). Account age is uniform over 30–2430 days and scales yearly counts
/// for young accounts. Points earned are 10 per activity, 5 per volunteer hour, 20 per declaration, 15 per
/// hazard report and 2 per read, plus noise (so it correlates with attendance). No-show rate is missing when
/// there were no sign-ups; days since the last negative record is missing when there is none; volunteer
/// hours (3 %), learning reads (2 %) and 90-day attendance (1 %) are also missing completely at random.
/// The true log-odds of bad is <see cref="TrueLogOdds"/> of the (complete) observed behaviour, so the
/// label depends on z only through behaviour a scorecard can see.
/// </remarks>
public static class PopulationGenerator
{
    /// <summary>Name of the label column.</summary>
    public const string LabelColumn = "bad";

    /// <summary>Intercept of the true model, giving a bad rate of roughly 8 %.</summary>
    public const double TrueIntercept = -2.4;

    /// <summary>Generates <paramref name="rows"/> residents from <paramref name="seed"/>.</summary>
    /// <param name="rows">Number of residents.</param>
    /// <param name="seed">Random seed: same seed, same population.</param>
    /// <param name="noiseFeatures">Extra pure-noise columns noise1..noiseK (for benchmarks and screening tests).</param>
    public static GeneratedPopulation Generate(int rows, long seed, int noiseFeatures = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseFeatures);
        var rng = new SeededRandom(seed);
        var cols = new double[All.Count][];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = new double[rows];
        }

        var noise = new double[noiseFeatures][];
        for (var c = 0; c < noiseFeatures; c++)
        {
            noise[c] = new double[rows];
        }

        var labels = new int[rows];
        var truth = new double[rows];
        var values = new double[All.Count];
        for (var i = 0; i < rows; i++)
        {
            Resident(rng, values);
            var eta = TrueLogOdds(values);
            var p = 1 / (1 + Math.Exp(-eta));
            truth[i] = p;
            labels[i] = rng.NextDouble() < p ? 1 : 0;

            // Missing completely at random, after the truth was computed from the complete values.
            if (rng.NextDouble() < 0.03)
            {
                values[2] = double.NaN;
            }

            if (rng.NextDouble() < 0.02)
            {
                values[11] = double.NaN;
            }

            if (rng.NextDouble() < 0.01)
            {
                values[0] = double.NaN;
            }

            for (var c = 0; c < values.Length; c++)
            {
                cols[c][i] = values[c];
            }

            for (var c = 0; c < noiseFeatures; c++)
            {
                noise[c][i] = Math.Round(rng.NextGaussian() * 10, 2);
            }
        }

        var columns = All.Select((name, c) => DataColumn.Numeric(name, cols[c]))
            .Concat(noise.Select((v, c) => DataColumn.Numeric($"noise{c + 1}", v)));
        return new GeneratedPopulation(new DataTable(columns, labels, LabelColumn), truth);
    }

    private static void Resident(SeededRandom rng, double[] v)
    {
        var z = rng.NextGaussian();
        var accountAge = 30 + Math.Floor(rng.NextDouble() * 2400);
        var yearShare = Math.Min(1, accountAge / 365);
        var activityRate = Math.Exp((0.6 * z) + (0.4 * rng.NextGaussian()));
        var attended365 = rng.NextPoisson(6 * activityRate * yearShare);
        var attended90 = rng.NextPoisson(1.5 * activityRate * Math.Min(1, accountAge / 90) * (0.7 + (0.6 * rng.NextDouble())));
        var volunteer = rng.NextDouble() < 0.45 - (0.15 * z) ? 0 : Math.Round(Math.Exp(1.8 + (0.5 * z) + (0.6 * rng.NextGaussian())) * yearShare * 2) / 2;
        var noShows = rng.NextPoisson(Math.Exp(-0.3 - (0.7 * z)) * yearShare);
        var noShowRate = noShows + attended365 == 0 ? double.NaN : Math.Round((double)noShows / (noShows + attended365), 4);
        var lateCancels = rng.NextPoisson(Math.Exp(-1.2 - (0.5 * z)) * yearShare);
        var declarations = rng.NextPoisson(Math.Exp(0.2 + (0.3 * z)) * yearShare);
        var hazards = rng.NextPoisson(Math.Exp(-1.3 + (0.3 * z)) * yearShare);
        var negatives = rng.NextPoisson(Math.Exp(-2.0 - (0.6 * z)) * Math.Min(1, accountAge / 1825 * 2));
        var severity = negatives == 0 ? 0 : Math.Min(3, 1 + rng.NextPoisson(0.3 + (0.3 * (negatives - 1))));
        var daysSince = negatives == 0 ? double.NaN : 1 + Math.Floor(rng.NextDouble() * Math.Min(accountAge, 1825));
        var reads = rng.NextPoisson(Math.Exp(0.8 + (0.3 * z)));
        var points = (10 * attended365) + (5 * volunteer) + (20 * declarations) + (15 * hazards) + (2 * reads) + rng.NextPoisson(5);

        v[0] = attended90;
        v[1] = attended365;
        v[2] = volunteer;
        v[3] = noShowRate;
        v[4] = noShows;
        v[5] = lateCancels;
        v[6] = declarations;
        v[7] = hazards;
        v[8] = negatives;
        v[9] = severity;
        v[10] = daysSince;
        v[11] = reads;
        v[12] = accountAge;
        v[13] = points;
    }

    /// <summary>
    /// The true log-odds of bad from complete behaviour values in <see cref="BehaviourFeatures.All"/> order:
    /// −2.4 + 0.45·min(noShows, 6) + 1.2·noShowRate + 0.3·min(lateCancels, 5) + 0.55·min(negatives, 5)
    /// + 0.35·severity + 0.6·[last negative &lt; 365 days] − 0.10·min(attended365, 20) − 0.025·min(volunteerHours, 60)
    /// − 0.15·min(declarations, 5) − 0.06·min(reads90, 10) − 0.25·ln(1 + accountAgeDays/365).
    /// </summary>
    public static double TrueLogOdds(IReadOnlyList<double> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        static double Z(double x) => double.IsNaN(x) ? 0 : x;
        return TrueIntercept
            + (0.45 * Math.Min(v[4], 6))
            + (1.2 * Z(v[3]))
            + (0.30 * Math.Min(v[5], 5))
            + (0.55 * Math.Min(v[8], 5))
            + (0.35 * v[9])
            + (!double.IsNaN(v[10]) && v[10] < 365 ? 0.6 : 0)
            - (0.10 * Math.Min(v[1], 20))
            - (0.025 * Math.Min(Z(v[2]), 60))
            - (0.15 * Math.Min(v[6], 5))
            - (0.06 * Math.Min(Z(v[11]), 10))
            - (0.25 * Math.Log(1 + (v[12] / 365)));
    }
}
