using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Participation;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

/// <summary>A town's hazard deadlines (working days for green/yellow, hours for red) and its calendar (holidays, make-up working days).</summary>
public sealed record HazardSettingsRequest(
    [property: Required(ErrorMessage = "请填写受理时限（工作日）")] int? AcceptWorkingDays,
    [property: Required(ErrorMessage = "请填写办结时限（工作日）")] int? CloseWorkingDays,
    [property: Required(ErrorMessage = "请填写红色隐患受理时限（小时）")] int? RedAcceptHours,
    [property: Required(ErrorMessage = "请填写红色隐患办结时限（小时）")] int? RedCloseHours,
    IReadOnlyList<DateOnly>? Holidays,
    IReadOnlyList<DateOnly>? Workdays);

public sealed record HazardSettingsResponse(Guid TownId, int AcceptWorkingDays, int CloseWorkingDays, int RedAcceptHours, int RedCloseHours,
    IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> Workdays);

public static class HazardSettingsEndpoints
{
    public static void MapHazardSettings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/towns/{townId:guid}/hazard-settings").WithTags("Hazards").RequireAuthorization(Policies.TownStaff);
        group.MapGet("/", GetHazardSettingsAsync).WithName(nameof(GetHazardSettingsAsync)).WithSummary("隐患受理、办结时限与工作日历（节假日、调休上班日）");
        group.MapPut("/", PutHazardSettingsAsync).WithName(nameof(PutHazardSettingsAsync)).WithSummary("设定隐患时限与工作日历；新上报的隐患按新设定计时");
    }

    public static async Task<Results<Ok<HazardSettingsResponse>, ProblemHttpResult>> GetHazardSettingsAsync(Guid townId, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == townId, ct);
        return town is null ? Problems.NotFound("town.not_found", "镇街不存在") : TypedResults.Ok(ToResponse(town));
    }

    public static async Task<Results<Ok<HazardSettingsResponse>, ProblemHttpResult, ValidationProblem>> PutHazardSettingsAsync(
        Guid townId, HazardSettingsRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        var town = await db.Towns.FirstOrDefaultAsync(t => t.Id == townId, ct);
        if (town is null)
        {
            return Problems.NotFound("town.not_found", "镇街不存在");
        }

        var settings = new HazardSettings(new HazardDeadlinePolicy(request.AcceptWorkingDays!.Value, request.CloseWorkingDays!.Value, request.RedAcceptHours!.Value, request.RedCloseHours!.Value),
            request.Holidays ?? [], request.Workdays ?? []);
        var set = town.SetHazardSettings(settings);
        if (!set.IsSuccess)
        {
            return Problems.From(set.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(town));
    }

    private static HazardSettingsResponse ToResponse(Town town)
    {
        var s = town.Hazards;
        return new(town.Id, s.Policy.AcceptWorkingDays, s.Policy.CloseWorkingDays, s.Policy.RedAcceptHours, s.Policy.RedCloseHours, s.Holidays, s.Workdays);
    }
}
