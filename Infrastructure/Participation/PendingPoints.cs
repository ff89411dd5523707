using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>
/// Points a resident can expect but has not received yet: each declaration still under review (Pending or
/// NeedMoreInfo) at the points the review would pay by default — what the community proposed when it
/// forwarded the declaration to the town, else the town's default for the category (its category setting, or
/// the built-in default) — plus each accepted hazard report not yet closed (Accepted or Fixing) at the
/// hazard points paid on closing. An estimate: reviewers may set other points, and the daily caps apply
/// when the award posts. Two indexed queries per resident.
/// </summary>
public sealed class PendingPoints(PointsDbContext db, IOptions<ParticipationOptions> options)
{
    public async Task<long> OfResidentAsync(Guid residentId, CancellationToken ct)
    {
        var declarations = await db.Declarations.AsNoTracking()
            .Where(d => d.ResidentId == residentId && (d.Status == DeclarationStatus.Pending || d.Status == DeclarationStatus.NeedMoreInfo))
            .Select(d => new
            {
                d.TownId,
                d.Category,
                d.ProposedPoints,
                Configured = db.DeclarationCategorySettings
                    .Where(s => s.TownId == d.TownId && s.Category == d.Category)
                    .Select(s => (int?)s.DefaultPoints)
                    .FirstOrDefault(),
            })
            .ToListAsync(ct);
        var hazards = await db.HazardReports.AsNoTracking()
            .CountAsync(h => h.ReporterId == residentId && (h.Status == HazardStatus.Accepted || h.Status == HazardStatus.Fixing), ct);

        var pending = declarations.Sum(d => (long)Declaration.DefaultReviewPoints(d.Category, d.ProposedPoints, d.Configured));
        return pending + ((long)hazards * Math.Max(0, options.Value.HazardReportPoints));
    }
}
