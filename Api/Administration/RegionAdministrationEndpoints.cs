using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Administration;

namespace Points.Api.Administration;

/// <summary>Town staff and admins create, rename, retire and restore their town's communities and grids.</summary>
public static class RegionAdministrationEndpoints
{
    public static void MapRegionAdministration(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Administration").RequireAuthorization(Policies.TownStaff);
        group.MapPost("/towns/{townId:guid}/communities", CreateCommunityAsync).WithName(nameof(CreateCommunityAsync)).WithSummary("新建村社");
        group.MapPatch("/communities/{id:guid}", UpdateCommunityAsync).WithName(nameof(UpdateCommunityAsync))
            .WithSummary("重命名村社，或撤销（retired: true，选择列表中不再出现，历史保留）与恢复");
        group.MapPost("/communities/{id:guid}/grids", CreateGridAsync).WithName(nameof(CreateGridAsync)).WithSummary("在村社下新建网格");
        group.MapPatch("/grids/{id:guid}", UpdateGridAsync).WithName(nameof(UpdateGridAsync)).WithSummary("重命名网格，或撤销与恢复");
    }

    public static async Task<Results<Created<CommunityAdminResponse>, ProblemHttpResult, ValidationProblem>> CreateCommunityAsync(
        Guid townId, CreateRegionRequest request, ClaimsPrincipal principal, RegionAdministration regions, CancellationToken ct)
    {
        var created = await regions.CreateCommunityAsync(townId, request.Name, principal.Me().CanAdministerTown, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = ToResponse(created.Value);
        return TypedResults.Created($"/api/communities/{response.Id}", response);
    }

    public static async Task<Results<Ok<CommunityAdminResponse>, ProblemHttpResult, ValidationProblem>> UpdateCommunityAsync(
        Guid id, UpdateRegionRequest request, ClaimsPrincipal principal, RegionAdministration regions, CancellationToken ct)
    {
        var updated = await regions.UpdateCommunityAsync(id, request.Name, request.Retired, principal.Me().CanAdministerTown, ct);
        return updated.IsSuccess ? TypedResults.Ok(ToResponse(updated.Value)) : Problems.From(updated.Error);
    }

    public static async Task<Results<Created<GridAdminResponse>, ProblemHttpResult, ValidationProblem>> CreateGridAsync(
        Guid id, CreateRegionRequest request, ClaimsPrincipal principal, RegionAdministration regions, CancellationToken ct)
    {
        var created = await regions.CreateGridAsync(id, request.Name, principal.Me().CanAdministerTown, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = ToResponse(created.Value);
        return TypedResults.Created($"/api/communities/{id}", response);
    }

    public static async Task<Results<Ok<GridAdminResponse>, ProblemHttpResult, ValidationProblem>> UpdateGridAsync(
        Guid id, UpdateRegionRequest request, ClaimsPrincipal principal, RegionAdministration regions, CancellationToken ct)
    {
        var updated = await regions.UpdateGridAsync(id, request.Name, request.Retired, principal.Me().CanAdministerTown, ct);
        return updated.IsSuccess ? TypedResults.Ok(ToResponse(updated.Value)) : Problems.From(updated.Error);
    }

    private static CommunityAdminResponse ToResponse(Community c) => new(c.Id, c.TownId, c.Name, c.RetiredAt?.ToOffset(Domain.Common.ShanghaiTime.Offset));

    private static GridAdminResponse ToResponse(Grid g) => new(g.Id, g.CommunityId, g.Name, g.RetiredAt?.ToOffset(Domain.Common.ShanghaiTime.Offset));
}
