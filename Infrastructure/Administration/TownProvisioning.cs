using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>A new town and the one-time password of its first admin, who then runs the town from the console.</summary>
public sealed record ProvisionedTown(Town Town, IssuedPassword Admin);

/// <summary>
/// The platform's own work: towns are created here (with their first admin, in one transaction), and platform
/// accounts, which create towns and manage the credit model but administer no town's residents, points or staff.
/// </summary>
public sealed class TownProvisioning(PointsDbContext db, StaffAdministration staff)
{
    public static readonly DomainError NameInvalid = DomainError.Validation("town.name_invalid", $"镇街名称不能为空且不超过{Town.NameMaxLength}个字");
    public static readonly DomainError NameTaken = DomainError.Conflict("town.name_taken", "已有同名镇街");
    public static readonly DomainError NoTownYet = DomainError.Conflict("town.none", "还没有任何镇街：先创建一个镇街，平台账户挂在它下面");

    public async Task<IReadOnlyList<Town>> ListAsync(CancellationToken ct) =>
        await db.Towns.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);

    public async Task<Result<ProvisionedTown>> CreateTownAsync(string? name, string? adminUsername, string? adminDisplayName, CancellationToken ct)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > Town.NameMaxLength)
        {
            return NameInvalid;
        }

        if (await db.Towns.AnyAsync(t => t.Name == trimmed, ct))
        {
            return NameTaken;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var town = new Town(Guid.CreateVersion7(), trimmed);
        db.Towns.Add(town);
        await db.SaveChangesAsync(ct);
        var admin = await staff.AddAccountAsync(town.Id, adminUsername, adminDisplayName, Role.Admin, null, null, ct);
        if (!admin.IsSuccess)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return admin.Error;
        }

        await tx.CommitAsync(ct);
        return new ProvisionedTown(town, admin.Value);
    }

    /// <summary>
    /// A platform account (one-time password). It is registered under the first town by name, because every account
    /// belongs to a town; that gives it no right in the town.
    /// </summary>
    public async Task<Result<IssuedPassword>> CreatePlatformAccountAsync(string? username, string? displayName, CancellationToken ct)
    {
        var home = await db.Towns.AsNoTracking().OrderBy(t => t.Name).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        return home is { } townId ? await staff.AddAccountAsync(townId, username, displayName, Role.Platform, null, null, ct) : NoTownYet;
    }
}
