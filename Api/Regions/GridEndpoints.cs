using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Api.Regions;

public sealed record CreateMicroGridRequest(
    [property: Required(ErrorMessage = "请填写微网格名称")]
    [property: StringLength(MicroGrid.NameMaxLength, ErrorMessage = "微网格名称不超过64个字")]
    string? Name,
    [property: Required(ErrorMessage = "请选择微网格类型")] MicroGridKind? Kind);

public sealed record MicroGridResponse(Guid Id, Guid GridId, Guid CommunityId, string Name, MicroGridKind Kind, Guid? LeaderId);

public sealed record GridWorkersRequest([property: Required(ErrorMessage = "请选择网格员")] IReadOnlyList<Guid>? WorkerIds);

public sealed record GridWorkersResponse(Guid GridId, IReadOnlyList<Guid> WorkerIds);

public sealed record MicroGridLeaderRequest(Guid? ResidentId);

public sealed record ResidentMicroGridRequest([property: Required(ErrorMessage = "请选择微网格")] Guid? MicroGridId);

public sealed record RegionNodeResponse(Guid Id, string Kind, string Name, int Residents, int Workers, int OpenReports, MicroGridKind? MicroGridKind, IReadOnlyList<RegionNodeResponse> Children,
    Guid? LeaderId = null, string? LeaderName = null);

public static partial class GridEndpoints
{
    public static void MapGrids(this IEndpointRouteBuilder app)
    {
        var grids = app.MapGroup("/api/grids").WithTags("Grids").RequireAuthorization();
        grids.MapPost("/{id:guid}/micro-grids", CreateMicroGridAsync).WithName(nameof(CreateMicroGridAsync)).WithSummary("在网格下新建微网格（楼道、楼栋、街段、单位、企业、村民小组）")
            .RequireAuthorization(Policies.TownStaff);
        grids.MapPut("/{id:guid}/workers", SetGridWorkersAsync).WithName(nameof(SetGridWorkersAsync)).WithSummary("设定网格的网格员（专职/兼职）")
            .RequireAuthorization(Policies.TownStaff);
        grids.MapGet("/{id:guid}/workers", ListGridWorkersAsync).WithName(nameof(ListGridWorkersAsync)).WithSummary("网格的网格员（姓名、用户名、账户状态、设定时间）")
            .RequireAuthorization(Policies.GridStaff);
        app.MapGroup("/api/micro-grids").WithTags("Grids").RequireAuthorization()
            .MapPut("/{id:guid}/leader", SetMicroGridLeaderAsync).WithName(nameof(SetMicroGridLeaderAsync)).WithSummary("设定微网格长（住在该微网格的居民）")
            .RequireAuthorization(Policies.Staff);
        app.MapGroup("/api/me").WithTags("Grids").RequireAuthorization()
            .MapGet("/micro-grid", MyMicroGridAsync).WithName(nameof(MyMicroGridAsync)).WithSummary("微网格长：我负责的微网格的居民和未办结隐患")
            .RequireAuthorization(Policies.MicroGridLeader);
        app.MapGroup("/api/residents").WithTags("Grids").RequireAuthorization()
            .MapPut("/{id:guid}/micro-grid", SetResidentMicroGridAsync).WithName(nameof(SetResidentMicroGridAsync)).WithSummary("登记居民所在的微网格")
            .RequireAuthorization(Policies.Staff);
        app.MapGroup("/api/regions").WithTags("Grids").RequireAuthorization()
            .MapGet("/tree", RegionTreeAsync).WithName(nameof(RegionTreeAsync)).WithSummary("镇街→村社→网格→微网格，含居民数、网格员数、未办结隐患数")
            .RequireAuthorization(Policies.GridStaff);
    }

