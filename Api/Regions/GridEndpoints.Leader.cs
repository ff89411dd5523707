using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Residents;

namespace Points.Api.Regions;

public sealed record MicroGridResidentResponse(Guid Id, string DisplayName, string? PhoneMasked, bool IsLeader);

public sealed record MicroGridReportResponse(Guid Id, HazardCategory Category, string Description, string Address, HazardStatus Status, HazardUrgency Urgency,
    DateTimeOffset ReportedAt, DateTimeOffset CloseDueAt, bool Overdue);

/// <summary>A micro-grid as its leader (微网格长) sees it: who lives there and what is still open there.</summary>
public sealed record LedMicroGridResponse(Guid Id, string Name, MicroGridKind Kind, Guid GridId, string GridName, Guid CommunityId,
    IReadOnlyList<MicroGridResidentResponse> Residents, IReadOnlyList<MicroGridReportResponse> OpenReports);

public static partial class GridEndpoints
{
    public static readonly Domain.Common.DomainError NotALeader = Domain.Common.DomainError.NotFound("micro_grid.not_leader", "您不是任何微网格的微网格长");

    /// <summary>
    /// The micro-grid the caller leads (微网格长: a resident staff made leader with <c>PUT /api/micro-grids/{id}/leader</c>):
    /// its residents, and the open hazard reports of residents living there. Nothing outside that one micro-grid.
    /// </summary>
    public static async Task<Results<Ok<LedMicroGridResponse>, ProblemHttpResult>> MyMicroGridAsync(
        ClaimsPrincipal principal, PointsDbContext db, ResidentDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var micro = await db.MicroGrids.AsNoTracking().Where(m => m.LeaderId == me.Id && m.TownId == me.TownId).OrderBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);
        if (micro is null)
        {
            return Problems.From(NotALeader);
        }

        var gridName = await db.Grids.AsNoTracking().Where(g => g.Id == micro.GridId).Select(g => g.Name).FirstAsync(ct);
        var residents = await db.Users.AsNoTracking().Where(u => u.MicroGridId == micro.Id && u.Role == Role.Resident && u.IsActive)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Take(MaxMicroGridResidents).ToListAsync(ct);
        var summaries = await directory.DescribeAsync(residents, ct);
        var residentIds = residents.Select(u => u.Id).ToList();
        var open = await db.HazardReports.AsNoTracking()
            .Where(h => residentIds.Contains(h.ReporterId) && h.TownId == micro.TownId
                && (h.Status == HazardStatus.Reported || h.Status == HazardStatus.Accepted || h.Status == HazardStatus.Fixing))
            .OrderBy(h => h.CloseDueAt).Take(MaxMicroGridResidents).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new LedMicroGridResponse(micro.Id, micro.Name, micro.Kind, micro.GridId, gridName, micro.CommunityId,
            summaries.Select(s => new MicroGridResidentResponse(s.Id, s.DisplayName, s.PhoneMasked, s.Id == me.Id)).ToList(),
            open.Select(h => new MicroGridReportResponse(h.Id, h.Category, h.Description, h.Address, h.Status, h.Urgency, h.ReportedAt, h.CloseDueAt, h.IsOverdue(now))).ToList()));
    }

    /// <summary>A micro-grid is a stairwell or a building: a few dozen households, never more than this in one answer.</summary>
    public const int MaxMicroGridResidents = 500;
}
