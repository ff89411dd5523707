namespace Points.Scoring;

/// <summary>Whether a column holds numbers or category labels.</summary>
public enum ColumnKind
{
    /// <summary>Numbers; missing is <see cref="double.NaN"/>.</summary>
    Numeric,

    /// <summary>Category labels; missing is <c>null</c>.</summary>
    Categorical,
}

/// <summary>One column of a <see cref="DataTable"/>: either numeric (NaN = missing) or categorical (null = missing).</summary>
public sealed class DataColumn
{
    private DataColumn(string name, ColumnKind kind, double[]? numbers, string?[]? texts)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ScoringDataException("Column name must not be empty.");
        }

        Name = name;
        Kind = kind;
        Numbers = numbers;
        Texts = texts;
        Length = numbers?.Length ?? texts!.Length;
    }

    /// <summary>Column name as in the CSV header.</summary>
    public string Name { get; }

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Values of a numeric column (NaN = missing); null for categorical columns.</summary>
    public double[]? Numbers { get; }

    /// <summary>Values of a categorical column (null = missing); null for numeric columns.</summary>
    public string?[]? Texts { get; }

    /// <summary>Number of rows.</summary>
    public int Length { get; }

    /// <summary>Creates a numeric column (the array is used as is, not copied).</summary>
    public static DataColumn Numeric(string name, double[] values) =>
        new(name, ColumnKind.Numeric, values ?? throw new ArgumentNullException(nameof(values)), null);

    /// <summary>Creates a categorical column (the array is used as is, not copied).</summary>
    public static DataColumn Categorical(string name, string?[] values) =>
        new(name, ColumnKind.Categorical, null, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>True when the value at <paramref name="row"/> is missing.</summary>
    public bool IsMissing(int row) => Kind == ColumnKind.Numeric ? double.IsNaN(Numbers![row]) : Texts![row] is null;

    /// <summary>Copies the given rows into a new column.</summary>
    public DataColumn Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Kind == ColumnKind.Numeric)
        {
            var src = Numbers!;
            var dst = new double[rows.Count];
            for (var i = 0; i < dst.Length; i++)
            {
                dst[i] = src[rows[i]];
            }

            return Numeric(Name, dst);
        }

        var t = Texts!;
        var d = new string?[rows.Count];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = t[rows[i]];
        }

        return Categorical(Name, d);
    }
}
