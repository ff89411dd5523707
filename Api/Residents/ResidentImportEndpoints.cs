using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Residents;
using MiniExcel = MiniExcelLibs.MiniExcel;

namespace Points.Api.Residents;

/// <summary>
/// Staff import a community's roster from CSV or .xlsx (columns name, phone, grid; Chinese headers 姓名, 手机号, 网格
/// also read), as multipart (field <c>file</c>) or as the raw body. <c>?dryRun=true</c> reports row by row and writes nothing.
/// </summary>
public static class ResidentImportEndpoints
{
    public const long MaxRequestBytes = 8 * 1024 * 1024;

    public static void MapResidentImport(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/communities/{id:guid}/residents").WithTags("Residents").RequireAuthorization(Policies.Staff)
            .MapPost("/import", ImportResidentsAsync).WithName(nameof(ImportResidentsAsync))
            .WithSummary("导入居民花名册（CSV 或 xlsx：姓名、手机号、网格名称或编号）；dryRun=true 只逐行检查不写入；导入的居民首次微信登录并验证同一手机号时认领该记录")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes));
    }

    public static async Task<Results<Ok<ImportOutcome>, ProblemHttpResult, ValidationProblem>> ImportResidentsAsync(
        Guid id, HttpRequest request, ClaimsPrincipal principal, PointsDbContext db, ResidentImportService imports, CancellationToken ct, bool dryRun = false)
    {
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        if (!principal.Me().CanAdminister(community.TownId, community.Id))
        {
            return Problems.Forbidden("residents.out_of_scope", "只能导入本村社（镇街）的居民");
        }

        byte[] data;
        string? fileName = null;
        string? contentType = request.ContentType;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0)
            {
                return Problems.Validation("file", "请选择要导入的 CSV 或 xlsx 文件");
            }

            fileName = file.FileName;
            contentType = file.ContentType;
            await using var stream = file.OpenReadStream();
            data = await ReadAllAsync(stream, ct);
        }
        else
        {
            data = await ReadAllAsync(request.Body, ct);
        }

        if (data.Length == 0)
        {
            return Problems.Validation("file", "请选择要导入的 CSV 或 xlsx 文件");
        }

        IReadOnlyList<ImportRow> rows;
        try
        {
            rows = IsXlsx(data, fileName, contentType) ? RosterFile.ReadXlsx(data) : RosterFile.ReadCsv(data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Validation("file", "无法读取文件：请上传 UTF-8 编码的 CSV 或 xlsx 文件");
        }

        if (ReferenceEquals(rows, RosterFile.MissingColumns))
        {
            return Problems.Validation("file", "表头须包含 姓名(name)、手机号(phone) 两列，网格(grid) 可选");
        }

        var outcome = await imports.ImportAsync(community, rows, dryRun, ct);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : Problems.From(outcome.Error!);
    }

    private static bool IsXlsx(byte[] data, string? fileName, string? contentType) =>
        fileName?.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) == true
        || contentType?.Contains("spreadsheetml", StringComparison.OrdinalIgnoreCase) == true
        || data is [(byte)'P', (byte)'K', 3, 4, ..];

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}

/// <summary>Reads a roster's rows: the header names the columns (English or Chinese), in any order.</summary>
public static class RosterFile
{
    /// <summary>Returned when the header lacks the name or phone column.</summary>
    public static readonly IReadOnlyList<ImportRow> MissingColumns = Array.Empty<ImportRow>().ToList().AsReadOnly();

    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name", ["姓名"] = "name",
        ["phone"] = "phone", ["手机号"] = "phone", ["手机"] = "phone", ["手机号码"] = "phone",
        ["grid"] = "grid", ["网格"] = "grid",
    };

    public static IReadOnlyList<ImportRow> ReadCsv(byte[] data)
    {
        var text = new UTF8Encoding(false, true).GetString(data).TrimStart('\uFEFF');
        var lines = ParseCsv(text).Where(l => l.Any(c => !string.IsNullOrWhiteSpace(c))).ToList();
        return lines.Count == 0 ? MissingColumns : Rows(lines[0], lines.Skip(1));
    }

    public static IReadOnlyList<ImportRow> ReadXlsx(byte[] data)
    {
        using var stream = new MemoryStream(data);
        var table = MiniExcel.Query(stream, useHeaderRow: false, excelType: MiniExcelLibs.ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>()
            .Select(r => (IReadOnlyList<string?>)r.Values.Select(v => v is double d ? d.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : v?.ToString()).ToList())
            .Where(l => l.Any(c => !string.IsNullOrWhiteSpace(c)))
            .ToList();
        return table.Count == 0 ? MissingColumns : Rows(table[0], table.Skip(1));
    }

    private static IReadOnlyList<ImportRow> Rows(IReadOnlyList<string?> header, IEnumerable<IReadOnlyList<string?>> body)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i]?.Trim() is { } h && Headers.TryGetValue(h, out var column))
            {
                index.TryAdd(column, i);
            }
        }

        if (!index.ContainsKey("name") || !index.ContainsKey("phone"))
        {
            return MissingColumns;
        }

        string? Cell(IReadOnlyList<string?> line, string column) => index.TryGetValue(column, out var i) && i < line.Count ? line[i] : null;
        return body.Select((line, n) => new ImportRow(n + 1, Cell(line, "name"), Cell(line, "phone"), Cell(line, "grid"))).ToList();
    }

    /// <summary>RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    private static IEnumerable<IReadOnlyList<string?>> ParseCsv(string text)
    {
        var fields = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                yield return fields;
                fields = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
