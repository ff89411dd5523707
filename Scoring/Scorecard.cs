using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Points.Scoring.Binning;
using Points.Scoring.Metrics;
using Points.Scoring.Regression;
using Points.Scoring.Woe;

namespace Points.Scoring;

/// <summary>
/// A fitted points scorecard (SCORING.md): WoE bins per feature, non-negative L2 logistic coefficients,
/// integer points per bin. Immutable and thread-safe; <see cref="ModelVersion"/> is in every output.
/// </summary>
public sealed class Scorecard
{
    /// <summary>Version of the JSON layout written by <see cref="ToJson"/>.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Method name of trained models.</summary>
    public const string TrainedMethod = "woe-logistic-l2";

    private static readonly JsonSerializerOptions JsonOptions = new(ScoringJsonContext.Default.Options)
    {
        // The artefact is a file, never embedded in HTML: keep Chinese texts and labels such as "< 0.1" readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly CompiledFeature[] _features;

    private sealed class CompiledFeature
    {
        public required ScorecardFeature Model { get; init; }

        public required BinLookup Lookup { get; init; }

        public required int[] Points { get; init; }

        public required int MaxPoints { get; init; }
    }

    /// <summary>Wraps a model (from JSON or built by hand) and prepares fast lookups.</summary>
    /// <exception cref="ScoringDataException">The model is inconsistent.</exception>
    public Scorecard(ScorecardModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.SchemaVersion != CurrentSchemaVersion)
        {
            throw new ScoringDataException($"Model schema version {model.SchemaVersion} is not supported (expected {CurrentSchemaVersion}).");
        }

        if (string.IsNullOrWhiteSpace(model.ModelVersion))
        {
            throw new ScoringDataException("The model has no ModelVersion.");
        }

        if (model.Features.Count == 0)
        {
            throw new ScoringDataException("The model has no features.");
        }

        model.Scaling.Validate();
        Model = model;
        _features = new CompiledFeature[model.Features.Count];
        for (var j = 0; j < _features.Length; j++)
        {
            var f = model.Features[j];
            var points = f.Bins.Select(b => b.Points).ToArray();
            _features[j] = new CompiledFeature
            {
                Model = f,
                Lookup = new BinLookup(f.Name, f.Kind, f.Bins, f.SpecialValues),
                Points = points,
                MaxPoints = Math.Max(f.NeutralPoints, points.Length == 0 ? int.MinValue : points.Max()),
            };
        }
    }

    /// <summary>The artefact.</summary>
    public ScorecardModel Model { get; }

    /// <summary>Model version recorded with every score.</summary>
    public string ModelVersion => Model.ModelVersion;

    /// <summary>Maximum number of reason codes per score.</summary>
    public int MaxReasonCodes { get; init; } = 4;

    /// <summary>
    /// Fits a scorecard on a labelled table: binning, WoE/IV, screening (IV, missing, constant, correlation),
    /// non-negative L2 logistic regression (ML.NET L-BFGS), scaling to integer points.
    /// </summary>
    /// <exception cref="ScoringDataException">No labels, one class only, a prohibited column, or no feature survives screening.</exception>
    public static Scorecard Fit(DataTable table, ScorecardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new ScorecardOptions();
        options.Scaling.Validate();
        if (!table.HasLabels)
        {
            throw new ScoringDataException("Fitting needs a label column (1 = bad, 0 = good).");
        }

        ProhibitedFeatures.EnsureAllowed(table, options.IgnoreColumns);
        var y = table.LabelArray;
        long bads = y.Sum(v => (long)v);
        long goods = y.Length - bads;
        if (bads == 0 || goods == 0)
        {
            throw new ScoringDataException($"Fitting needs both classes; the data has {bads} bads and {goods} goods.");
        }

        var candidates = table.Columns.Where(c => !options.IgnoreColumns.Contains(c.Name)).ToArray();
        var reports = new FeatureReport[candidates.Length];
        var binnings = new FeatureBinning?[candidates.Length];
        Parallel.For(0, candidates.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            (reports[i], binnings[i]) = Screen(candidates[i], y, options);
        });

