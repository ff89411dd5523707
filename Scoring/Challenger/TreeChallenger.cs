using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Points.Scoring.Challenger;

/// <summary>Settings of the challenger model.</summary>
public sealed record ChallengerOptions
{
    /// <summary>Boosted trees.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>Fewest training rows in a leaf.</summary>
    public int MinimumRowsPerLeaf { get; init; } = 20;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Most frequent levels of a text column that get their own indicator; the rest share one.</summary>
    public int MaxLevels { get; init; } = 32;
}

/// <summary>
/// A black-box challenger: ML.NET FastTree (boosted trees) on the raw columns, so admins can see what a model
/// that cannot be explained bin by bin would add. It is only ever cross-validated and reported beside the
/// scorecard; it never scores a resident and is never stored. Numeric columns go in as they are (a missing
/// value becomes a value below every observed one, which a tree can split off); each text column becomes one
/// indicator per frequent training level. One thread and a fixed seed: the same result on any machine.
/// </summary>
public sealed class TreeChallenger
{
    /// <summary>Method name in reports and model cards.</summary>
    public const string Method = "ml.net-fasttree";

    private const float Missing = -3.0e38f;

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly Encoder _encoder;

    private sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private TreeChallenger(MLContext ml, ITransformer model, Encoder encoder)
    {
        _ml = ml;
        _model = model;
        _encoder = encoder;
    }

    /// <summary>Fits the challenger on every column of a labelled table except <see cref="ScorecardOptions.IgnoreColumns"/>.</summary>
    /// <exception cref="ScoringDataException">No labels, one class only, a prohibited column or no column left.</exception>
    public static TreeChallenger Fit(DataTable table, IReadOnlyCollection<string>? ignoreColumns = null, ChallengerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new ChallengerOptions();
        if (!table.HasLabels)
        {
            throw new ScoringDataException("Fitting needs a label column (1 = bad, 0 = good).");
        }

        var ignore = ignoreColumns ?? [];
        ProhibitedFeatures.EnsureAllowed(table, ignore);
        var y = table.LabelArray;
        var bads = y.Count(v => v == 1);
        if (bads == 0 || bads == y.Length)
        {
            throw new ScoringDataException($"Fitting needs both classes; the data has {bads} bads and {y.Length - bads} goods.");
        }

        var encoder = Encoder.Fit(table.Columns.Where(c => !ignore.Contains(c.Name)), options.MaxLevels);
        if (encoder.Width == 0)
        {
            throw new ScoringDataException("The challenger has no column to use.");
        }

        var ml = new MLContext(seed: 0);
        var data = encoder.ToDataView(ml, table, y);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumRowsPerLeaf,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1,
            Seed = 0,
        });
        return new TreeChallenger(ml, trainer.Fit(data), encoder);
    }

    /// <summary>Risk scores (higher = riskier) of every row of a table with the training columns.</summary>
    public double[] RiskScores(DataTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var scored = _model.Transform(_encoder.ToDataView(_ml, table, null));
        return [.. scored.GetColumn<float>(nameof(Prediction.Score)).Select(s => (double)s)];
    }

    /// <summary>Turns columns into one fixed-width float vector, learned on the training table.</summary>
    private sealed class Encoder
    {
        private readonly List<(DataColumn Template, string[]? Levels)> _columns;

        private Encoder(List<(DataColumn, string[]?)> columns)
        {
            _columns = columns;
            Width = columns.Sum(c => c.Item2 is null ? 1 : c.Item2.Length + 1);
        }

        public int Width { get; }

        public static Encoder Fit(IEnumerable<DataColumn> columns, int maxLevels)
        {
            var result = new List<(DataColumn, string[]?)>();
            foreach (var c in columns)
            {
                if (c.Kind == ColumnKind.Numeric)
                {
                    result.Add((c, null));
                    continue;
                }

                var levels = c.Texts!.Where(t => t is not null)
                    .GroupBy(t => t!, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Take(maxLevels).Select(g => g.Key).ToArray();
                result.Add((c, levels));
            }

            return new Encoder(result);
        }

        public IDataView ToDataView(MLContext ml, DataTable table, int[]? labels)
        {
            var n = table.RowCount;
            var rows = new Row[n];
            for (var i = 0; i < n; i++)
            {
                rows[i] = new Row { Label = labels is not null && labels[i] == 1, Features = new float[Width] };
            }

            var offset = 0;
            foreach (var (template, levels) in _columns)
            {
                var column = table.Find(template.Name) ?? throw new ScoringDataException($"Column '{template.Name}' not found.");
                if (levels is null)
                {
                    var values = column.Numbers ?? throw new ScoringDataException($"Column '{template.Name}' is not numeric.");
                    for (var i = 0; i < n; i++)
                    {
                        rows[i].Features[offset] = double.IsNaN(values[i]) ? Missing : (float)values[i];
                    }

                    offset++;
                    continue;
                }

                var texts = column.Texts ?? throw new ScoringDataException($"Column '{template.Name}' is not text.");
                var index = levels.Select((l, k) => (l, k)).ToDictionary(x => x.l, x => x.k, StringComparer.Ordinal);
                for (var i = 0; i < n; i++)
                {
                    // Unseen or rare levels and missing values share the last indicator.
                    var k = texts[i] is { } t && index.TryGetValue(t, out var found) ? found : levels.Length;
                    rows[i].Features[offset + k] = 1;
                }

                offset += levels.Length + 1;
            }

            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
            return ml.Data.LoadFromEnumerable(rows, schema);
        }
    }
}
