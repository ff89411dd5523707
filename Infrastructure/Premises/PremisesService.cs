using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Premises;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Premises;

/// <summary>Where a list or a report looks: a town, optionally one community of it, optionally one grid.</summary>
public sealed record PremisesScope(Guid TownId, Guid? CommunityId, Guid? GridId);

/// <summary>A premises as staff and its resident read it: the row, its code's colour now and its last self-check.</summary>
public sealed record PremisesView(KeyPremises Premises, PremisesColour Colour, DateTimeOffset? LastCheckedAt, string ResponsibleName, string? GridName);

public sealed record NewPremises(string? Name, PremisesKind Kind, Guid? GridId, string? Address, Guid ResponsibleResidentId);

/// <summary>The list (一单一码): staff add premises and publish checklists, the responsible resident self-checks monthly.</summary>
public sealed partial class PremisesService(PointsDbContext db, EarningService earning, TimeProvider clock, ILogger<PremisesService> logger)
{
    /// <summary>Digits and capitals without 0/O and 1/I, as coupon codes: 50 random bits in 10 symbols.</summary>
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public async Task<Result<PremisesView>> CreateAsync(PremisesScope staffScope, Guid staffId, NewPremises request, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().Where(u => u.Id == request.ResponsibleResidentId && u.Role == Role.Resident && u.IsActive)
            .Select(u => new { u.TownId, u.CommunityId, u.DisplayName }).FirstOrDefaultAsync(ct);
        if (resident is null || resident.TownId != staffScope.TownId)
        {
            return KeyPremises.ResponsibleInvalid;
        }

        Guid communityId;
        if (request.GridId is { } gridId)
        {
            var grid = await db.Grids.AsNoTracking().Where(g => g.Id == gridId)
                .Join(db.Communities, g => g.CommunityId, c => c.Id, (g, c) => new { g.CommunityId, c.TownId }).FirstOrDefaultAsync(ct);
            if (grid is null)
            {
                return Domain.Regions.MicroGridErrors.GridNotFound;
            }

            communityId = grid.CommunityId;
            if (grid.TownId != staffScope.TownId)
            {
                return KeyPremises.OutOfScope;
            }
        }
        else if (resident.CommunityId is { } home)
        {
            communityId = home;
        }
        else
        {
            return KeyPremises.ResponsibleInvalid;
        }

        if (staffScope.CommunityId is { } only && only != communityId)
        {
            return KeyPremises.OutOfScope;
        }

        var created = KeyPremises.Create(Guid.CreateVersion7(), new PremisesDraft(request.Name, request.Kind, request.Address), staffScope.TownId, communityId,
            request.GridId, request.ResponsibleResidentId, NewCode(), staffId, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Premises.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db.Premises.Where(p => p.Id == created.Value.Id), ct))[0];
    }

    public async Task<(List<PremisesView> Items, int Total)> ListAsync(PremisesScope scope, int skip, int take, CancellationToken ct)
    {
        var query = InScope(scope);
        var total = await query.CountAsync(ct);
        var page = await ViewsAsync(query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Skip(skip).Take(take), ct);
        return (page, total);
    }

    public async Task<PremisesView?> FindAsync(Guid id, CancellationToken ct) =>
        (await ViewsAsync(db.Premises.Where(p => p.Id == id), ct)).FirstOrDefault();

    public Task<List<PremisesView>> MineAsync(Guid residentId, CancellationToken ct) =>
        ViewsAsync(db.Premises.Where(p => p.ResponsibleResidentId == residentId).OrderBy(p => p.CreatedAt), ct);

    /// <summary>The public side of a code: the premises' name and colour only (no address owner, no person).</summary>
    public async Task<PremisesView?> ByCodeAsync(string code, CancellationToken ct) =>
        (await ViewsAsync(db.Premises.Where(p => p.Code == code), ct)).FirstOrDefault();

    public IQueryable<KeyPremises> InScope(PremisesScope scope) =>
        db.Premises.Where(p => p.TownId == scope.TownId
            && (scope.CommunityId == null || p.CommunityId == scope.CommunityId)
            && (scope.GridId == null || p.GridId == scope.GridId));

    /// <summary>Publishes a new version of the town's checklist for a kind; earlier self-checks keep theirs.</summary>
    public async Task<Result<PremisesChecklist>> PublishChecklistAsync(Guid townId, PremisesKind kind, IReadOnlyList<ChecklistItemDraft>? items, Guid staffId, CancellationToken ct)
    {
        var previous = await db.PremisesChecklists.Where(c => c.TownId == townId && c.Kind == kind).MaxAsync(c => (int?)c.Version, ct);
        var published = PremisesChecklist.Publish(Guid.CreateVersion7(), townId, kind, items, previous, staffId, clock.GetUtcNow());
        if (!published.IsSuccess)
        {
            return published;
        }

        db.PremisesChecklists.Add(published.Value);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return DomainError.Conflict("premises.checklist_concurrent", "检查标准刚被他人更新，请刷新后重试");
        }

        return published;
    }

    /// <summary>The current (latest) checklist of each kind that has one.</summary>
    public async Task<List<PremisesChecklist>> ChecklistsAsync(Guid townId, CancellationToken ct)
    {
        var all = await db.PremisesChecklists.AsNoTracking().Include(c => c.Items).Where(c => c.TownId == townId).ToListAsync(ct);
        return [.. all.GroupBy(c => c.Kind).Select(g => g.MaxBy(c => c.Version)!).OrderBy(c => c.Kind)];
    }

    public async Task<PremisesChecklist?> CurrentChecklistAsync(Guid townId, PremisesKind kind, CancellationToken ct) =>
        await db.PremisesChecklists.AsNoTracking().Include(c => c.Items).Where(c => c.TownId == townId && c.Kind == kind)
            .OrderByDescending(c => c.Version).FirstOrDefaultAsync(ct);

    private static string NewCode() => string.Create(KeyPremises.CodeLength, 0, static (span, _) =>
    {
        Span<byte> bytes = stackalloc byte[KeyPremises.CodeLength];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[bytes[i] % 32];
        }
    });
}
