using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Domain.Audit;
using Points.Domain.Common;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Persistence;

namespace Points.Api.Audit;

public sealed record OpenProxySessionRequest([property: Required, StringLength(ProxySession.ReasonMaxLength)] string Reason);

public sealed record ProxySessionResponse(Guid Id, string AccessToken, DateTimeOffset ExpiresAt, Guid ProxyId, Guid ResidentId);

public sealed record ProxyActionResponse(Guid SessionId, DateTimeOffset At, Guid ProxyId, string ProxyName, string Text, string Entity, AuditAction Action, string Reason);

public sealed record ProxyPreferenceRequest(bool Refuse);

public sealed record ProxyPreferenceResponse(bool Refuse);

/// <summary>
/// Proxy work (代办): staff open a 30-minute session acting for a resident in their scope; its token is the resident's
/// with the session and the proxy's id as claims (<see cref="ProxySessionGate"/> checks it on every request and
/// refuses consent, phone, appeal and community-change routes). The resident reads what was done for them and can
/// refuse proxy work.
/// </summary>
public static class ProxyEndpoints
{
    public static void MapProxySessions(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/residents/{id:guid}/proxy-sessions").WithTags("Proxy").RequireAuthorization(Policies.ProxyOpeners);
        open.MapPost("/", OpenProxySessionAsync).WithName(nameof(OpenProxySessionAsync)).WithSummary("为本村社（镇街）居民开启30分钟代办会话（须填写事由），返回以该居民身份办理的令牌");
        var sessions = app.MapGroup("/api/proxy-sessions").WithTags("Proxy").RequireAuthorization(Policies.ProxyOpeners);
        sessions.MapPost("/{id:guid}/end", EndProxySessionAsync).WithName(nameof(EndProxySessionAsync)).WithSummary("结束自己开启的代办会话，令牌随即失效");
        var me = app.MapGroup("/api/me").WithTags("Proxy").RequireAuthorization(Policies.Resident);
        me.MapGet("/proxy-actions", MyProxyActionsAsync).WithName(nameof(MyProxyActionsAsync)).WithSummary("别人为我代办的记录（由网格员 某某 代办）");
        me.MapPut("/proxy-preference", SetProxyPreferenceAsync).WithName(nameof(SetProxyPreferenceAsync)).WithSummary("设置是否接受代办（须本人办理）")
            .WithMetadata(ProxyRefused.Instance);
    }

    public static async Task<Results<Ok<ProxySessionResponse>, ProblemHttpResult>> OpenProxySessionAsync(
        Guid id, OpenProxySessionRequest request, ClaimsPrincipal principal, PointsDbContext db, TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var resident = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (resident is null || resident.Role != Domain.Identity.Role.Resident)
        {
            return Problems.From(ProxySession.NotAResident);
        }

        // a grid worker works for the residents of their own grids; staff for those of their community or town
        var inScope = me.Role == Domain.Identity.Role.GridWorker
            ? await Infrastructure.Participation.HazardRouting.IsWorkerOfAsync(db, me.Id, resident.GridId, ct)
            : resident.CommunityId is not { } community ? me.CanAdministerTown(resident.TownId) : me.CanAdminister(resident.TownId, community);
        if (!inScope)
        {
            return Problems.Forbidden("residents.out_of_scope", me.Role == Domain.Identity.Role.GridWorker ? "只能为本网格的居民代办" : "只能为本村社（镇街）的居民代办");
        }

        var now = clock.GetUtcNow();
        var opened = ProxySession.Open(Guid.CreateVersion7(now), resident, me.Id, request.Reason, now);
        if (!opened.IsSuccess)
        {
            return Problems.From(opened.Error!);
        }

        var session = opened.Value;
        AuditScope.Because(session.Reason);
        db.ProxySessions.Add(session);
        await db.SaveChangesAsync(ct);
        var claims = TokenService.ClaimsFor(resident).Concat(
        [
            new Claim(PointsClaims.ProxySession, session.Id.ToString()),
            new Claim(PointsClaims.Proxy, me.Id.ToString()),
        ]);
        return TypedResults.Ok(new ProxySessionResponse(session.Id, tokens.CreateAccessToken(claims), session.ExpiresAt.ToOffset(ShanghaiTime.Offset), me.Id, resident.Id));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> EndProxySessionAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var session = await db.ProxySessions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return Problems.NotFound("proxy.not_found", "代办会话不存在");
        }

        var ended = session.End(principal.Me().Id, clock.GetUtcNow());
        if (!ended.IsSuccess)
        {
            return Problems.From(ended.Error!);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<ProxyActionResponse>>> MyProxyActionsAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var rows = await (
            from a in db.AuditEntries.AsNoTracking()
            join s in db.ProxySessions.AsNoTracking() on a.ProxySessionId equals s.Id
            where s.ResidentId == me.Id
            orderby a.OccurredAt descending
            select new { s.Id, a.OccurredAt, s.ProxyId, ProxyName = db.Users.Where(u => u.Id == s.ProxyId).Select(u => u.DisplayName).FirstOrDefault(), a.Entity, a.Action, s.Reason })
            .Take(200).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new ProxyActionResponse(r.Id, r.OccurredAt.ToOffset(ShanghaiTime.Offset), r.ProxyId, r.ProxyName ?? "工作人员",
            $"由网格员 {r.ProxyName ?? "工作人员"} 代办", r.Entity, r.Action, r.Reason)).ToList());
    }

    public static async Task<Results<Ok<ProxyPreferenceResponse>, ProblemHttpResult>> SetProxyPreferenceAsync(
        ProxyPreferenceRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.From(ProxySession.NotAResident);
        }

        user.SetProxyPreference(request.Refuse);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ProxyPreferenceResponse(user.ProxyRefused));
    }
}

/// <summary>Endpoint metadata: a proxy session may not call this route (the resident must act in person).</summary>
public sealed class ProxyRefused
{
    public static readonly ProxyRefused Instance = new();
}

/// <summary>
/// On a proxy session's token: the session must still be open (not ended, not past 30 minutes), and the route must
/// not be one the resident has to do in person (bank consent, phone binding, appeals, community change).
/// </summary>
public static class ProxySessionGate
{
    public static readonly DomainError Ended = new("proxy.session_ended", "代办会话已结束或已过期", ErrorKind.Unauthorized);
    public static readonly DomainError NotAllowed = DomainError.Forbidden("proxy.not_allowed", "代办时不能办理此事项（银行授权、绑定手机、申诉、迁移村社、代办设置须本人办理）");

    public static IApplicationBuilder UseProxySessionGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (CurrentUser.From(context.User) is { ProxySessionId: { } sessionId } me)
        {
            var db = context.RequestServices.GetRequiredService<PointsDbContext>();
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var open = await db.ProxySessions.AsNoTracking().AnyAsync(s => s.Id == sessionId && s.ResidentId == me.Id && s.ProxyId == me.ProxyId && s.EndedAt == null && s.ExpiresAt > now, context.RequestAborted);
            if (!open)
            {
                await Problems.From(Ended).ExecuteAsync(context);
                return;
            }

            if (context.GetEndpoint()?.Metadata.GetMetadata<ProxyRefused>() is not null)
            {
                await Problems.From(NotAllowed).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    });
}
