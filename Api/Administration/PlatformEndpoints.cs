using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Administration;

namespace Points.Api.Administration;

public sealed record CreateTownRequest(
    [property: Required(ErrorMessage = "请输入镇街名称")]
    [property: StringLength(Town.NameMaxLength, ErrorMessage = "镇街名称不超过64个字")]
    string? Name,
    [property: Required(ErrorMessage = "请输入首个管理员的用户名")]
    string? AdminUsername,
    [property: Required(ErrorMessage = "请输入首个管理员的姓名")]
    string? AdminDisplayName);

public sealed record PlatformTownResponse(Guid Id, string Name, int PointsPerYuan, int DailyEarningCap, int RefundWindowDays);

/// <summary>The new town and its first admin's one-time password (shown this once).</summary>
public sealed record ProvisionedTownResponse(PlatformTownResponse Town, IssuedPasswordResponse Admin);

/// <summary>The platform role creates towns (each with its first admin) and lists them; it administers no town's data.</summary>
public static class PlatformEndpoints
{
    public static void MapPlatform(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/towns").WithTags("Platform").RequireAuthorization(Policies.Platform);
        group.MapGet("/", ListTownsAsync).WithName(nameof(ListTownsAsync)).WithSummary("平台管理员：全部镇街");
        group.MapPost("/", CreateTownAsync).WithName(nameof(CreateTownAsync)).WithSummary("平台管理员：新建镇街及其首个管理员（一次性密码只显示这一次）");
    }

    public static async Task<Ok<List<PlatformTownResponse>>> ListTownsAsync(TownProvisioning towns, CancellationToken ct) =>
        TypedResults.Ok((await towns.ListAsync(ct)).Select(ToResponse).ToList());

    public static async Task<Results<Created<ProvisionedTownResponse>, ProblemHttpResult, ValidationProblem>> CreateTownAsync(
        CreateTownRequest request, TownProvisioning towns, CancellationToken ct)
    {
        var created = await towns.CreateTownAsync(request.Name, request.AdminUsername, request.AdminDisplayName, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var (town, admin) = created.Value;
        return TypedResults.Created($"/api/towns/{town.Id}",
            new ProvisionedTownResponse(ToResponse(town), new IssuedPasswordResponse(StaffResponse.From(admin.Account), admin.OneTimePassword)));
    }

    private static PlatformTownResponse ToResponse(Town town) => new(town.Id, town.Name, town.PointsPerYuan, town.DailyEarningCap, town.RefundWindowDays);
}
