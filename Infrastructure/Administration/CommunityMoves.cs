using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>A move request with the names a person reads.</summary>
public sealed record CommunityMoveRow(CommunityMove Move, string ResidentName, string? FromCommunityName, string ToCommunityName, string? ToGridName);

/// <summary>
/// Residents ask to belong to a community (their first, or a move); staff of the destination community or its town
/// approve or reject, and only an approval changes the resident's community and grid.
/// </summary>
public sealed class CommunityMoves(PointsDbContext db, TimeProvider clock)
{
    public static readonly DomainError Pending = DomainError.Conflict("community_move.pending", "已有一份待审核的村社变更申请，请等待审核或先撤回");
    public static readonly DomainError NotFound = DomainError.NotFound("community_move.not_found", "申请不存在");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("community_move.out_of_scope", "只能审核迁入本村社（镇街）的申请");

    public async Task<Result<CommunityMoveRow>> RequestAsync(Guid residentId, Guid communityId, Guid? gridId, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == residentId && u.Role == Role.Resident, ct);
        if (resident is null)
        {
            return DomainError.Forbidden("community_move.residents_only", "只有居民可以申请变更所属村社");
        }

        if (await db.CommunityMoves.AnyAsync(m => m.ResidentId == residentId && m.Status == CommunityMoveStatus.Pending, ct))
        {
            return Pending;
        }

        var to = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == communityId, ct);
        var grid = gridId is { } g ? await db.Grids.AsNoTracking().FirstOrDefaultAsync(x => x.Id == g, ct) : null;
        if (to is null || (gridId is not null && grid is null))
        {
            return DomainError.Validation("community_move.destination_invalid", "所选村社或网格不存在、已撤销或不在本镇街");
        }

        var requested = CommunityMove.Request(Guid.CreateVersion7(), residentId, resident.TownId, resident.CommunityId, to, grid, clock.GetUtcNow());
        if (!requested.IsSuccess)
        {
            return requested.Error;
        }

        db.CommunityMoves.Add(requested.Value);
        await db.SaveChangesAsync(ct);
        return (await DescribeAsync([requested.Value], ct))[0];
    }

    public async Task<IReadOnlyList<CommunityMoveRow>> MineAsync(Guid residentId, CancellationToken ct) =>
        await DescribeAsync(await db.CommunityMoves.AsNoTracking().Where(m => m.ResidentId == residentId).OrderByDescending(m => m.RequestedAt).ToListAsync(ct), ct);

    public async Task<Result<CommunityMoveRow>> WithdrawAsync(Guid residentId, Guid id, CancellationToken ct)
    {
        var move = await db.CommunityMoves.FirstOrDefaultAsync(m => m.Id == id && m.ResidentId == residentId, ct);
        if (move is null)
        {
            return NotFound;
        }

        var withdrawn = move.Withdraw(clock.GetUtcNow());
        if (!withdrawn.IsSuccess)
        {
            return withdrawn.Error;
        }

        await db.SaveChangesAsync(ct);
        return (await DescribeAsync([move], ct))[0];
    }

    /// <summary>The requests into the communities this staff member administers: community staff their own, town staff and admins their town's.</summary>
    public async Task<IReadOnlyList<CommunityMoveRow>> QueueAsync(Guid townId, Guid? onlyCommunityId, CommunityMoveStatus? status, CancellationToken ct)
    {
        var query = db.CommunityMoves.AsNoTracking().Where(m => m.TownId == townId);
        if (onlyCommunityId is { } community)
        {
            query = query.Where(m => m.ToCommunityId == community);
        }

        query = query.Where(m => m.Status == (status ?? CommunityMoveStatus.Pending));
        return await DescribeAsync(await query.OrderBy(m => m.RequestedAt).Take(200).ToListAsync(ct), ct);
    }

    /// <summary>Approves (moving the resident in the same save) or rejects; <paramref name="mayAdminister"/> is asked with the destination's town and community.</summary>
    public async Task<Result<CommunityMoveRow>> DecideAsync(Guid id, bool approve, Guid staffId, string? note, Func<Guid, Guid, bool> mayAdminister, CancellationToken ct)
    {
        var move = await db.CommunityMoves.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (move is null)
        {
            return NotFound;
        }

        if (!mayAdminister(move.TownId, move.ToCommunityId))
        {
            return OutOfScope;
        }

        var now = clock.GetUtcNow();
        var decided = approve ? move.Approve(staffId, note, now) : move.Reject(staffId, note, now);
        if (!decided.IsSuccess)
        {
            return decided.Error;
        }

        if (approve)
        {
            var resident = await db.Users.FirstAsync(u => u.Id == move.ResidentId, ct);
            resident.MoveTo(move);
        }

        await db.SaveChangesAsync(ct);
        return (await DescribeAsync([move], ct))[0];
    }

    private async Task<List<CommunityMoveRow>> DescribeAsync(IReadOnlyList<CommunityMove> moves, CancellationToken ct)
    {
        var communityIds = moves.Select(m => m.ToCommunityId).Concat(moves.Where(m => m.FromCommunityId is not null).Select(m => m.FromCommunityId!.Value)).Distinct().ToList();
        var communities = await db.Communities.AsNoTracking().Where(c => communityIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var gridIds = moves.Where(m => m.ToGridId is not null).Select(m => m.ToGridId!.Value).Distinct().ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => gridIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var residentIds = moves.Select(m => m.ResidentId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => residentIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return moves.Select(m => new CommunityMoveRow(m, names.GetValueOrDefault(m.ResidentId) ?? string.Empty,
            m.FromCommunityId is { } from ? communities.GetValueOrDefault(from) : null,
            communities.GetValueOrDefault(m.ToCommunityId) ?? string.Empty,
            m.ToGridId is { } grid ? grids.GetValueOrDefault(grid) : null)).ToList();
    }
}
