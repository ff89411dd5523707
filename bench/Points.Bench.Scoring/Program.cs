using System.Diagnostics;
using System.Globalization;
using Points.Scoring;
using Points.Scoring.Cli;
using Points.Scoring.Synthetic;

// Usage: bench [rows] [repeats] | bench cli <verb> ...  (the second form runs the scoring CLI, handy for demos).
if (args.Length > 0 && args[0] == "cli")
{
    return ScoringCli.Run(args[1..], Console.Out, Console.Error);
}

var inv = CultureInfo.InvariantCulture;
var rows = args.Length > 0 ? int.Parse(args[0], inv) : 1_000_000;
var repeats = args.Length > 1 ? int.Parse(args[1], inv) : 3;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

var sw = Stopwatch.StartNew();
var population = PopulationGenerator.Generate(rows, seed: 42, noiseFeatures: 6);
Console.WriteLine($"generate: {rows:N0} rows x {population.Table.Columns.Count} features in {sw.Elapsed.TotalSeconds:F2} s");

var options = new ScorecardOptions { FeatureMetadata = BehaviourFeatures.Metadata, ModelVersion = "bench-1" };
var trainTimes = new List<double>();
var trainCpu = new List<double>();
Scorecard? card = null;
for (var r = 0; r < repeats; r++)
{
    // CPU seconds beside wall seconds: on a shared host the wall time moves with the neighbours' load, the
    // process's own CPU time much less (and divided by the cores it is the wall time of a quiet machine).
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    sw.Restart();
    card = Scorecard.Fit(population.Table, options);
    trainTimes.Add(sw.Elapsed.TotalSeconds);
    trainCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
    Console.WriteLine($"train run {r + 1}: {trainTimes[^1]:F2} s wall, {trainCpu[^1]:F2} s CPU");
}

var report = card!.Model.Report!;
Console.WriteLine($"train median: {Median(trainTimes):F2} s wall, {Median(trainCpu):F2} s CPU; features kept {card.Model.Features.Count}; auc_train {report.AucTrainRounded:F4}");

// Single-row scoring through the public API (FeatureRow -> ScoreResult with reason codes).
var sample = Enumerable.Range(0, 10_000).Select(i => population.Table.Row(i * (rows / 10_000))).ToArray();
var rowRates = new List<double>();
for (var r = 0; r < 5; r++)
{
    sw.Restart();
    var n = 0;
    while (sw.Elapsed.TotalSeconds < 1)
    {
        foreach (var row in sample)
        {
            _ = card.Score(row);
        }

        n += sample.Length;
    }

    rowRates.Add(n / sw.Elapsed.TotalSeconds);
}

Console.WriteLine($"score(FeatureRow) single thread: median {Median(rowRates):N0} rows/s ({1e6 / Median(rowRates):F2} us/row)");

// Column-wise batch scoring of the whole table.
var batchTimes = new List<double>();
for (var r = 0; r < repeats; r++)
{
    sw.Restart();
    _ = card.Scores(population.Table);
    batchTimes.Add(sw.Elapsed.TotalSeconds);
}

Console.WriteLine($"score batch (Scores(table)): median {rows / Median(batchTimes):N0} rows/s");
return 0;

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
}
