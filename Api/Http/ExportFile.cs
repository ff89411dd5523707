using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcel = MiniExcelLibs.MiniExcel;

namespace Points.Api.Http;

/// <summary>
/// A table for download: a header and rows of cells, each a text or a number. Numbers stay numbers (a negative
/// adjustment is −20, not the text "-20"); text that a spreadsheet would read as a formula is neutralised.
/// </summary>
public sealed record ExportTable(string SheetName, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<object>> Rows);

/// <summary>CSV (UTF-8 with a BOM so Excel on a town office PC shows Chinese correctly) and .xlsx downloads.</summary>
public static class ExportFile
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary><c>csv</c> or <c>xlsx</c>; null means JSON.</summary>
    public static string? Format(string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) ? "csv"
        : string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx"
        : null;

    /// <summary>The file in the asked format; <paramref name="baseName"/> without extension, e.g. <c>summary-2026-11</c>.</summary>
    public static FileContentHttpResult From(ExportTable table, string format, string baseName) =>
        Format(format) == "xlsx"
            ? TypedResults.File(Xlsx(table), XlsxContentType, baseName + ".xlsx")
            : TypedResults.File(Csv(table), "text/csv; charset=utf-8", baseName + ".csv");

    /// <summary>
    /// A text that starts with <c>= + - @</c>, tab or CR would run as a formula in Excel or WPS (CSV injection);
    /// a leading apostrophe makes it plain text. Numbers never pass through here.
    /// </summary>
    public static string Neutralise(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public static byte[] Csv(ExportTable table)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions(), true))
        {
            foreach (var row in new[] { table.Header.Cast<object>().ToList() }.Concat(table.Rows))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(CsvText(cell));
                }

                csv.EndRecord();
            }

            csv.Flush();
        }

        return buffer.ToArray();
    }

    public static byte[] Xlsx(ExportTable table)
    {
        var rows = table.Rows.Select(row =>
        {
            var record = new Dictionary<string, object?>(table.Header.Count);
            for (var i = 0; i < table.Header.Count; i++)
            {
                var cell = i < row.Count ? row[i] : null;
                record[Neutralise(table.Header[i])] = cell is string text ? Neutralise(text) : cell;
            }

            return record;
        }).ToList();
        using var buffer = new MemoryStream();
        if (rows.Count == 0)
        {
            // MiniExcel writes no header for an empty list of records; an empty sheet still names its columns.
            MiniExcel.SaveAs(buffer, new[] { table.Header.ToDictionary(h => Neutralise(h), h => (object?)null) }, sheetName: table.SheetName);
        }
        else
        {
            MiniExcel.SaveAs(buffer, rows, sheetName: table.SheetName);
        }

        return buffer.ToArray();
    }

    private static string CsvText(object? cell) => cell switch
    {
        null => string.Empty,
        string text => Neutralise(text),
        decimal money => money.ToString("0.00", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Neutralise(cell.ToString() ?? string.Empty),
    };

    /// <summary>Parses <c>yyyy-MM</c> (a calendar month in Asia/Shanghai).</summary>
    public static bool TryParseMonth(string text, out int year, out int month)
    {
        (year, month) = (0, 0);
        if (text.Length != 7 || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return false;
        }

        (year, month) = (day.Year, day.Month);
        return true;
    }
}
