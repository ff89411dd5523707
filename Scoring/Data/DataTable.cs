using System.Globalization;

namespace Points.Scoring;

/// <summary>
/// A small in-memory, column-oriented table of features plus an optional 0/1 label (1 = bad).
/// </summary>
public sealed class DataTable
{
    private readonly Dictionary<string, DataColumn> _byName;
    private readonly int[]? _labels;

    /// <summary>Creates a table; all columns must have the same length, labels (if given) must be 0 or 1.</summary>
    /// <param name="columns">Feature columns (the label is not one of them).</param>
    /// <param name="labels">0/1 labels, 1 = bad; null for unlabelled data.</param>
    /// <param name="labelName">Name of the label column, used when writing CSV.</param>
    public DataTable(IEnumerable<DataColumn> columns, int[]? labels, string labelName = "label")
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = [.. columns];
        _byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        var rowCount = labels?.Length ?? (Columns.Count > 0 ? Columns[0].Length : 0);
        foreach (var c in Columns)
        {
            if (!_byName.TryAdd(c.Name, c))
            {
                throw new ScoringDataException($"Duplicate column '{c.Name}'.");
            }

            if (c.Length != rowCount)
            {
                throw new ScoringDataException($"Column '{c.Name}' has {c.Length} rows, expected {rowCount}.");
            }
        }

        if (labels is not null)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] is not (0 or 1))
                {
                    throw new ScoringDataException($"Label at row {i} is {labels[i]}; labels must be 0 (good) or 1 (bad).");
                }
            }
        }

        _labels = labels;
        LabelName = labelName;
        RowCount = rowCount;
    }

    /// <summary>Feature columns in file order.</summary>
    public IReadOnlyList<DataColumn> Columns { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Name of the label column.</summary>
    public string LabelName { get; }

    /// <summary>True when the table carries labels.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>The 0/1 labels (1 = bad).</summary>
    /// <exception cref="ScoringDataException">The table has no labels.</exception>
    public IReadOnlyList<int> Labels => LabelArray;

    internal int[] LabelArray => _labels ?? throw new ScoringDataException("The table has no label column.");

    /// <summary>The column with this name.</summary>
    /// <exception cref="ScoringDataException">No such column.</exception>
    public DataColumn this[string name] =>
        _byName.TryGetValue(name, out var c) ? c : throw new ScoringDataException($"Column '{name}' not found.");

    /// <summary>The column with this name, or null.</summary>
    public DataColumn? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Copies the given rows into a new table (used for cross-validation folds).</summary>
    public DataTable Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int[]? labels = null;
        if (_labels is not null)
        {
            labels = new int[rows.Count];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = _labels[rows[i]];
            }
        }

        return new DataTable(Columns.Select(c => c.Take(rows)), labels, LabelName);
    }

    /// <summary>Row <paramref name="index"/> as a <see cref="FeatureRow"/> for <see cref="Scorecard.Score(FeatureRow)"/>.</summary>
    public FeatureRow Row(int index)
    {
        var row = new FeatureRow();
        foreach (var c in Columns)
        {
            if (c.Kind == ColumnKind.Numeric)
            {
                row.Set(c.Name, c.Numbers![index]);
            }
            else
            {
                row.Set(c.Name, c.Texts![index]);
            }
        }

        return row;
    }

    /// <summary>Reads a CSV file (RFC 4180, UTF-8) with a header row; see <see cref="CsvTableReader"/>.</summary>
    public static DataTable LoadCsv(string path, string? labelColumn)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return CsvTableReader.Read(reader, labelColumn);
    }

    /// <summary>Writes the table as CSV (header, label last, invariant culture, missing as empty).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var header = Columns.Select(c => CsvTableReader.Quote(c.Name)).ToList();
        if (_labels is not null)
        {
            header.Add(CsvTableReader.Quote(LabelName));
        }

        writer.Write(string.Join(',', header));
        writer.Write('\n');
        var fields = new string[header.Count];
        for (var r = 0; r < RowCount; r++)
        {
            for (var c = 0; c < Columns.Count; c++)
            {
                var col = Columns[c];
                if (col.Kind == ColumnKind.Numeric)
                {
                    var v = col.Numbers![r];
                    fields[c] = double.IsNaN(v) ? string.Empty : v.ToString("R", CultureInfo.InvariantCulture);
                }
                else
                {
                    fields[c] = col.Texts![r] is { } s ? CsvTableReader.Quote(s) : string.Empty;
                }
            }

            if (_labels is not null)
            {
                fields[^1] = _labels[r] == 1 ? "1" : "0";
            }

            writer.Write(string.Join(',', fields));
            writer.Write('\n');
        }
    }
}
