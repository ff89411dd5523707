using Points.Infrastructure.Audit;

namespace Points.Api.Http;

/// <summary>Makes the caller the audit actor for the rest of the request (writes by residents stay unaudited unless a proxy acts).</summary>
public static class AuditActorMiddleware
{
    public static IApplicationBuilder UseAuditActor(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var me = CurrentUser.From(context.User);
        using (AuditScope.Begin(me is null ? null : new AuditActor(me.ProxyId ?? me.Id, me.Role, me.TownId, me.ProxySessionId)))
        {
            await next(context);
        }
    });
}
