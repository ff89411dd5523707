using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Points.Api.Http;

/// <summary>CSV downloads: UTF-8 with a BOM so Excel on a town office PC shows Chinese correctly.</summary>
public static class CsvFile
{
    public static FileContentHttpResult From(IEnumerable<IReadOnlyList<string>> rows, string fileName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions(), true))
        {
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(field);
                }

                csv.EndRecord();
            }

            csv.Flush();
        }

        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", fileName);
    }

    public static bool Wanted(string? format) => string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);

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
