namespace Points.Scoring;

/// <summary>
/// Guard against features that must never be used to score people (PIPL Art. 24, Credit Reporting
/// Regulation Art. 14, and the product rule against sex, marital status, age, ethnicity, religion,
/// health and disability). Matching is by name fragment, case-insensitive, and deliberately broad.
/// </summary>
public static class ProhibitedFeatures
{
    /// <summary>Fragments matched anywhere in the name (long enough not to hit innocent words), pinyin included.</summary>
    public static IReadOnlyList<string> Substrings { get; } =
    [
        "gender", "birth", "marital", "marriage", "ethnic", "religio", "health", "disab", "medical", "fingerprint",
        "bloodtype", "pregnan",
        "xingbie", "nianling", "chusheng", "shengri", "hunyin", "minzu", "zongjiao", "xinyang", "jiankang", "canji",
        "jibing", "xuexing", "zhiwen", "shenfenzheng",
        "性别", "年龄", "出生", "生日", "婚", "民族", "宗教", "信仰", "健康", "残疾", "病", "血型", "基因", "指纹", "怀孕", "身份证",
    ];

    /// <summary>
    /// Words matched as whole name tokens (camelCase, snake_case, kebab-case and digits split the name), so
    /// "userAge" and "SEX" are caught while "average" and "donation" are not. Abbreviations too: dob, yob, gndr, sfz.
    /// </summary>
    public static IReadOnlyList<string> Tokens { get; } =
    [
        "sex", "age", "aged", "ages", "dob", "yob", "bday", "gndr", "male", "female", "race", "nation", "nationality",
        "blood", "gene", "genes", "genetic", "genome", "dna", "religion", "faith", "married", "marst", "spouse", "sfz",
        "xb", "nl", "hy", "mz", "zj",
    ];

    /// <summary>Names that would match but are known to be harmless: accountAgeDays is the age of the account, not of the person.</summary>
    public static IReadOnlyList<string> Allowed { get; } = ["accountAgeDays"];

