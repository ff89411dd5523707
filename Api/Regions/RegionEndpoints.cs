using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Api.Regions;

public sealed record GridResponse(Guid Id, string Name, DateTimeOffset? RetiredAt = null);

public sealed record CommunityResponse(Guid Id, Guid TownId, string Name, IReadOnlyList<GridResponse> Grids, DateTimeOffset? RetiredAt = null);

public sealed record TownResponse(Guid Id, string Name, int PointsPerYuan, IReadOnlyList<int> MarketDays, int DailyEarningCap, int RefundWindowDays);

public static class RegionEndpoints
{
    public static void MapRegions(this IEndpointRouteBuilder app)
    {
        var communities = app.MapGroup("/api/communities").WithTags("Regions").RequireAuthorization();
        communities.MapGet("/", ListCommunitiesAsync).WithName(nameof(ListCommunitiesAsync))
            .WithSummary("本镇街的村社与网格（已撤销的不列出；工作人员可用 includeRetired=true 查看）");
        communities.MapGet("/{id:guid}", GetCommunityAsync).WithName(nameof(GetCommunityAsync)).WithSummary("村社详情");

        var towns = app.MapGroup("/api/towns").WithTags("Regions").RequireAuthorization();
        towns.MapGet("/{id:guid}", GetTownAsync).WithName(nameof(GetTownAsync)).WithSummary("镇街及其积分设置");
    }

    public static async Task<Ok<List<CommunityResponse>>> ListCommunitiesAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct, bool includeRetired = false)
    {
        var me = principal.Me();
        var query = db.Communities.AsNoTracking();
        if (me.TownId is { } townId)
        {
            query = query.Where(c => c.TownId == townId);
        }

        // Retired communities and grids leave the pickers; staff still see them (history) when they ask.
        var withRetired = includeRetired && me.IsStaff;
        if (!withRetired)
        {
            query = query.Where(c => c.RetiredAt == null);
        }

        var list = await query.OrderBy(c => c.Name).ToListAsync(ct);
        var ids = list.Select(c => c.Id).ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => ids.Contains(g.CommunityId) && (withRetired || g.RetiredAt == null)).OrderBy(g => g.Name).ToListAsync(ct);
        return TypedResults.Ok(list.Select(c => new CommunityResponse(c.Id, c.TownId, c.Name,
            grids.Where(g => g.CommunityId == c.Id).Select(g => new GridResponse(g.Id, g.Name, g.RetiredAt)).ToList(), c.RetiredAt)).ToList());
    }

    public static async Task<Results<Ok<CommunityResponse>, ProblemHttpResult>> GetCommunityAsync(Guid id, PointsDbContext db, CancellationToken ct)
    {
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        var grids = await db.Grids.AsNoTracking().Where(g => g.CommunityId == id && g.RetiredAt == null).OrderBy(g => g.Name)
            .Select(g => new GridResponse(g.Id, g.Name, g.RetiredAt)).ToListAsync(ct);
        return TypedResults.Ok(new CommunityResponse(community.Id, community.TownId, community.Name, grids, community.RetiredAt));
    }

    public static async Task<Results<Ok<TownResponse>, ProblemHttpResult>> GetTownAsync(Guid id, PointsDbContext db, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return town is null ? Problems.NotFound("town.not_found", "镇街不存在") : TypedResults.Ok(ToResponse(town));
    }

    private static TownResponse ToResponse(Domain.Regions.Town town) =>
        new(town.Id, town.Name, town.PointsPerYuan, town.MarketDayList, town.DailyEarningCap, town.RefundWindowDays);
}