    public static async Task<Results<Created<MicroGridResponse>, ProblemHttpResult, ValidationProblem>> CreateMicroGridAsync(
        Guid id, CreateMicroGridRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var (grid, refused) = await GridInScopeAsync(db, me, id, ct);
        if (refused is not null)
        {
            return refused;
        }

        if (await db.MicroGrids.AnyAsync(m => m.GridId == id && m.Name == request.Name!.Trim(), ct))
        {
            return Problems.From(Domain.Common.DomainError.Conflict("micro_grid.duplicate", "该网格下已有同名微网格"));
        }

        var created = MicroGrid.Create(Guid.CreateVersion7(), me.TownId!.Value, grid!, request.Name, request.Kind!.Value, clock.GetUtcNow());
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        db.MicroGrids.Add(created.Value);
        await db.SaveChangesAsync(ct);
        var m = created.Value;
        return TypedResults.Created($"/api/micro-grids/{m.Id}", new MicroGridResponse(m.Id, m.GridId, m.CommunityId, m.Name, m.Kind, m.LeaderId));
    }

    public static async Task<Results<Ok<GridWorkersResponse>, ProblemHttpResult, ValidationProblem>> SetGridWorkersAsync(
        Guid id, GridWorkersRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var (_, refused) = await GridInScopeAsync(db, me, id, ct);
        if (refused is not null)
        {
            return refused;
        }

        var wanted = request.WorkerIds!.Distinct().ToList();
        if (wanted.Count > MicroGridErrors.MaxWorkersPerGrid)
        {
            return Problems.From(MicroGridErrors.TooManyWorkers);
        }

        var valid = await db.Users.CountAsync(u => wanted.Contains(u.Id) && u.Role == Role.GridWorker && u.TownId == me.TownId && u.IsActive, ct);
        if (valid != wanted.Count)
        {
            return Problems.From(MicroGridErrors.WorkerInvalid);
        }

        var now = clock.GetUtcNow();
        var current = await db.GridAssignments.Where(a => a.GridId == id).ToListAsync(ct);
        db.GridAssignments.RemoveRange(current.Where(a => !wanted.Contains(a.WorkerId)));
        db.GridAssignments.AddRange(wanted.Where(w => current.All(a => a.WorkerId != w)).Select(w => new GridAssignment(id, w, now)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new GridWorkersResponse(id, wanted.Order().ToList()));
    }

    public static async Task<Results<Ok<MicroGridResponse>, ProblemHttpResult, ValidationProblem>> SetMicroGridLeaderAsync(
        Guid id, MicroGridLeaderRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var micro = await db.MicroGrids.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (micro is null)
        {
            return Problems.From(MicroGridErrors.NotFound);
        }

        if (!me.CanAdminister(micro.TownId, micro.CommunityId))
        {
            return Problems.From(MicroGridErrors.OutOfScope);
        }

        var residentsMicroGrid = request.ResidentId is { } rid
            ? await db.Users.Where(u => u.Id == rid && u.Role == Role.Resident).Select(u => u.MicroGridId).FirstOrDefaultAsync(ct)
            : null;
        var set = micro.SetLeader(request.ResidentId, residentsMicroGrid);
        if (!set.IsSuccess)
        {
            return Problems.From(set.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new MicroGridResponse(micro.Id, micro.GridId, micro.CommunityId, micro.Name, micro.Kind, micro.LeaderId));
    }

    public static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> SetResidentMicroGridAsync(
        Guid id, ResidentMicroGridRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var resident = await db.Users.FirstOrDefaultAsync(u => u.Id == id && u.Role == Role.Resident, ct);
        var micro = await db.MicroGrids.AsNoTracking().FirstOrDefaultAsync(m => m.Id == request.MicroGridId, ct);
        if (resident is null)
        {
            return Problems.NotFound("residents.not_found", "居民不存在");
        }

        if (micro is null)
        {
            return Problems.From(MicroGridErrors.NotFound);
        }

        // Staff act on a resident of their scope, and only move them to a micro-grid of their scope.
        if (!me.CanAdminister(resident.TownId, resident.CommunityId ?? Guid.Empty) && !me.CanAdministerTown(resident.TownId)
            || !me.CanAdminister(micro.TownId, micro.CommunityId))
        {
            return Problems.From(MicroGridErrors.OutOfScope);
        }

        var set = resident.SetMicroGrid(micro);
        if (!set.IsSuccess)
        {
            return Problems.From(set.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<RegionNodeResponse>> RegionTreeAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var townId = me.TownId!.Value;
        var town = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => new { t.Id, t.Name }).FirstAsync(ct);
        var communities = db.Communities.AsNoTracking().Where(c => c.TownId == townId && c.RetiredAt == null);
        var myGrids = me.Role == Role.GridWorker ? await db.GridAssignments.Where(a => a.WorkerId == me.Id).Select(a => a.GridId).ToListAsync(ct) : null;
        if (me.Role == Role.CommunityStaff)
        {
            communities = communities.Where(c => c.Id == me.CommunityId);
        }

        var communityList = await communities.OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct);
        var communityIds = communityList.Select(c => c.Id).ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => communityIds.Contains(g.CommunityId) && g.RetiredAt == null)
            .Where(g => myGrids == null || myGrids.Contains(g.Id)).OrderBy(g => g.Name).Select(g => new { g.Id, g.CommunityId, g.Name }).ToListAsync(ct);
        if (myGrids is not null)
        {
            communityList = communityList.Where(c => grids.Any(g => g.CommunityId == c.Id)).ToList();
        }

        var gridIds = grids.Select(g => g.Id).ToList();
        var micros = await db.MicroGrids.AsNoTracking().Where(m => gridIds.Contains(m.GridId)).OrderBy(m => m.Name).ToListAsync(ct);
        var leaderIds = micros.Where(m => m.LeaderId != null).Select(m => m.LeaderId!.Value).ToList();
        var leaders = await db.Users.AsNoTracking().Where(u => leaderIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var residents = await db.Users.AsNoTracking().Where(u => u.TownId == townId && u.Role == Role.Resident && u.GridId != null && gridIds.Contains(u.GridId.Value))
            .GroupBy(u => new { u.GridId, u.MicroGridId }).Select(g => new { g.Key.GridId, g.Key.MicroGridId, Count = g.Count() }).ToListAsync(ct);
        var workers = await db.GridAssignments.AsNoTracking().Where(a => gridIds.Contains(a.GridId)).GroupBy(a => a.GridId)
            .Select(g => new { GridId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var open = await db.HazardReports.AsNoTracking()
            .Where(h => h.TownId == townId && h.GridId != null && gridIds.Contains(h.GridId.Value)
                && (h.Status == HazardStatus.Reported || h.Status == HazardStatus.Accepted || h.Status == HazardStatus.Fixing))
            .GroupBy(h => h.GridId).Select(g => new { GridId = g.Key, Count = g.Count() }).ToListAsync(ct);

        var gridNodes = grids.Select(g => new RegionNodeResponse(g.Id, "Grid", g.Name,
            residents.Where(r => r.GridId == g.Id).Sum(r => r.Count), workers.Where(w => w.GridId == g.Id).Sum(w => w.Count), open.Where(o => o.GridId == g.Id).Sum(o => o.Count), null,
            micros.Where(m => m.GridId == g.Id).Select(m => new RegionNodeResponse(m.Id, "MicroGrid", m.Name,
                residents.Where(r => r.MicroGridId == m.Id).Sum(r => r.Count), 0, 0, m.Kind, [],
                m.LeaderId, m.LeaderId is { } l && leaders.TryGetValue(l, out var ln) ? ln : null)).ToList())).ToList();
        var communityNodes = communityList.Select(c =>
        {
            var children = gridNodes.Where(n => grids.First(g => g.Id == n.Id).CommunityId == c.Id).ToList();
            return new RegionNodeResponse(c.Id, "Community", c.Name, children.Sum(n => n.Residents), children.Sum(n => n.Workers), children.Sum(n => n.OpenReports), null, children);
        }).ToList();
        return TypedResults.Ok(new RegionNodeResponse(town.Id, "Town", town.Name, communityNodes.Sum(n => n.Residents), communityNodes.Sum(n => n.Workers),
            communityNodes.Sum(n => n.OpenReports), null, communityNodes));
    }

    private static async Task<(Grid? Grid, ProblemHttpResult? Refused)> GridInScopeAsync(PointsDbContext db, CurrentUser me, Guid id, CancellationToken ct)
    {
        var grid = await db.Grids.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (grid is null)
        {
            return (null, Problems.From(MicroGridErrors.GridNotFound));
        }

        var townId = await db.Communities.Where(c => c.Id == grid.CommunityId).Select(c => c.TownId).FirstAsync(ct);
        return me.CanAdministerTown(townId) ? (grid, null) : (null, Problems.From(MicroGridErrors.OutOfScope));
    }
}
