using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Api.Auth;

public sealed record UnlockResponse(Guid UserId, int LocksCleared, DateTimeOffset UnlockedAt);

public sealed record AccountLockEventResponse(Guid Id, AccountLockEventKind Kind, string Source, DateTimeOffset At, DateTimeOffset? LockedUntil, Guid? ActorId);

/// <summary>
/// Unlocking a staff account that failed passwords locked, and the audit trail of its locks. Admins and
/// town staff act on accounts of their own town.
/// </summary>
public static class AccountLockEndpoints
{
    public static RouteGroupBuilder MapAccountLocks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff").WithTags("Staff").RequireAuthorization(Policies.TownStaff);
        group.MapPost("/{id:guid}/unlock", UnlockAccountAsync).WithName(nameof(UnlockAccountAsync)).WithSummary("解除工作人员账户的密码错误锁定（记入审计）");
        group.MapGet("/{id:guid}/lock-events", AccountLockEventsAsync).WithName(nameof(AccountLockEventsAsync)).WithSummary("账户锁定与解锁记录，最新在前");
        return group;
    }

    public static async Task<Results<Ok<UnlockResponse>, ProblemHttpResult>> UnlockAccountAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, LoginThrottleService throttle, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await InScopeAsync(db, me, id, ct) is { } refusal)
        {
            return refusal;
        }

        var cleared = await throttle.UnlockAsync(id, me.Id, ct);
        return TypedResults.Ok(new UnlockResponse(id, cleared, clock.GetUtcNow().ToOffset(ShanghaiTime.Offset)));
    }

    public static async Task<Results<Ok<List<AccountLockEventResponse>>, ProblemHttpResult>> AccountLockEventsAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        if (await InScopeAsync(db, me, id, ct) is { } refusal)
        {
            return refusal;
        }

        var events = await db.AccountLockEvents.AsNoTracking().Where(e => e.UserId == id)
            .OrderByDescending(e => e.At).Take(200).ToListAsync(ct);
        return TypedResults.Ok(events.Select(e => new AccountLockEventResponse(e.Id, e.Kind, e.Source, e.At.ToOffset(ShanghaiTime.Offset),
            e.LockedUntil?.ToOffset(ShanghaiTime.Offset), e.ActorId)).ToList());
    }

    private static async Task<ProblemHttpResult?> InScopeAsync(PointsDbContext db, CurrentUser me, Guid id, CancellationToken ct)
    {
        var target = await db.Users.AsNoTracking().Where(u => u.Id == id && u.PasswordHash != null).Select(u => new { u.TownId }).FirstOrDefaultAsync(ct);
        if (target is null)
        {
            return Problems.NotFound("staff.not_found", "工作人员账户不存在");
        }

        return me.CanAdministerTown(target.TownId) ? null : Problems.Forbidden("staff.out_of_scope", "只能管理本镇街的账户");
    }
}
