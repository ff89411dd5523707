using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Api.Regions;

public sealed record GridWorkerResponse(Guid Id, string Username, string DisplayName, bool IsActive, DateTimeOffset AssignedAt);

public sealed record GridWorkerListResponse(Guid GridId, string GridName, Guid CommunityId, IReadOnlyList<GridWorkerResponse> Workers);

public static partial class GridEndpoints
{
    /// <summary>
    /// The workers of one grid with their names. Town staff and admins see any grid of their town, community staff
    /// the grids of their community, a grid worker only the grids they are assigned to.
    /// </summary>
    public static async Task<Results<Ok<GridWorkerListResponse>, ProblemHttpResult>> ListGridWorkersAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var grid = await db.Grids.AsNoTracking().Where(g => g.Id == id)
            .Join(db.Communities, g => g.CommunityId, c => c.Id, (g, c) => new { g.Id, g.Name, g.CommunityId, c.TownId })
            .FirstOrDefaultAsync(ct);
        if (grid is null)
        {
            return Problems.From(MicroGridErrors.GridNotFound);
        }

        var allowed = me.Role == Role.GridWorker
            ? me.TownId == grid.TownId && await db.GridAssignments.AnyAsync(a => a.GridId == id && a.WorkerId == me.Id, ct)
            : me.CanAdminister(grid.TownId, grid.CommunityId);
        if (!allowed)
        {
            return Problems.From(MicroGridErrors.OutOfScope);
        }

        var workers = await db.GridAssignments.AsNoTracking().Where(a => a.GridId == id)
            .Join(db.Users, a => a.WorkerId, u => u.Id, (a, u) => new { u.Id, u.Username, u.DisplayName, u.IsActive, a.AssignedAt })
            .OrderBy(w => w.DisplayName).ThenBy(w => w.Username)
            .ToListAsync(ct);
        return TypedResults.Ok(new GridWorkerListResponse(grid.Id, grid.Name, grid.CommunityId,
            workers.Select(w => new GridWorkerResponse(w.Id, w.Username ?? "", w.DisplayName, w.IsActive, w.AssignedAt)).ToList()));
    }
}
