using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>
/// A town's communities and grids: create, rename, retire (hidden from pickers, history kept) and restore.
/// Names are unique among the live communities of a town and the live grids of a community.
/// </summary>
public sealed class RegionAdministration(PointsDbContext db, TimeProvider clock)
{
    public async Task<Result<Community>> CreateCommunityAsync(Guid townId, string? name, Func<Guid, bool> mayAdministerTown, CancellationToken ct)
    {
        if (!await db.Towns.AnyAsync(t => t.Id == townId, ct))
        {
            return AdministrationErrors.TownNotFound;
        }

        if (!mayAdministerTown(townId))
        {
            return AdministrationErrors.OutOfScope;
        }

        var created = Community.Create(Guid.CreateVersion7(), townId, name);
        if (!created.IsSuccess)
        {
            return created;
        }

        var community = created.Value;
        if (await db.Communities.AnyAsync(c => c.TownId == townId && c.Name == community.Name && c.RetiredAt == null, ct))
        {
            return AdministrationErrors.CommunityNameTaken;
        }

        db.Communities.Add(community);
        await db.SaveChangesAsync(ct);
        return community;
    }

    public async Task<Result<Community>> UpdateCommunityAsync(Guid id, string? name, bool? retired, Func<Guid, bool> mayAdministerTown, CancellationToken ct)
    {
        var community = await db.Communities.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return AdministrationErrors.CommunityNotFound;
        }

        if (!mayAdministerTown(community.TownId))
        {
            return AdministrationErrors.OutOfScope;
        }

        if (name is not null)
        {
            var renamed = community.Rename(name);
            if (!renamed.IsSuccess)
            {
                return renamed;
            }
        }

        ApplyRetired(retired, community.Retire, community.Restore);
        if (!community.IsRetired && await db.Communities.AnyAsync(c => c.TownId == community.TownId && c.Id != id && c.Name == community.Name && c.RetiredAt == null, ct))
        {
            return AdministrationErrors.CommunityNameTaken;
        }

        await db.SaveChangesAsync(ct);
        return community;
    }

    public async Task<Result<Grid>> CreateGridAsync(Guid communityId, string? name, Func<Guid, bool> mayAdministerTown, CancellationToken ct)
    {
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == communityId, ct);
        if (community is null)
        {
            return AdministrationErrors.CommunityNotFound;
        }

        if (!mayAdministerTown(community.TownId))
        {
            return AdministrationErrors.OutOfScope;
        }

        if (community.IsRetired)
        {
            return AdministrationErrors.CommunityRetired;
        }

        var created = Grid.Create(Guid.CreateVersion7(), communityId, name);
        if (!created.IsSuccess)
        {
            return created;
        }

        var grid = created.Value;
        if (await db.Grids.AnyAsync(g => g.CommunityId == communityId && g.Name == grid.Name && g.RetiredAt == null, ct))
        {
            return AdministrationErrors.GridNameTaken;
        }

        db.Grids.Add(grid);
        await db.SaveChangesAsync(ct);
        return grid;
    }

    public async Task<Result<Grid>> UpdateGridAsync(Guid id, string? name, bool? retired, Func<Guid, bool> mayAdministerTown, CancellationToken ct)
    {
        var found = await db.Grids.Join(db.Communities, g => g.CommunityId, c => c.Id, (g, c) => new { Grid = g, c.TownId })
            .FirstOrDefaultAsync(x => x.Grid.Id == id, ct);
        if (found is null)
        {
            return AdministrationErrors.GridNotFound;
        }

        if (!mayAdministerTown(found.TownId))
        {
            return AdministrationErrors.OutOfScope;
        }

        var grid = found.Grid;
        if (name is not null)
        {
            var renamed = grid.Rename(name);
            if (!renamed.IsSuccess)
            {
                return renamed;
            }
        }

        ApplyRetired(retired, grid.Retire, grid.Restore);
        if (!grid.IsRetired && await db.Grids.AnyAsync(g => g.CommunityId == grid.CommunityId && g.Id != id && g.Name == grid.Name && g.RetiredAt == null, ct))
        {
            return AdministrationErrors.GridNameTaken;
        }

        await db.SaveChangesAsync(ct);
        return grid;
    }

    private void ApplyRetired(bool? retired, Action<DateTimeOffset> retire, Action restore)
    {
        if (retired == true)
        {
            retire(clock.GetUtcNow());
        }
        else if (retired == false)
        {
            restore();
        }
    }
}
