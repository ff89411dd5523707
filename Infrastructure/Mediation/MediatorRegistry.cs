using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Mediation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Mediation;

/// <summary>A mediator as staff see them: who, where and what they take, their open cases and their record.</summary>
public sealed record MediatorView(Mediator Mediator, string Name, IReadOnlyList<(Guid Id, string Name)> Areas, int OpenCases, int Resolved, int Closed);

/// <summary>One ranked candidate for a case: whether they serve its community and take its kind, and their load.</summary>
public sealed record MediatorSuggestion(MediatorView Mediator, bool ServesArea, bool TakesKind);

/// <summary>Staff register the town's volunteer mediators (老娘舅), change what they serve, and rank them for a case.</summary>
public sealed class MediatorRegistry(PointsDbContext db, TimeProvider clock)
{
    public static readonly DomainError OutOfScope = DomainError.Forbidden("mediation.out_of_scope", "只能管理本村社（镇街）的调解工作");

    public async Task<Result<MediatorView>> RegisterAsync(Actor me, Guid residentId, IReadOnlyCollection<Guid> areas, IReadOnlyCollection<MediationKind> kinds, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == residentId && u.Role == Role.Resident && u.IsActive, ct);
        if (resident is null || resident.TownId != me.TownId)
        {
            return Mediator.NotAResident;
        }

        if (resident.CommunityId is not { } home || !me.CanAdminister(resident.TownId, home))
        {
            return OutOfScope;
        }

        if (await AreasInvalidAsync(me, resident.TownId, areas, ct))
        {
            return Mediator.AreasInvalid;
        }

        if (await db.Mediators.AnyAsync(m => m.ResidentId == residentId, ct))
        {
            return Mediator.AlreadyRegistered;
        }

        var created = Mediator.Register(Guid.CreateVersion7(), residentId, resident.TownId, areas, kinds, me.Id, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Mediators.Add(created.Value);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return Mediator.AlreadyRegistered;
        }

        return (await ViewsAsync(resident.TownId, [created.Value], ct))[0];
    }

    public async Task<Result<MediatorView>> UpdateAsync(Actor me, Guid id, IReadOnlyCollection<Guid>? areas, IReadOnlyCollection<MediationKind>? kinds, bool? active, CancellationToken ct)
    {
        var mediator = await db.Mediators.FirstOrDefaultAsync(m => m.Id == id && m.TownId == me.TownId, ct);
        if (mediator is null)
        {
            return Mediator.NotFound;
        }

        var home = await db.Users.AsNoTracking().Where(u => u.Id == mediator.ResidentId).Select(u => u.CommunityId).FirstOrDefaultAsync(ct);
        if (home is not { } community || !me.CanAdminister(mediator.TownId, community))
        {
            return OutOfScope;
        }

        if (areas is not null && await AreasInvalidAsync(me, mediator.TownId, areas, ct))
        {
            return Mediator.AreasInvalid;
        }

        var updated = mediator.Update(areas, kinds, active);
        if (!updated.IsSuccess)
        {
            db.ChangeTracker.Clear();
            return updated.Error;
        }

        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(mediator.TownId, [mediator], ct))[0];
    }

    /// <summary>The town's mediators (community staff see those serving their community), active first.</summary>
    public async Task<Result<IReadOnlyList<MediatorView>>> ListAsync(Actor me, CancellationToken ct)
    {
        if (me.TownId is not { } townId || !me.IsStaff)
        {
            return OutOfScope;
        }

        var all = await db.Mediators.AsNoTracking().Where(m => m.TownId == townId).ToListAsync(ct);
        var visible = me.Role == Role.CommunityStaff ? all.Where(m => me.CommunityId is { } c && m.Serves(c)).ToList() : all;
        var views = await ViewsAsync(townId, visible, ct);
        return Result<IReadOnlyList<MediatorView>>.Ok([.. views.OrderByDescending(v => v.Mediator.IsActive).ThenBy(v => v.Name, StringComparer.Ordinal)]);
    }

    /// <summary>The active mediators of the case's town ranked for it (area, kind, then the lightest load); parties left out.</summary>
    public async Task<IReadOnlyList<MediatorSuggestion>> SuggestAsync(MediationRequest request, CancellationToken ct)
    {
        var active = await db.Mediators.AsNoTracking()
            .Where(m => m.TownId == request.TownId && m.IsActive && m.ResidentId != request.RequesterId && m.ResidentId != request.OtherPartyResidentId)
            .ToListAsync(ct);
        var views = await ViewsAsync(request.TownId, active, ct);
        return [.. Mediator.Rank(views, v => v.Mediator, v => v.OpenCases, request.CommunityId, request.Kind)
            .Select(v => new MediatorSuggestion(v, v.Mediator.Serves(request.CommunityId), v.Mediator.Takes(request.Kind)))];
    }

    public Task<Mediator?> OfResidentAsync(Guid residentId, CancellationToken ct) =>
        db.Mediators.AsNoTracking().FirstOrDefaultAsync(m => m.ResidentId == residentId, ct);

    /// <summary>Areas must be communities of the town; community staff may name only their own community.</summary>
    private async Task<bool> AreasInvalidAsync(Actor me, Guid townId, IReadOnlyCollection<Guid> areas, CancellationToken ct)
    {
        var wanted = areas.Distinct().ToList();
        if (wanted.Count is 0 or > Mediator.MaxAreas || (me.Role == Role.CommunityStaff && wanted.Any(a => a != me.CommunityId)))
        {
            return true;
        }

        return await db.Communities.AsNoTracking().CountAsync(c => wanted.Contains(c.Id) && c.TownId == townId, ct) != wanted.Count;
    }

    private async Task<List<MediatorView>> ViewsAsync(Guid townId, IReadOnlyList<Mediator> mediators, CancellationToken ct)
    {
        var ids = mediators.Select(m => m.Id).ToList();
        var residentIds = mediators.Select(m => m.ResidentId).ToList();
        var names = await db.Users.AsNoTracking().Where(u => residentIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var communities = await db.Communities.AsNoTracking().Where(c => c.TownId == townId).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var cases = await db.MediationRequests.AsNoTracking().Where(r => r.MediatorId != null && ids.Contains(r.MediatorId.Value))
            .GroupBy(r => new { Mediator = r.MediatorId!.Value, r.Status, r.Outcome, r.Confirmed })
            .Select(g => new { g.Key.Mediator, g.Key.Status, g.Key.Outcome, g.Key.Confirmed, Count = g.Count() })
            .ToListAsync(ct);
        return [.. mediators.Select(m =>
        {
            var mine = cases.Where(c => c.Mediator == m.Id).ToList();
            var open = mine.Where(c => c.Status is MediationStatus.Dispatched or MediationStatus.Accepted or MediationStatus.AwaitingConfirmation).Sum(c => c.Count);
            var closed = mine.Where(c => c.Status == MediationStatus.Closed).Sum(c => c.Count);
            var resolved = mine.Where(c => c.Status == MediationStatus.Closed && c.Outcome == MediationOutcome.Resolved && c.Confirmed == true).Sum(c => c.Count);
            return new MediatorView(m, names.GetValueOrDefault(m.ResidentId, "居民"),
                [.. m.AreaIds.Select(a => (a, communities.GetValueOrDefault(a, "")))], open, resolved, closed);
        })];
    }
}
