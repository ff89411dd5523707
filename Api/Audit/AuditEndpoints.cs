using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Audit;
using Points.Infrastructure.Persistence;

namespace Points.Api.Audit;

public sealed record AuditEntryResponse(
    Guid Id, Guid? ActorId, string? ActorName, string ActorRole, DateTimeOffset OccurredAt, string Entity, string EntityId, AuditAction Action,
    string? Before, string? After, string? Reason, Guid? ProxySessionId);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, int Page, int PageSize, int Total);

/// <summary>
/// Town staff and admins read the audit log of their town. The log is read-only here: no route writes, changes or
/// deletes a row (the rows come from the writes themselves).
/// </summary>
public static class AuditEndpoints
{
    public const int PageSize = 50;

    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.TownStaff);
        group.MapGet("/", ListAuditAsync).WithName(nameof(ListAuditAsync))
            .WithSummary("审计日志：本镇街工作人员、管理员、商户、银行的每次写操作（谁、何时、改了什么、原因、代办会话）；actor 为操作人，entity 为对象类型或编号，from/to 为时间范围，每页50条");
    }

    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAuditAsync(
        ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct,
        Guid? actor = null, string? entity = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1)
    {
        if (!Paging.TryCreate(page, PageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        if (entity is { Length: > AuditEntry.EntityIdMaxLength })
        {
            return Problems.Validation("entity", "对象类型或编号不能超过128个字符");
        }

        if (from is { } f && to is { } t && f > t)
        {
            return Problems.Validation("from", "开始时间不能晚于结束时间");
        }

        var me = principal.Me();
        var query = db.AuditEntries.AsNoTracking().Where(a => a.TownId == me.TownId);
        if (actor is { } actorId)
        {
            query = query.Where(a => a.ActorId == actorId);
        }

        if (!string.IsNullOrWhiteSpace(entity))
        {
            var e = entity.Trim();
            query = query.Where(a => a.Entity == e || a.EntityId == e);
        }

        if (from is { } start)
        {
            var s = start.ToUniversalTime();
            query = query.Where(a => a.OccurredAt >= s);
        }

        if (to is { } end)
        {
            var u = end.ToUniversalTime();
            query = query.Where(a => a.OccurredAt < u);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(a => new
            {
                Entry = a,
                ActorName = db.Users.Where(u => u.Id == a.ActorId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new AuditEntryResponse(r.Entry.Id, r.Entry.ActorId, r.ActorName, r.Entry.ActorRole, r.Entry.OccurredAt, r.Entry.Entity,
            r.Entry.EntityId, r.Entry.Action, r.Entry.Before, r.Entry.After, r.Entry.Reason, r.Entry.ProxySessionId)).ToList();
        return TypedResults.Ok(new AuditPage(items, paging.Page, paging.PageSize, total));
    }
}
