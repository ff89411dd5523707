namespace Points.Scoring;

/// <summary>
/// One resident's (or applicant's) feature values, by feature name. Numeric features missing from the
/// row, or NaN, count as missing; so do null categorical values.
/// </summary>
public sealed class FeatureRow
{
    private readonly Dictionary<string, double> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _texts = new(StringComparer.Ordinal);

    /// <summary>Sets a numeric value (NaN = missing). Returns this row for chaining.</summary>
    public FeatureRow Set(string name, double value)
    {
        _numbers[name] = value;
        return this;
    }

    /// <summary>Sets a categorical value (null = missing). Returns this row for chaining.</summary>
    public FeatureRow Set(string name, string? value)
    {
        _texts[name] = value;
        return this;
    }

    /// <summary>Numeric value of a feature, NaN when absent or missing; text that parses as a number is accepted.</summary>
    public double GetNumber(string name)
    {
        if (_numbers.TryGetValue(name, out var v))
        {
            return v;
        }

        if (_texts.TryGetValue(name, out var s) && s is not null &&
            double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return double.NaN;
    }

    /// <summary>Categorical value of a feature, null when absent or missing; numbers are formatted invariantly.</summary>
    public string? GetText(string name)
    {
        if (_texts.TryGetValue(name, out var s))
        {
            return s;
        }

        return _numbers.TryGetValue(name, out var v) && !double.IsNaN(v)
            ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }
}
