namespace Points.Scoring.Binning;

/// <summary>
/// Fast value → bin index lookup for one <see cref="FeatureBinning"/>, shared by training and scoring so
/// both use exactly one bin table. Index −1 means "no bin": WoE 0 and neutral points (rare missing or special
/// value, unseen category level).
/// </summary>
public sealed class BinLookup
{
    private readonly double[] _cuts;
    private readonly int[] _rangeBins;
    private readonly Dictionary<string, int>? _levels;
    private readonly double[] _specialValues;
    private readonly int[] _specialBins;
    private readonly int _missingBin = -1;

    /// <summary>Builds the lookup for a fitted binning.</summary>
    public BinLookup(FeatureBinning binning)
        : this(binning?.Feature ?? throw new ArgumentNullException(nameof(binning)), binning.Kind, binning.Bins, binning.SpecialValues)
    {
    }

    /// <summary>Builds the lookup from bins as stored in a model.</summary>
    public BinLookup(string feature, ColumnKind kind, IReadOnlyList<BinModel> bins, IReadOnlyList<double> specialValues)
    {
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentNullException.ThrowIfNull(specialValues);
        var binning = new { Feature = feature, Bins = bins, Kind = kind };
        Kind = kind;
        var ranges = new List<int>();
        var cuts = new List<double>();
        _specialValues = [.. specialValues];
        _specialBins = new int[_specialValues.Length];
        Array.Fill(_specialBins, -1);
        if (kind == ColumnKind.Categorical)
        {
            _levels = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        for (var i = 0; i < binning.Bins.Count; i++)
        {
            var b = binning.Bins[i];
            switch (b.Kind)
            {
                case BinKind.Range:
                    if (ranges.Count > 0)
                    {
                        cuts.Add(b.Lower ?? throw new ScoringDataException($"Bin {i} of '{binning.Feature}' lacks a lower bound."));
                    }

                    ranges.Add(i);
                    break;
                case BinKind.Levels:
                    foreach (var level in b.Levels ?? [])
                    {
                        _levels![level] = i;
                    }

                    break;
                case BinKind.Missing:
                    _missingBin = i;
                    break;
                case BinKind.Special:
                    var at = Array.IndexOf(_specialValues, b.SpecialValue ?? double.NaN);
                    if (at < 0)
                    {
                        throw new ScoringDataException($"Special bin {i} of '{binning.Feature}' is not in SpecialValues.");
                    }

                    _specialBins[at] = i;
                    break;
                default:
                    throw new ScoringDataException($"Unknown bin kind in '{binning.Feature}'.");
            }
        }

        _cuts = [.. cuts];
        _rangeBins = [.. ranges];
    }

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Bin index of a numeric value (NaN = missing), −1 for neutral.</summary>
    public int Find(double value)
    {
        if (double.IsNaN(value))
        {
            return _missingBin;
        }

        for (var i = 0; i < _specialValues.Length; i++)
        {
            if (_specialValues[i] == value)
            {
                return _specialBins[i];
            }
        }

        if (_rangeBins.Length == 0)
        {
            return -1;
        }

        // Number of cuts <= value: bins are left-closed [c_j, c_j+1).
        int lo = 0, hi = _cuts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_cuts[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return _rangeBins[lo];
    }

    /// <summary>Bin index of a category level (null = missing), −1 for neutral (including unseen levels).</summary>
    public int Find(string? level)
    {
        if (level is null)
        {
            return _missingBin;
        }

        return _levels is not null && _levels.TryGetValue(level, out var i) ? i : -1;
    }

    /// <summary>Bin index of every row of a column.</summary>
    public int[] Assign(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var result = new int[column.Length];
        if (column.Kind != Kind)
        {
            // The CSV type detection can differ between files (a level column that happens to hold only digits).
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Kind == ColumnKind.Numeric
                    ? Find(double.TryParse(column.Texts![i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : double.NaN)
                    : Find(double.IsNaN(column.Numbers![i]) ? null : column.Numbers![i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        else if (column.Kind == ColumnKind.Numeric)
        {
            var v = column.Numbers!;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Find(v[i]);
            }
        }
        else
        {
            var t = column.Texts!;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Find(t[i]);
            }
        }

        return result;
    }
}
