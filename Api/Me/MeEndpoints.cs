using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Me;

public sealed record UpdateMeRequest(
    [property: StringLength(32, MinimumLength = 1, ErrorMessage = "昵称长度须在1到32个字之间")]
    string? DisplayName,
    Guid? CommunityId,
    bool? HonorRollOptOut);

public static class MeEndpoints
{
    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization();
        group.MapGet("/", GetMeAsync).WithName(nameof(GetMeAsync)).WithSummary("我是谁：角色、所属村社和镇街");
        group.MapPatch("/", UpdateMeAsync).WithName(nameof(UpdateMeAsync)).WithSummary("修改昵称、所属村社（仅居民）、是否上光荣榜");
        return group;
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.Role == Role.Bank)
        {
            var bank = await db.BankClients.AsNoTracking().FirstOrDefaultAsync(b => b.Id == me.Id, ct);
            return bank is null ? Problems.NotFound("account.not_found", "账户不存在") : TypedResults.Ok(MeResponse.From(bank));
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        return user is null ? Problems.NotFound("account.not_found", "账户不存在") : TypedResults.Ok(MeResponse.From(user));
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult, ValidationProblem>> UpdateMeAsync(
        UpdateMeRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Profile, ct, request.DisplayName) is { } risky)
        {
            return Problems.From(risky);
        }

        if (request.DisplayName is { } name)
        {
            var renamed = user.Rename(name);
            if (!renamed.IsSuccess)
            {
                return Problems.Validation("displayName", renamed.Error.Title);
            }
        }

        if (request.CommunityId is { } communityId && communityId != user.CommunityId)
        {
            // Belonging to a community is decided by its staff (POST /api/me/community-moves), never by one PATCH.
            return Problems.From(user.Role == Role.Resident
                ? DomainError.Conflict("account.community_move_required", "更换所属村社须提交申请，由新村社的工作人员审核")
                : DomainError.Forbidden("account.community_fixed", "工作人员的所属村社由管理员设置"));
        }

        if (request.HonorRollOptOut is { } optOut)
        {
            user.SetHonorRollOptOut(optOut);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(MeResponse.From(user));
    }
}
