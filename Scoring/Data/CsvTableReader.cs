using System.Globalization;
using System.Text;

namespace Points.Scoring;

/// <summary>
/// A small RFC 4180 CSV reader: header row, comma separator, double-quoted fields with "" escapes and
/// embedded line breaks, CRLF or LF. Columns whose non-missing values all parse as invariant-culture
/// numbers become numeric, all others categorical. Empty, "NA", "N/A", "NaN" and "null" (any case) are missing.
/// </summary>
public static class CsvTableReader
{
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase) { "", "NA", "N/A", "NaN", "null" };

    /// <summary>Reads a table; <paramref name="labelColumn"/> (if not null) must exist and hold only 0/1.</summary>
    /// <exception cref="ScoringDataException">Malformed CSV, missing or invalid label.</exception>
    public static DataTable Read(TextReader reader, string? labelColumn)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = ReadRecords(reader);
        if (records.Count == 0)
        {
            throw new ScoringDataException("The CSV is empty (no header row).");
        }

        var header = records[0];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = header[i].Trim();
        }

        if (header.Distinct(StringComparer.Ordinal).Count() != header.Length)
        {
            throw new ScoringDataException("The CSV header has duplicate column names.");
        }

        var labelIndex = -1;
        if (labelColumn is not null)
        {
            labelIndex = Array.IndexOf(header, labelColumn);
            if (labelIndex < 0)
            {
                throw new ScoringDataException($"Label column '{labelColumn}' not found in the CSV header ({string.Join(", ", header)}).");
            }
        }

        var rows = records.Count - 1;
        for (var r = 1; r < records.Count; r++)
        {
            if (records[r].Length != header.Length)
            {
                throw new ScoringDataException($"CSV record {r + 1} has {records[r].Length} fields, the header has {header.Length}.");
            }
        }

        int[]? labels = null;
        if (labelIndex >= 0)
        {
            labels = new int[rows];
            for (var r = 0; r < rows; r++)
            {
                var s = records[r + 1][labelIndex].Trim();
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || (v != 0 && v != 1))
                {
                    throw new ScoringDataException(
                        $"Label '{labelColumn}' at data row {r + 1} is '{s}'; it must be 0 (good) or 1 (bad) and never missing.");
                }

                labels[r] = v == 1 ? 1 : 0;
            }
        }

        var columns = new List<DataColumn>(header.Length);
        for (var c = 0; c < header.Length; c++)
        {
            if (c == labelIndex)
            {
                continue;
            }

            var numeric = true;
            var numbers = new double[rows];
            for (var r = 0; r < rows && numeric; r++)
            {
                var s = records[r + 1][c].Trim();
                if (MissingTokens.Contains(s))
                {
                    numbers[r] = double.NaN;
                }
                else if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                {
                    numbers[r] = v;
                }
                else
                {
                    numeric = false;
                }
            }

            if (numeric)
            {
                columns.Add(DataColumn.Numeric(header[c], numbers));
            }
            else
            {
                var texts = new string?[rows];
                for (var r = 0; r < rows; r++)
                {
                    var s = records[r + 1][c].Trim();
                    texts[r] = MissingTokens.Contains(s) ? null : s;
                }

                columns.Add(DataColumn.Categorical(header[c], texts));
            }
        }

        return new DataTable(columns, labels, labelColumn ?? "label");
    }

    /// <summary>Quotes a field when it contains a comma, quote or line break.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    private static List<string[]> ReadRecords(TextReader reader)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var sb = new StringBuilder();
        var inQuotes = false;
        var fieldStarted = false;
        var line = 1;
        int ch;
        while ((ch = reader.Read()) != -1)
        {
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        sb.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    sb.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when sb.Length == 0 && !fieldStarted:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case '"':
                    throw new ScoringDataException($"CSV line {line}: a quote inside an unquoted field.");
                case ',':
                    fields.Add(sb.ToString());
                    sb.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(sb.ToString());
                    sb.Clear();
                    fieldStarted = false;
                    AddRecord(records, fields);
                    line++;
                    break;
                default:
                    if (fieldStarted && sb.Length >= 0 && IsAfterClosingQuote(fieldStarted, inQuotes))
                    {
                        // Text after a closing quote ("ab"c) is tolerated only as whitespace.
                        if (!char.IsWhiteSpace(c))
                        {
                            throw new ScoringDataException($"CSV line {line}: characters after a closing quote.");
                        }

                        break;
                    }

                    sb.Append(c);
                    break;
            }
        }

        if (inQuotes)
        {
            throw new ScoringDataException("CSV ends inside a quoted field.");
        }

        if (sb.Length > 0 || fields.Count > 0 || fieldStarted)
        {
            fields.Add(sb.ToString());
            AddRecord(records, fields);
        }

        return records;
    }

    private static bool IsAfterClosingQuote(bool fieldStarted, bool inQuotes) => fieldStarted && !inQuotes;

    private static void AddRecord(List<string[]> records, List<string> fields)
    {
        // Blank lines (a single empty field) are skipped.
        if (!(fields.Count == 1 && fields[0].Length == 0))
        {
            records.Add([.. fields]);
        }

        fields.Clear();
    }
}
