using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Api.Regions;

public sealed record GridResponse(Guid Id, string Name);

public sealed record CommunityResponse(Guid Id, Guid TownId, string Name, IReadOnlyList<GridResponse> Grids);

public sealed record TownResponse(Guid Id, string Name, int PointsPerYuan, IReadOnlyList<int> MarketDays, int DailyEarningCap, int RefundWindowDays);

public sealed record UpdateTownSettingsRequest(
    [property: Range(1, 100_000, ErrorMessage = "积分兑换比例须在 1 到 100000 之间")]
    int? PointsPerYuan,
    IReadOnlyList<int>? MarketDays,
    [property: Range(0, 1_000_000, ErrorMessage = "每日积分上限须在 0 到 1000000 之间")]
    int? DailyEarningCap,
    [property: Range(0, 365, ErrorMessage = "退款期限须在 0 到 365 天之间")]
    int? RefundWindowDays);

public static class RegionEndpoints
{
    public static void MapRegions(this IEndpointRouteBuilder app)
    {
        var communities = app.MapGroup("/api/communities").WithTags("Regions").RequireAuthorization();
        communities.MapGet("/", ListCommunitiesAsync).WithName(nameof(ListCommunitiesAsync)).WithSummary("本镇街的村社与网格");
        communities.MapGet("/{id:guid}", GetCommunityAsync).WithName(nameof(GetCommunityAsync)).WithSummary("村社详情");

        var towns = app.MapGroup("/api/towns").WithTags("Regions").RequireAuthorization();
        towns.MapGet("/{id:guid}", GetTownAsync).WithName(nameof(GetTownAsync)).WithSummary("镇街及其积分设置");
        towns.MapPatch("/{id:guid}/settings", UpdateTownSettingsAsync).WithName(nameof(UpdateTownSettingsAsync))
            .WithSummary("修改镇街积分设置（兑换比例、超市开放日、每日上限、退款期限）")
            .RequireAuthorization(p => p.RequireRole(Roles.TownStaff, Roles.Admin));
    }

    public static async Task<Ok<List<CommunityResponse>>> ListCommunitiesAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var query = db.Communities.AsNoTracking();
        if (me.TownId is { } townId)
        {
            query = query.Where(c => c.TownId == townId);
        }

        var list = await query.OrderBy(c => c.Name).ToListAsync(ct);
        var ids = list.Select(c => c.Id).ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => ids.Contains(g.CommunityId)).OrderBy(g => g.Name).ToListAsync(ct);
        return TypedResults.Ok(list.Select(c => new CommunityResponse(c.Id, c.TownId, c.Name,
            grids.Where(g => g.CommunityId == c.Id).Select(g => new GridResponse(g.Id, g.Name)).ToList())).ToList());
    }

    public static async Task<Results<Ok<CommunityResponse>, ProblemHttpResult>> GetCommunityAsync(Guid id, PointsDbContext db, CancellationToken ct)
    {
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        var grids = await db.Grids.AsNoTracking().Where(g => g.CommunityId == id).OrderBy(g => g.Name)
            .Select(g => new GridResponse(g.Id, g.Name)).ToListAsync(ct);
        return TypedResults.Ok(new CommunityResponse(community.Id, community.TownId, community.Name, grids));
    }

    public static async Task<Results<Ok<TownResponse>, ProblemHttpResult>> GetTownAsync(Guid id, PointsDbContext db, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return town is null ? Problems.NotFound("town.not_found", "镇街不存在") : TypedResults.Ok(ToResponse(town));
    }

    public static async Task<Results<Ok<TownResponse>, ProblemHttpResult>> UpdateTownSettingsAsync(
        Guid id, UpdateTownSettingsRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var town = await db.Towns.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (town is null)
        {
            return Problems.NotFound("town.not_found", "镇街不存在");
        }

        if (!principal.Me().CanAdministerTown(id))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var updated = town.UpdateSettings(request.PointsPerYuan, request.MarketDays, request.DailyEarningCap, request.RefundWindowDays);
        if (!updated.IsSuccess)
        {
            return Problems.From(updated.Error!);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(town));
    }

    private static TownResponse ToResponse(Domain.Regions.Town town) =>
        new(town.Id, town.Name, town.PointsPerYuan, town.MarketDayList, town.DailyEarningCap, town.RefundWindowDays);
}
