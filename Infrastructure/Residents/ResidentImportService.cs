using Microsoft.EntityFrameworkCore;
using Points.Domain.Audit;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Residents;

/// <summary>One roster line as read from the file (1-based row number of the data line, the header not counted).</summary>
public sealed record ImportRow(int Row, string? Name, string? Phone, string? Grid);

public sealed record ImportRowError(int Row, string Field, string Code, string Message);

public sealed record ImportOutcome(bool DryRun, int Total, int Valid, int Imported, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Staff import a community's roster (name, phone, grid). Every row is checked (a mainland mobile number, a grid of
/// the community by name or id, no duplicate in the file, no account already holding the number); a dry run only
/// reports, a commit pre-registers the good rows. A pre-registered resident has no WeChat account yet: the first
/// WeChat login that verifies the same number claims the record (its community and grid). Phones are stored as
/// everywhere else: AES-GCM ciphertext bound to the row plus the keyed lookup hash. On PostgreSQL the rows go in with
/// one binary COPY (10,000 rows in well under 10 s, see bench/Points.Bench.Import); the audit log gets one row per import.
/// </summary>
public sealed class ResidentImportService(PointsDbContext db, PersonalDataProtector protector, TimeProvider clock)
{
    public const int MaxRows = 20_000;

    public static readonly DomainError TooManyRows = DomainError.Validation("import.too_many_rows", $"一次最多导入{MaxRows}行");
    public static readonly DomainError Empty = DomainError.Validation("import.empty", "文件中没有可导入的行");
    public static readonly DomainError Raced = DomainError.Conflict("import.conflict", "导入期间有手机号被其他账户绑定，请重新预检后再导入");

    public async Task<Result<ImportOutcome>> ImportAsync(Community community, IReadOnlyList<ImportRow> rows, bool dryRun, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Empty;
        }

        if (rows.Count > MaxRows)
        {
            return TooManyRows;
        }

        var grids = await db.Grids.AsNoTracking().Where(g => g.CommunityId == community.Id && g.RetiredAt == null)
            .Select(g => new { g.Id, g.Name }).ToListAsync(ct);
        var gridsByName = grids.GroupBy(g => g.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        var gridIds = grids.Select(g => g.Id).ToHashSet();

        var errors = new List<ImportRowError>();
        var candidates = new List<(ImportRow Row, string Name, string Phone, string Hash, Guid? GridId)>(rows.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var name = row.Name?.Trim();
            var rowErrors = errors.Count;
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new ImportRowError(row.Row, "name", "import.name_missing", "姓名不能为空"));
            }
            else if (name.Length > UserAccount.DisplayNameMaxLength)
            {
                errors.Add(new ImportRowError(row.Row, "name", "import.name_too_long", $"姓名不能超过{UserAccount.DisplayNameMaxLength}个字"));
            }

            var phone = NormalisePhone(row.Phone);
            if (phone is null)
            {
                errors.Add(new ImportRowError(row.Row, "phone", "import.phone_invalid", "手机号格式不正确（须为11位大陆手机号）"));
            }

            Guid? gridId = null;
            var grid = row.Grid?.Trim();
            if (!string.IsNullOrEmpty(grid))
            {
                if (Guid.TryParse(grid, out var id) && gridIds.Contains(id))
                {
                    gridId = id;
                }
                else if (gridsByName.TryGetValue(grid, out var byName))
                {
                    gridId = byName;
                }
                else
                {
                    errors.Add(new ImportRowError(row.Row, "grid", "import.grid_unknown", $"本村社没有网格“{Clip(grid)}”"));
                }
            }

            if (phone is null)
            {
                continue;
            }

            var hash = protector.LookupHash(DataPurposes.Phone, $"86:{phone}");
            if (seen.TryGetValue(hash, out var first))
            {
                errors.Add(new ImportRowError(row.Row, "phone", "import.duplicate_in_file", $"手机号与第{first}行重复"));
                continue;
            }

            seen[hash] = row.Row;
            if (errors.Count == rowErrors)
            {
                candidates.Add((row, name!, phone, hash, gridId));
            }
        }

        var hashes = candidates.Select(c => c.Hash).ToList();
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Chunk(5_000))
        {
            var found = await db.Users.AsNoTracking().Where(u => u.PhoneHash != null && chunk.Contains(u.PhoneHash!)).Select(u => u.PhoneHash!).ToListAsync(ct);
            registered.UnionWith(found);
        }

        var good = new List<(ImportRow Row, string Name, string Phone, string Hash, Guid? GridId)>(candidates.Count);
        foreach (var c in candidates)
        {
            if (registered.Contains(c.Hash))
            {
                errors.Add(new ImportRowError(c.Row.Row, "phone", "import.already_registered", "该手机号已有账户"));
            }
            else
            {
                good.Add(c);
            }
        }

        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        if (dryRun || good.Count == 0)
        {
            return new ImportOutcome(dryRun, rows.Count, good.Count, 0, errors);
        }

        var now = clock.GetUtcNow();
        var residents = good.Select(g =>
        {
            var id = Guid.CreateVersion7(now);
            return UserAccount.PreRegister(id, g.Name, community.TownId, community.Id, g.GridId, protector.Protect(g.Phone, DataPurposes.Phone, id), g.Hash, "86", now);
        }).ToList();

        try
        {
            await InsertAsync(residents, community, now, ct);
        }
        catch (Exception ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            return Raced;
        }

        return new ImportOutcome(false, rows.Count, good.Count, residents.Count, errors);
    }

    private async Task InsertAsync(List<UserAccount> residents, Community community, DateTimeOffset now, CancellationToken ct)
    {
        // One audit row for the import rather than one per resident: the roster is the change.
        var audit = AuditLog.For(now, "ResidentImport", community.Id, AuditAction.Added, null,
            new { CommunityId = community.Id, Count = residents.Count, First = residents[0].Id, Last = residents[^1].Id });
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsSqlite)
        {
            using (AuditScope.Begin(null))
            {
                db.Users.AddRange(residents);
                await db.SaveChangesAsync(ct);
            }
        }
        else
        {
            await BulkCopy.WriteAsync(db, residents, ct);
        }

        if (audit is not null)
        {
            using (AuditScope.Begin(null))
            {
                db.AuditEntries.Add(audit);
                await db.SaveChangesAsync(ct);
            }
        }

        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>An 11-digit mainland mobile number (spaces, dashes and a +86 prefix allowed), or null.</summary>
    public static string? NormalisePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var digits = new string(raw.Where(c => c is not (' ' or '-' or '\t')).ToArray());
        if (digits.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        return digits.Length == 11 && digits[0] == '1' && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private static string Clip(string s) => s.Length > 32 ? s[..32] + "…" : s;
}