        // WoE columns of the survivors, then correlation screening in IV order.
        var survivors = Enumerable.Range(0, candidates.Length).Where(i => binnings[i] is not null)
            .OrderByDescending(i => binnings[i]!.InformationValue).ThenBy(i => candidates[i].Name, StringComparer.Ordinal).ToList();
        var woeColumns = new double[candidates.Length][];
        Parallel.ForEach(survivors, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            woeColumns[i] = WoeColumn(binnings[i]!, candidates[i]);
        });

        var kept = new List<int>();
        foreach (var i in survivors)
        {
            string? reason = null;
            foreach (var k in kept)
            {
                var r = Correlation(woeColumns[i], woeColumns[k]);
                if (Math.Abs(r) > options.MaxCorrelation)
                {
                    reason = string.Create(CultureInfo.InvariantCulture, $"correlated with {candidates[k].Name} (r = {r:F3}), lower IV");
                    break;
                }
            }

            if (reason is null)
            {
                kept.Add(i);
            }
            else
            {
                reports[i] = reports[i] with { Kept = false, DropReason = reason };
                woeColumns[i] = null!;
            }
        }

        // Model order: IV descending (most important first).
        var nn = LogisticRegression.FitNonNegative(kept.Select(i => woeColumns[i]).ToList(), y, options.C);
        foreach (var col in nn.Dropped)
        {
            var i = kept[col];
            reports[i] = reports[i] with
            {
                Kept = false,
                DropReason = "coefficient held at 0 by the non-negativity constraint (collinearity or no added signal)",
            };
        }

        var final = nn.Kept.Select(j => kept[j]).ToList();
        if (final.Count == 0)
        {
            throw new ScoringDataException("No feature survived screening: " +
                string.Join("; ", reports.Select(r => $"{r.Name}: {r.DropReason}")));
        }

        var scaling = options.Scaling;
        var factor = scaling.Factor;
        var b0 = nn.Fit.Intercept;
        var share = (scaling.Offset - (factor * b0)) / final.Count;
        var features = new List<ScorecardFeature>(final.Count);
        for (var j = 0; j < final.Count; j++)
        {
            var i = final[j];
            var bj = nn.Fit.Coefficients[j];
            var binning = binnings[i]!;
            var meta = options.FeatureMetadata?.GetValueOrDefault(binning.Feature);
            reports[i] = reports[i] with { Coefficient = bj };
            features.Add(new ScorecardFeature
            {
                Name = binning.Feature,
                DisplayName = meta?.DisplayName ?? binning.Feature,
                Kind = binning.Kind,
                Trend = binning.Trend,
                InformationValue = binning.InformationValue,
                Coefficient = bj,
                NeutralPoints = RoundPoints(share),
                ReasonTemplate = meta?.ReasonTemplate ?? FeatureMetadata.DefaultReasonTemplate,
                ImprovementHint = meta?.ImprovementHint ?? FeatureMetadata.DefaultImprovementHint,
                SpecialValues = binning.SpecialValues,
                Bins = [.. binning.Bins.Select(b => b with { Points = RoundPoints((-factor * bj * b.Woe) + share) })],
            });
        }

        // Training metrics: unrounded score vs integer points (rounding must not change the ranking materially).
        var exact = new double[y.Length];
        Array.Fill(exact, b0);
        for (var j = 0; j < final.Count; j++)
        {
            var col = woeColumns[final[j]];
            var bj = nn.Fit.Coefficients[j];
            for (var r = 0; r < exact.Length; r++)
            {
                exact[r] += bj * col[r];
            }
        }

        var model = new ScorecardModel
        {
            ModelVersion = options.ModelVersion,
            Method = TrainedMethod,
            Scaling = scaling,
            Intercept = b0,
            Features = features,
            TrainingWindow = options.TrainingWindow,
        };
        var card = new Scorecard(model) { MaxReasonCodes = options.MaxReasonCodes };
        var rounded = card.RiskScores(table);
        var aucExact = Discrimination.Auc(exact, y);
        var aucRounded = Discrimination.Auc(rounded, y);
        var warnings = new List<string>();
        foreach (var r in reports.Where(r => r.Suspicious))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{r.Name}: IV {r.InformationValue:F3} > 0.5 is suspicious; check for leakage."));
        }

        if (aucExact - aucRounded > 0.005)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Integer points lose {aucExact - aucRounded:F4} AUC; consider a larger PDO."));
        }

        if (!nn.Fit.Converged)
        {
            warnings.Add("Logistic regression did not converge within the iteration limit.");
        }

        var report = new FitReport
        {
            Rows = y.Length,
            Bads = bads,
            BadRate = (double)bads / y.Length,
            C = options.C,
            Solver = LogisticRegression.Solver,
            KktResidual = nn.Fit.KktResidual,
            Converged = nn.Fit.Converged,
            AucTrain = aucExact,
            AucTrainRounded = aucRounded,
            GiniTrain = (2 * aucRounded) - 1,
            KsTrain = Discrimination.Ks(rounded, y),
            Features = reports,
            Warnings = warnings,
        };
        return new Scorecard(model with { Report = report }) { MaxReasonCodes = options.MaxReasonCodes };
    }

    private static (FeatureReport Report, FeatureBinning? Binning) Screen(DataColumn column, int[] y, ScorecardOptions options)
    {
        var missing = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        double? first = null;
        var constant = true;
        for (var r = 0; r < column.Length; r++)
        {
            if (column.IsMissing(r))
            {
                missing++;
                continue;
            }

            if (!constant)
            {
                continue;
            }

            if (column.Kind == ColumnKind.Numeric)
            {
                var v = column.Numbers![r];
                first ??= v;
                constant = v == first;
            }
            else
            {
                distinct.Add(column.Texts![r]!);
                constant = distinct.Count <= 1;
            }
        }

        var missingShare = column.Length == 0 ? 1 : (double)missing / column.Length;
        var report = new FeatureReport { Name = column.Name, Kind = column.Kind, MissingShare = missingShare };
        if (missingShare > options.MaxMissingShare)
        {
            return (report with { DropReason = string.Create(CultureInfo.InvariantCulture, $"{missingShare:P1} missing") }, null);
        }

        if (constant)
        {
            return (report with { DropReason = "constant" }, null);
        }

        var meta = options.FeatureMetadata?.GetValueOrDefault(column.Name);
        var binning = Binner.Fit(column, y, options.Binning, meta?.Trend ?? MonotoneTrend.Auto, meta?.SpecialValues);
        var iv = binning.InformationValue;
        report = report with
        {
            InformationValue = iv,
            Strength = WoeCalculator.Classify(iv),
            Suspicious = iv > WoeCalculator.SuspiciousIv,
        };
        if (iv < options.MinInformationValue)
        {
            return (report with { DropReason = string.Create(CultureInfo.InvariantCulture, $"IV {iv:F4} < {options.MinInformationValue}") }, null);
        }

        return (report with { Kept = true }, binning);
    }

    private static double[] WoeColumn(FeatureBinning binning, DataColumn column)
    {
        var idx = new BinLookup(binning).Assign(column);
        var woe = binning.Bins.Select(b => b.Woe).ToArray();
        var result = new double[idx.Length];
        for (var r = 0; r < idx.Length; r++)
        {
            result[r] = idx[r] < 0 ? 0 : woe[idx[r]];
        }

        return result;
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = 0, mb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= a.Length;
        mb /= b.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var da = a[i] - ma;
            var db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }

        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Rounds half away from zero, the documented points rounding.</summary>
    public static int RoundPoints(double points) => (int)Math.Round(points, MidpointRounding.AwayFromZero);

    /// <summary>Scores one row: points per feature, total clamped to 350–950, p_bad, tier, band and reason codes.</summary>
    public ScoreResult Score(FeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var bins = new int[_features.Length];
        var values = new double[_features.Length];
        var texts = new string?[_features.Length];
        for (var j = 0; j < _features.Length; j++)
        {
            var f = _features[j];
            if (f.Lookup.Kind == ColumnKind.Numeric)
            {
                values[j] = row.GetNumber(f.Model.Name);
                bins[j] = f.Lookup.Find(values[j]);
            }
            else
            {
                texts[j] = row.GetText(f.Model.Name);
                bins[j] = f.Lookup.Find(texts[j]);
            }
        }

        return Build(bins, values, texts);
    }

    /// <summary>Scores row <paramref name="rowIndex"/> of a table.</summary>
    public ScoreResult Score(DataTable table, int rowIndex) => Score((table ?? throw new ArgumentNullException(nameof(table))).Row(rowIndex));

    private ScoreResult Build(int[] bins, double[] values, string?[] texts)
    {
        var total = 0;
        var points = new FeaturePoints[_features.Length];
        for (var j = 0; j < _features.Length; j++)
        {
            var f = _features[j];
            var b = bins[j];
            var p = b < 0 ? f.Model.NeutralPoints : f.Points[b];
            total += p;
            points[j] = new FeaturePoints(f.Model.Name, b < 0 ? "neutral" : f.Model.Bins[b].Label, p, f.MaxPoints);
        }

        // Top reason codes by deficit (ties: model order); a small insertion sort, no LINQ in the hot path.
        var maxReasons = Math.Max(0, MaxReasonCodes);
        var top = new int[maxReasons];
        var topCount = 0;
        for (var j = 0; j < _features.Length; j++)
        {
            var deficit = points[j].MaxPoints - points[j].Points;
            if (deficit <= 0)
            {
                continue;
            }

            var pos = topCount;
            while (pos > 0 && Deficit(points, top[pos - 1]) < deficit)
            {
                pos--;
            }

            if (pos >= maxReasons)
            {
                continue;
            }

            for (var k = Math.Min(topCount, maxReasons - 1); k > pos; k--)
            {
                top[k] = top[k - 1];
            }

            top[pos] = j;
            topCount = Math.Min(topCount + 1, maxReasons);
        }

        var reasons = new ReasonCode[topCount];
        for (var k = 0; k < topCount; k++)
        {
            var j = top[k];
            var f = _features[j].Model;
            var missing = f.Kind == ColumnKind.Numeric ? double.IsNaN(values[j]) : texts[j] is null;
            // A template reads "比例为 {value}"; with nothing on record it would read "比例为 无记录", so say it plainly.
            var description = missing
                ? $"{f.DisplayName}：还没有相关记录，暂按中等水平计分"
                : f.ReasonTemplate
                    .Replace("{name}", f.DisplayName, StringComparison.Ordinal)
                    .Replace("{bin}", points[j].Bin, StringComparison.Ordinal)
                    .Replace("{value}", f.Kind == ColumnKind.Numeric ? values[j].ToString("0.##", CultureInfo.InvariantCulture) : texts[j], StringComparison.Ordinal);
            reasons[k] = new ReasonCode(f.Name, Deficit(points, j), description, f.ImprovementHint);
        }

        var score = ScalingParameters.Clamp(total);
        return new ScoreResult(ModelVersion, score, total, Model.Scaling.ProbabilityOfBad(total), ScoreTiers.TierOf(score),
            ScoreTiers.BandOf(score), points, reasons);
    }

    private static int Deficit(FeaturePoints[] points, int j) => points[j].MaxPoints - points[j].Points;

    /// <summary>Integer points totals (unclamped) of every row of a table, column-wise and fast.</summary>
    public int[] RawPoints(DataTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var totals = new int[table.RowCount];
        foreach (var f in _features)
        {
            var column = table.Find(f.Model.Name);
            if (column is null)
            {
                for (var r = 0; r < totals.Length; r++)
                {
                    totals[r] += f.Model.NeutralPoints;
                }

                continue;
            }

            var idx = f.Lookup.Assign(column);
            for (var r = 0; r < totals.Length; r++)
            {
                totals[r] += idx[r] < 0 ? f.Model.NeutralPoints : f.Points[idx[r]];
            }
        }

        return totals;
    }

    /// <summary>Scores (clamped to 350–950) of every row of a table.</summary>
    public int[] Scores(DataTable table)
    {
        var raw = RawPoints(table);
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = ScalingParameters.Clamp(raw[i]);
        }

        return raw;
    }

    /// <summary>Risk scores for metrics (higher = riskier): the negated unclamped points total.</summary>
    public double[] RiskScores(DataTable table) => [.. RawPoints(table).Select(p => -(double)p)];

    /// <summary>Characteristic stability (CSI) of each model feature between the training-like and a new table.</summary>
    public IReadOnlyDictionary<string, StabilityResult> Csi(DataTable expected, DataTable actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var result = new Dictionary<string, StabilityResult>(StringComparer.Ordinal);
        foreach (var f in _features)
        {
            result[f.Model.Name] = Stability.FromCounts(BinCounts(f, expected), BinCounts(f, actual));
        }

        return result;
    }

    private static long[] BinCounts(CompiledFeature f, DataTable table)
    {
        // Last slot counts rows without a bin (neutral).
        var counts = new long[f.Points.Length + 1];
        var column = table.Find(f.Model.Name) ?? throw new ScoringDataException($"Column '{f.Model.Name}' not found.");
        foreach (var b in f.Lookup.Assign(column))
        {
            counts[b < 0 ? f.Points.Length : b]++;
        }

        return counts;
    }

    /// <summary>Serialises the model to versioned, indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(Model, JsonOptions.GetTypeInfo(typeof(ScorecardModel)) as System.Text.Json.Serialization.Metadata.JsonTypeInfo<ScorecardModel> ?? throw new InvalidOperationException());

    /// <summary>Reads a model written by <see cref="ToJson"/>.</summary>
    /// <exception cref="ScoringDataException">Malformed JSON or unsupported schema.</exception>
    public static Scorecard FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ScorecardModel? model;
        try
        {
            model = JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ScorecardModel>)JsonOptions.GetTypeInfo(typeof(ScorecardModel)));
        }
        catch (JsonException e)
        {
            throw new ScoringDataException("The model JSON is malformed: " + e.Message, e);
        }

        return new Scorecard(model ?? throw new ScoringDataException("The model JSON is empty."));
    }

    /// <summary>Writes the model JSON to a file (UTF-8, no BOM).</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n", new System.Text.UTF8Encoding(false));

    /// <summary>Reads a model JSON file.</summary>
    public static Scorecard Load(string path) => FromJson(File.ReadAllText(path));
}
