using System.Globalization;
using Points.Scoring.Challenger;
using Points.Scoring.Metrics;
using Points.Scoring.Synthetic;

namespace Points.Scoring.Cli;

/// <summary>
/// Command line for the scoring library, called by the Api as <c>dotnet run --project Api -- scoring &lt;verb&gt; ...</c>
/// (the leading "scoring" is not passed). Verbs: train, evaluate, explain, generate. Bad arguments print a
/// message on stderr and return 2; a failure while running returns 1; success returns 0.
/// </summary>
public static class ScoringCli
{
    private const string Usage = """
        usage: scoring <verb> [options]
          train    --data FILE --label COLUMN --out model.json [--seed N] [--pdo 50 --base-score 650 --base-odds 20]
                   [--c 1] [--model-version V] [--ignore col1,col2] [--behaviour-metadata] [--no-challenger]
          evaluate --data FILE --label COLUMN [--folds 5] [--repeats 5] [--seed 0] [--c 1] [--ignore col1,col2] [--no-challenger]
          explain  --model model.json
          generate --rows N --seed S --out FILE [--noise K]
        """;

    private const int ComparisonFolds = 5;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Runs a verb; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                throw new UsageException("missing verb");
            }

            var options = Parse(args.AsSpan(1));
            switch (args[0])
            {
                case "train":
                    Train(options, stdout);
                    break;
                case "evaluate":
                    Evaluate(options, stdout);
                    break;
                case "explain":
                    Explain(options, stdout);
                    break;
                case "generate":
                    Generate(options, stdout);
                    break;
                default:
                    throw new UsageException($"unknown verb '{args[0]}'");
            }

            return 0;
        }
        catch (UsageException e)
        {
            stderr.WriteLine("error: " + e.Message);
            stderr.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is ScoringDataException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine("error: " + e.GetType().Name + ": " + e.Message);
            return 1;
        }
    }

    private static Dictionary<string, string> Parse(ReadOnlySpan<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                throw new UsageException($"unexpected argument '{a}'");
            }

            var key = a[2..];
            if (key is "behaviour-metadata" or "no-challenger")
            {
                result[key] = "true";
                continue;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"option --{key} needs a value");
            }

            if (!result.TryAdd(key, args[++i]))
            {
                throw new UsageException($"option --{key} given twice");
            }
        }

        return result;
    }

    private static void Allow(Dictionary<string, string> o, params string[] allowed)
    {
        foreach (var k in o.Keys)
        {
            if (!allowed.Contains(k))
            {
                throw new UsageException($"unknown option --{k}");
            }
        }
    }

    private static string Required(Dictionary<string, string> o, string key) =>
        o.TryGetValue(key, out var v) ? v : throw new UsageException($"missing --{key}");

    private static double Number(Dictionary<string, string> o, string key, double fallback)
    {
        if (!o.TryGetValue(key, out var s))
        {
            return fallback;
        }

        return double.TryParse(s, NumberStyles.Float, Inv, out var v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"--{key} must be a number, got '{s}'");
    }

    private static int Integer(Dictionary<string, string> o, string key, int fallback, int min)
    {
        if (!o.TryGetValue(key, out var s))
        {
            return fallback;
        }

        return int.TryParse(s, NumberStyles.Integer, Inv, out var v) && v >= min
            ? v
            : throw new UsageException($"--{key} must be an integer >= {min}, got '{s}'");
    }

    private static DataTable Load(Dictionary<string, string> o)
    {
        var path = Required(o, "data");
        if (!File.Exists(path))
        {
            throw new UsageException($"data file '{path}' not found");
        }

        return DataTable.LoadCsv(path, Required(o, "label"));
    }

    private static ScorecardOptions Options(Dictionary<string, string> o)
    {
        var c = Number(o, "c", 1);
        if (c <= 0)
        {
            throw new UsageException("--c must be positive");
        }

        var scaling = new ScalingParameters
        {
            Pdo = Number(o, "pdo", ScalingParameters.DefaultPdo),
            BaseScore = Number(o, "base-score", ScalingParameters.DefaultBaseScore),
            BaseOdds = Number(o, "base-odds", ScalingParameters.DefaultBaseOdds),
        };
        if (scaling.Pdo <= 0 || scaling.BaseOdds <= 0)
        {
            throw new UsageException("--pdo and --base-odds must be positive");
        }

        return new ScorecardOptions
        {
            C = c,
            Scaling = scaling,
            ModelVersion = o.GetValueOrDefault("model-version") ?? "trained-1",
            IgnoreColumns = o.TryGetValue("ignore", out var ig) ? ig.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            FeatureMetadata = o.ContainsKey("behaviour-metadata") ? BehaviourFeatures.Metadata : null,
        };
    }

    private static void Train(Dictionary<string, string> o, TextWriter stdout)
    {
        Allow(o, "data", "label", "out", "seed", "pdo", "base-score", "base-odds", "c", "model-version", "ignore", "behaviour-metadata", "no-challenger");
        var output = Required(o, "out");
        // Fitting is deterministic; the seed draws the folds of the side-by-side comparison with the challenger.
        var seed = Integer(o, "seed", 0, int.MinValue);
        var options = Options(o);
        var table = Load(o);
        var card = Scorecard.Fit(table, options);
        var report = card.Model.Report!;
        stdout.WriteLine(string.Create(Inv, $"model {card.ModelVersion}: {report.Rows} rows, {report.Bads} bads ({report.BadRate:P2}), C={report.C}, {report.Solver ?? "irls"}{(report.Converged ? "" : " (not converged)")}"));
        stdout.WriteLine("features:");
        foreach (var f in report.Features.OrderByDescending(f => f.Kept).ThenByDescending(f => f.InformationValue ?? -1))
        {
            var iv = f.InformationValue is double v ? v.ToString("F4", Inv) : "-";
            var status = f.Kept ? string.Create(Inv, $"kept  coef={f.Coefficient:F4}") : "dropped: " + f.DropReason;
            var flag = f.Suspicious ? "  [suspicious IV > 0.5: check for leakage]" : "";
            stdout.WriteLine(string.Create(Inv, $"  {f.Name,-28} IV={iv,-8} {f.Strength?.ToString() ?? "-",-10} {status}{flag}"));
        }

        stdout.WriteLine(string.Create(Inv, $"intercept={card.Model.Intercept:F4}"));
        stdout.WriteLine(string.Create(Inv, $"auc_train={report.AucTrain:F4} auc_train_rounded={report.AucTrainRounded:F4} ks_train={report.KsTrain:F4}"));
        foreach (var w in report.Warnings)
        {
            stdout.WriteLine("warning: " + w);
        }

        if (!o.ContainsKey("no-challenger"))
        {
            // Same seeded, stratified folds for both; the challenger is only compared, never saved.
            var cv = CrossValidation.Run(table, options, ComparisonFolds, 1, seed, challenger: new ChallengerOptions());
            stdout.WriteLine(string.Create(Inv, $"cv{ComparisonFolds} seed={seed}: scorecard auc={cv.AucMean:F4} ks={cv.KsMean:F4}; challenger {cv.Challenger!.Method} auc={cv.Challenger.AucMean:F4} ks={cv.Challenger.KsMean:F4} (never scores a resident)"));
        }

        card.Save(output);
        stdout.WriteLine("wrote " + output);
    }

    private static void Evaluate(Dictionary<string, string> o, TextWriter stdout)
    {
        Allow(o, "data", "label", "folds", "repeats", "seed", "c", "ignore", "pdo", "base-score", "base-odds", "behaviour-metadata", "model-version", "no-challenger");
        var folds = Integer(o, "folds", 5, 2);
        var repeats = Integer(o, "repeats", 5, 1);
        var seed = Integer(o, "seed", 0, int.MinValue);
        var options = Options(o);
        var table = Load(o);
        var challenger = o.ContainsKey("no-challenger") ? null : new ChallengerOptions();
        var result = CrossValidation.Run(table, options, folds, repeats, seed,
            f => stdout.WriteLine(string.Create(Inv, $"repeat={f.Repeat} fold={f.Fold} train={f.TrainRows} test={f.TestRows} auc={f.Auc:F4} ks={f.Ks:F4}")
                + (f.ChallengerAuc is { } ca ? string.Create(Inv, $" challenger_auc={ca:F4} challenger_ks={f.ChallengerKs:F4}") : "")),
            challenger);
        if (result.Challenger is { } c)
        {
            // The last line stays the scorecard's summary; the challenger's comes just before it.
            stdout.WriteLine(string.Create(Inv, $"challenger={c.Method} auc={c.AucMean:F4} auc_sd={c.AucSd:F4} ks={c.KsMean:F4} ks_sd={c.KsSd:F4} (never scores a resident)"));
        }

        stdout.WriteLine(string.Create(Inv, $"auc={result.AucMean:F4} auc_sd={result.AucSd:F4} ks={result.KsMean:F4} ks_sd={result.KsSd:F4}"));
    }

    private static void Explain(Dictionary<string, string> o, TextWriter stdout)
    {
        Allow(o, "model");
        var path = Required(o, "model");
        if (!File.Exists(path))
        {
            throw new UsageException($"model file '{path}' not found");
        }

        var card = Scorecard.Load(path);
        var m = card.Model;
        stdout.WriteLine(string.Create(Inv, $"model {m.ModelVersion} ({m.Method}), schema {m.SchemaVersion}; PDO {m.Scaling.Pdo}, {m.Scaling.BaseScore} at {m.Scaling.BaseOdds}:1 (factor {m.Scaling.Factor:F4}, offset {m.Scaling.Offset:F3}); score clamped to {ScalingParameters.MinScore}-{ScalingParameters.MaxScore}"));
        stdout.WriteLine(string.Create(Inv, $"{"feature",-28} {"bin",-24} {"woe",9} {"points",6}"));
        foreach (var f in m.Features)
        {
            foreach (var b in f.Bins)
            {
                stdout.WriteLine(string.Create(Inv, $"{f.Name,-28} {b.Label,-24} {b.Woe,9:F4} {b.Points,6}"));
            }

            stdout.WriteLine(string.Create(Inv, $"{f.Name,-28} {"(no bin: neutral)",-24} {0.0,9:F4} {f.NeutralPoints,6}"));
        }
    }

    private static void Generate(Dictionary<string, string> o, TextWriter stdout)
    {
        Allow(o, "rows", "seed", "out", "noise");
        var rows = Integer(o, "rows", 0, 1);
        if (!o.ContainsKey("rows"))
        {
            throw new UsageException("missing --rows");
        }

        var seed = Integer(o, "seed", 0, int.MinValue);
        var noise = Integer(o, "noise", 0, 0);
        var output = Required(o, "out");
        var population = PopulationGenerator.Generate(rows, seed, noise);
        using (var writer = new StreamWriter(output, false, new System.Text.UTF8Encoding(false)))
        {
            population.Table.WriteCsv(writer);
        }

        var bads = population.Table.Labels.Count(v => v == 1);
        stdout.WriteLine(string.Create(Inv, $"wrote {rows} rows ({bads} bads, {(double)bads / rows:P2}) to {output}; label column '{PopulationGenerator.LabelColumn}'"));
    }
}