    /// <summary>Words that, as a whole token of a category label, name a protected attribute ("female div/dep/mar", "Married").</summary>
    private static readonly Dictionary<string, string> ValueWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["male"] = "sex", ["female"] = "sex", ["man"] = "sex", ["woman"] = "sex", ["men"] = "sex", ["women"] = "sex",
        ["single"] = "marital status", ["married"] = "marital status", ["unmarried"] = "marital status", ["divorced"] = "marital status",
        ["widowed"] = "marital status", ["widow"] = "marital status", ["widower"] = "marital status", ["separated"] = "marital status",
        ["buddhist"] = "religion", ["christian"] = "religion", ["catholic"] = "religion", ["muslim"] = "religion", ["islam"] = "religion",
        ["hindu"] = "religion", ["jewish"] = "religion", ["taoist"] = "religion", ["atheist"] = "religion",
        ["han"] = "ethnicity", ["hui"] = "ethnicity", ["uyghur"] = "ethnicity", ["tibetan"] = "ethnicity", ["zhuang"] = "ethnicity",
        ["hispanic"] = "ethnicity", ["caucasian"] = "ethnicity",
        ["disabled"] = "health or disability", ["disability"] = "health or disability", ["pregnant"] = "health or disability",
        ["diabetes"] = "health or disability", ["hiv"] = "health or disability",
    };

    /// <summary>Chinese words matched anywhere in a category label (Chinese has no spaces to split on).</summary>
    private static readonly Dictionary<string, string> ValueFragments = new(StringComparer.Ordinal)
    {
        ["男性"] = "sex", ["女性"] = "sex",
        ["已婚"] = "marital status", ["未婚"] = "marital status", ["离异"] = "marital status", ["离婚"] = "marital status",
        ["丧偶"] = "marital status", ["婚姻"] = "marital status",
        ["汉族"] = "ethnicity", ["回族"] = "ethnicity", ["壮族"] = "ethnicity", ["藏族"] = "ethnicity", ["维吾尔"] = "ethnicity",
        ["蒙古族"] = "ethnicity", ["苗族"] = "ethnicity", ["彝族"] = "ethnicity", ["土家族"] = "ethnicity", ["少数民族"] = "ethnicity",
        ["佛教"] = "religion", ["基督"] = "religion", ["天主教"] = "religion", ["伊斯兰"] = "religion", ["道教"] = "religion",
        ["残疾"] = "health or disability", ["慢性病"] = "health or disability", ["怀孕"] = "health or disability",
        ["糖尿病"] = "health or disability", ["高血压"] = "health or disability",
    };

    /// <summary>Whole labels that name sex alone: 男/女, M/F. Only a column that holds nothing else is refused for these.</summary>
    private static readonly HashSet<string> SexLabels = new(StringComparer.OrdinalIgnoreCase) { "男", "女", "m", "f" };

    /// <summary>Abbreviations that mean marital status only next to a sex word, as in "female div/dep/mar" ("Mar" alone may be March).</summary>
    private static readonly HashSet<string> MaritalAbbreviations = new(StringComparer.OrdinalIgnoreCase) { "div", "dep", "mar", "wid", "sep", "sgl" };

    /// <summary>A column is refused by its values when at least this share of its non-missing rows name a protected attribute.</summary>
    public const double ValueShare = 0.05;

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

    /// <summary>
    /// Columns of <paramref name="table"/>, other than <paramref name="ignored"/> ones, that name a protected attribute by
    /// their name or by their values (category labels such as "female div/dep/mar", 男/女, 已婚/未婚/离异, 汉族, 佛教).
    /// Numeric values cannot be told apart (an age is just a number), so numeric columns are judged by name only.
    /// </summary>
    public static IReadOnlyList<ProhibitedColumn> Find(DataTable table, IEnumerable<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ignored);
        var skip = new HashSet<string>(ignored, StringComparer.Ordinal);
        var found = new List<ProhibitedColumn>();
        foreach (var column in table.Columns.Where(c => !skip.Contains(c.Name)))
        {
            if (IsProhibited(column.Name))
            {
                found.Add(new ProhibitedColumn(column.Name, $"its name \"{column.Name}\" names a protected attribute", null));
            }
            else if (column.Kind == ColumnKind.Categorical && ByValues(column) is { } hit)
            {
                found.Add(new ProhibitedColumn(column.Name, $"its values name {hit.Attribute}", hit.Example));
            }
        }

        return found;
    }

    private static (string Attribute, string Example)? ByValues(DataColumn column)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in column.Texts!)
        {
            if (text is not null)
            {
                var key = text.Trim();
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        var total = counts.Values.Sum();
        if (total == 0)
        {
            return null;
        }

        if (counts.Keys.All(SexLabels.Contains) && counts.Count >= 2)
        {
            return ("sex", counts.Keys.First());
        }

        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        string? example = null;
        foreach (var (value, count) in counts)
        {
            if (AttributeOf(value) is { } attribute)
            {
                hits[attribute] = hits.GetValueOrDefault(attribute) + count;
                example ??= value;
            }
        }

        var named = hits.Where(h => h.Value >= ValueShare * total).Select(h => h.Key).OrderBy(a => a, StringComparer.Ordinal).ToList();
        return named.Count == 0 ? null : (string.Join(" and ", named), example!);
    }

    private static string? AttributeOf(string value)
    {
        foreach (var (fragment, attribute) in ValueFragments)
        {
            if (value.Contains(fragment, StringComparison.Ordinal))
            {
                return attribute;
            }
        }

        var words = value.Split([' ', '/', ',', ';', '-', '_', '(', ')', '|', '&', '+', '、', '，'], StringSplitOptions.RemoveEmptyEntries);
        string? found = null;
        var sex = false;
        foreach (var word in words)
        {
            if (ValueWords.TryGetValue(word, out var attribute))
            {
                sex |= attribute == "sex";
                found ??= attribute;
            }
        }

        if (sex && words.Any(MaritalAbbreviations.Contains))
        {
            return "sex and marital status";
        }

        return found;
    }

    /// <summary>Throws when a column that is not ignored is prohibited by its name or values.</summary>
    /// <exception cref="ScoringDataException">At least one column is prohibited.</exception>
    public static void EnsureAllowed(DataTable table, IEnumerable<string> ignored)
    {
        var bad = Find(table, ignored);
        if (bad.Count > 0)
        {
            var each = bad.Select(b => $"column \"{b.Column}\": {b.Reason}" + (b.Example is null ? "" : $" (e.g. \"{b.Example}\")"));
            throw new ScoringDataException(
                $"Prohibited feature(s): {string.Join("; ", each)}. Sex, age, marital status, ethnicity, religion, health, disability, " +
                "genes, fingerprints and blood type must never be used to score people. Remove the column(s) from the data, or drop them with " +
                $"--ignore {string.Join(",", bad.Select(b => b.Column))} (ScorecardOptions.IgnoreColumns).");
        }
    }
}

/// <summary>A column refused by <see cref="ProhibitedFeatures.Find"/>: why, and for a refusal by values, one of the values.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Reason">Why it is refused (its name, or the attribute its values name).</param>
/// <param name="Example">One offending value, when refused by values.</param>
public sealed record ProhibitedColumn(string Column, string Reason, string? Example);
