using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Premises;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Premises;

/// <summary>A month's colours in a scope; 转码率 is the share of premises green.</summary>
public sealed record PremisesStats(string Month, bool Closed, int Total, int Green, int Yellow, int Red, int Unchecked)
{
    public double ConversionRate => Total == 0 ? 0 : Math.Round((double)Green / Total, 4);
}

/// <summary>A follow-up with what its queue shows: the premises' name, address and grid, and the assignee's name.</summary>
public sealed record FollowUpView(PremisesFollowUp FollowUp, string PremisesName, string PremisesCode, string Address, string? GridName, string? AssigneeName);

/// <summary>
/// The month's figures and the follow-up queues. A past month reads the frozen month rows (and, for a premises the
/// close has not reached yet, the same rule over its immutable self-checks), so its answer never changes later.
/// </summary>
public sealed class PremisesReports(PointsDbContext db, PremisesService premises, TimeProvider clock)
{
    public static readonly DomainError MonthInFuture = DomainError.Validation("premises.month_future", "不能查询尚未开始的月份");

    public async Task<Result<PremisesStats>> StatsAsync(PremisesScope scope, string? month, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = PremisesMonths.Of(now);
        month ??= current;
        if (!PremisesMonths.TryParse(month, out _, out _))
        {
            return PremisesMonths.MonthInvalid;
        }

        if (string.CompareOrdinal(month, current) > 0)
        {
            return MonthInFuture;
        }

        var end = PremisesMonths.Bounds(month).End;
        if (month == current)
        {
            var ids = premises.InScope(scope).Where(p => p.CreatedAt < end).Select(p => p.Id);
            var total = await ids.CountAsync(ct);
            var latest = await LatestColoursAsync(ids, month, ct);
            return new PremisesStats(month, false, total, latest.Count(c => c == PremisesColour.Green), latest.Count(c => c == PremisesColour.Yellow),
                latest.Count(c => c == PremisesColour.Red), total - latest.Count);
        }

        var frozen = await db.ClosedPremisesMonths.AsNoTracking()
            .Where(m => m.Month == month && m.TownId == scope.TownId && (scope.CommunityId == null || m.CommunityId == scope.CommunityId)
                && (scope.GridId == null || m.GridId == scope.GridId))
            .Select(m => m.Colour).ToListAsync(ct);
        var open = premises.InScope(scope).Where(p => p.CreatedAt < end && !db.ClosedPremisesMonths.Any(m => m.PremisesId == p.Id && m.Month == month)).Select(p => p.Id);
        var openCount = await open.CountAsync(ct);
        var openChecked = await LatestColoursAsync(open, month, ct);
        var colours = frozen.Concat(openChecked).Concat(Enumerable.Repeat(PremisesColour.Red, openCount - openChecked.Count)).ToList();
        return new PremisesStats(month, openCount == 0, colours.Count, colours.Count(c => c == PremisesColour.Green), colours.Count(c => c == PremisesColour.Yellow),
            colours.Count(c => c == PremisesColour.Red), 0);
    }

    /// <summary>The latest self-check's colour of each premises of <paramref name="ids"/> checked in the month.</summary>
    private async Task<List<PremisesColour>> LatestColoursAsync(IQueryable<Guid> ids, string month, CancellationToken ct)
    {
        var checks = await db.PremisesSelfChecks.AsNoTracking().Where(c => c.Month == month && ids.Contains(c.PremisesId))
            .Select(c => new { c.PremisesId, c.Colour, c.CheckedAt }).ToListAsync(ct);
        return [.. checks.GroupBy(c => c.PremisesId).Select(g => g.MaxBy(c => c.CheckedAt)!.Colour)];
    }

    public async Task<(List<FollowUpView> Items, int Total)> FollowUpsAsync(
        PremisesScope scope, IReadOnlyList<Guid>? onlyGrids, FollowUpKind? kind, bool? open, int skip, int take, CancellationToken ct)
    {
        var query = db.PremisesFollowUps.AsNoTracking().Where(f => f.TownId == scope.TownId
            && (scope.CommunityId == null || f.CommunityId == scope.CommunityId)
            && (scope.GridId == null || f.GridId == scope.GridId)
            && (kind == null || f.Kind == kind)
            && (open == null || (open == true ? f.ClosedAt == null : f.ClosedAt != null)));
        if (onlyGrids is not null)
        {
            query = query.Where(f => f.GridId != null && onlyGrids.Contains(f.GridId.Value));
        }

        var total = await query.CountAsync(ct);
        var page = await query.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id).Skip(skip).Take(take).ToListAsync(ct);
        return (await ViewsAsync(page, ct), total);
    }

    public async Task<PremisesFollowUp?> FindFollowUpAsync(Guid id, CancellationToken ct) =>
        await db.PremisesFollowUps.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);

    public async Task<Result<FollowUpView>> CloseFollowUpAsync(Guid id, Guid staffId, string? note, CancellationToken ct)
    {
        var followUp = await db.PremisesFollowUps.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
        if (followUp is null)
        {
            return PremisesFollowUp.NotFound;
        }

        var closed = followUp.Close(staffId, note, clock.GetUtcNow());
        if (!closed.IsSuccess)
        {
            return closed.Error;
        }

        // Guarded on the state the domain started from: two staff closing at once record one closer.
        var rows = await db.PremisesFollowUps.Where(f => f.Id == id && f.ClosedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.ClosedAt, followUp.ClosedAt).SetProperty(f => f.ClosedBy, followUp.ClosedBy).SetProperty(f => f.Note, followUp.Note), ct);
        if (rows != 1)
        {
            return PremisesFollowUp.AlreadyClosed;
        }

        return (await ViewsAsync([followUp], ct))[0];
    }

    private async Task<List<FollowUpView>> ViewsAsync(List<PremisesFollowUp> page, CancellationToken ct)
    {
        var premisesIds = page.Select(f => f.PremisesId).Distinct().ToList();
        var rows = await db.Premises.AsNoTracking().Where(p => premisesIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var gridIds = page.Where(f => f.GridId != null).Select(f => f.GridId!.Value).Distinct().ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => gridIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var userIds = page.Where(f => f.AssigneeId != null).Select(f => f.AssigneeId!.Value).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return [.. page.Select(f => new FollowUpView(f, rows[f.PremisesId].Name, rows[f.PremisesId].Code, rows[f.PremisesId].Address,
            f.GridId is { } g ? grids.GetValueOrDefault(g) : null, f.AssigneeId is { } a ? names.GetValueOrDefault(a) : null))];
    }
}
