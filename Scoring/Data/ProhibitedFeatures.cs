namespace Points.Scoring;

/// <summary>
/// Guard against features that must never be used to score people (PIPL Art. 24, Credit Reporting
/// Regulation Art. 14, and the product rule against sex, marital status, age, ethnicity, religion,
/// health and disability). Matching is by name fragment, case-insensitive, and deliberately broad.
/// </summary>
public static class ProhibitedFeatures
{
    /// <summary>Fragments matched anywhere in the name (long enough not to hit innocent words).</summary>
    public static IReadOnlyList<string> Substrings { get; } =
    [
        "gender", "birth", "marital", "marriage", "ethnic", "religio", "health", "disab", "medical", "fingerprint",
        "bloodtype", "性别", "年龄", "出生", "婚", "民族", "宗教", "健康", "残疾", "病", "血型", "基因", "指纹",
    ];

    /// <summary>
    /// Words matched as whole name tokens (camelCase, snake_case, kebab-case and digits split the name), so
    /// "userAge" and "SEX" are caught while "average" and "donation" are not.
    /// </summary>
    public static IReadOnlyList<string> Tokens { get; } =
    [
        "sex", "age", "aged", "ages", "dob", "male", "female", "race", "nation", "nationality", "blood",
        "gene", "genes", "genetic", "genome", "dna", "religion", "faith",
    ];

    /// <summary>Names that would match but are known to be harmless: accountAgeDays is the age of the account, not of the person.</summary>
    public static IReadOnlyList<string> Allowed { get; } = ["accountAgeDays"];

    /// <summary>True when the column name looks like a prohibited attribute.</summary>
    public static bool IsProhibited(string columnName)
    {
        ArgumentNullException.ThrowIfNull(columnName);
        if (Allowed.Contains(columnName, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var f in Substrings)
        {
            if (columnName.Contains(f, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var token in Tokenize(columnName))
        {
            if (Tokens.Contains(token, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Tokenize(string name)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= name.Length; i++)
        {
            var boundary = i == name.Length || !char.IsLetterOrDigit(name[i]);
            if (!boundary && start >= 0)
            {
                var prev = name[i - 1];
                var c = name[i];
                boundary = (char.IsLower(prev) && char.IsUpper(c)) || (char.IsDigit(prev) != char.IsDigit(c)) ||
                    (char.IsUpper(prev) && char.IsUpper(c) && i + 1 < name.Length && char.IsLower(name[i + 1]));
                if (boundary)
                {
                    tokens.Add(name[start..i]);
                    start = i;
                    continue;
                }
            }

            if (boundary)
            {
                if (start >= 0)
                {
                    tokens.Add(name[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        return tokens;
    }

    /// <summary>Throws when any of the names is prohibited.</summary>
    /// <exception cref="ScoringDataException">At least one name is prohibited.</exception>
    public static void EnsureAllowed(IEnumerable<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        var bad = columnNames.Where(IsProhibited).ToList();
        if (bad.Count > 0)
        {
            throw new ScoringDataException(
                $"Prohibited feature(s) {string.Join(", ", bad)}: sex, age, marital status, ethnicity, religion, health, disability, " +
                "genes, fingerprints and blood type must never be used to score people. Remove the column(s).");
        }
    }
}
