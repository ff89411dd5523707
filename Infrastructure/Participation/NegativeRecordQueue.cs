using Microsoft.EntityFrameworkCore;
using Points.Domain.Participation;
using Points.Infrastructure.Administration;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>One negative record in a staff list, with the resident's name and community.</summary>
public sealed record NegativeRecordRow(
    Guid Id, Guid ResidentId, string ResidentName, Guid CommunityId, string CommunityName, NegativeRecordKind Kind, string Description, int Severity,
    DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, NegativeRecordStatus Status, bool Counting, string? Explanation, string? AppealReason,
    DateTimeOffset? AppealedAt, Guid RecordedBy);

/// <summary>
/// The negative records of the communities a staff member administers (<paramref name="CommunityId"/> set: that one only),
/// newest first; appeals come oldest first, the order they are to be decided in.
/// </summary>
public sealed record NegativeRecordFilter(Guid TownId, Guid? CommunityId, NegativeRecordStatus? Status, int Page, int PageSize);

public sealed class NegativeRecordQueue(PointsDbContext db, TimeProvider clock)
{
    public async Task<Paged<NegativeRecordRow>> ListAsync(NegativeRecordFilter filter, CancellationToken ct)
    {
        var query = db.NegativeRecords.AsNoTracking().Where(r => r.TownId == filter.TownId);
        if (filter.CommunityId is { } community)
        {
            query = query.Where(r => r.CommunityId == community);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        var total = await query.CountAsync(ct);
        var joined = query
            .Join(db.Users.AsNoTracking(), r => r.ResidentId, u => u.Id, (r, u) => new { Record = r, u.DisplayName })
            .Join(db.Communities.AsNoTracking(), x => x.Record.CommunityId, c => c.Id, (x, c) => new { x.Record, x.DisplayName, Community = c.Name });
        var ordered = filter.Status == NegativeRecordStatus.Appealed
            ? joined.OrderBy(x => x.Record.AppealedAt).ThenBy(x => x.Record.Id)
            : joined.OrderByDescending(x => x.Record.CreatedAt).ThenByDescending(x => x.Record.Id);
        var rows = await ordered.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var items = rows.Select(x => new NegativeRecordRow(
            x.Record.Id, x.Record.ResidentId, x.DisplayName, x.Record.CommunityId, x.Community, x.Record.Kind, x.Record.Description, x.Record.Severity,
            x.Record.OccurredAt, x.Record.ExpiresAt, x.Record.Status, x.Record.IsCounting(now), x.Record.Explanation, x.Record.AppealReason,
            x.Record.AppealedAt, x.Record.RecordedBy)).ToList();
        return new Paged<NegativeRecordRow>(items, filter.Page, filter.PageSize, total);
    }
}
