using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Premises;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Premises;

namespace Points.Api.Premises;

public static partial class PremisesEndpoints
{
    /// <summary>The queues a red month fills: inspections (飞行检查) for grid workers and staff, joint enforcement (联合执法) for the town.</summary>
    private static void MapPremisesFollowUps(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/premises/follow-ups").WithTags("Premises").RequireAuthorization(Policies.GridStaff);
        group.MapGet("/", ListFollowUpsAsync).WithName(nameof(ListFollowUpsAsync))
            .WithSummary("红码后续任务：kind=Inspection（网格员飞行检查）或 JointEnforcement（连续三个月红码的联合执法）；open=true 只看未办结");
        group.MapPost("/{id:guid}/close", CloseFollowUpAsync).WithName(nameof(CloseFollowUpAsync)).WithSummary("办结任务（填写检查或执法结果）");
    }

    public static async Task<Results<Ok<FollowUpPage>, ProblemHttpResult, ValidationProblem>> ListFollowUpsAsync(
        ClaimsPrincipal principal, PointsDbContext db, PremisesReports reports, CancellationToken ct,
        FollowUpKind? kind = null, bool? open = null, Guid? community = null, Guid? grid = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var me = principal.Me();
        IReadOnlyList<Guid>? onlyGrids = null;
        PremisesScope? scope;
        if (me.Role == Role.GridWorker)
        {
            onlyGrids = await db.GridAssignments.AsNoTracking().Where(a => a.WorkerId == me.Id).Select(a => a.GridId).ToListAsync(ct);
            scope = me.TownId is { } t ? new PremisesScope(t, null, grid) : null;
            if (scope is null)
            {
                return Problems.From(KeyPremises.OutOfScope);
            }
        }
        else
        {
            (scope, var refused) = await ScopeAsync(me, db, null, community, grid, ct);
            if (scope is null)
            {
                return refused!;
            }
        }

        var (items, total) = await reports.FollowUpsAsync(scope, onlyGrids, kind, open, paging.Skip, paging.PageSize, ct);
        return TypedResults.Ok(new FollowUpPage([.. items.Select(FollowUpResponse.From)], page, pageSize, total));
    }

    public static async Task<Results<Ok<FollowUpResponse>, ProblemHttpResult, ValidationProblem>> CloseFollowUpAsync(
        Guid id, FollowUpCloseRequest request, ClaimsPrincipal principal, PointsDbContext db, PremisesReports reports, CancellationToken ct)
    {
        var followUp = await reports.FindFollowUpAsync(id, ct);
        if (followUp is null)
        {
            return Problems.From(PremisesFollowUp.NotFound);
        }

        var me = principal.Me();
        var allowed = me.Role == Role.GridWorker
            ? followUp.Kind == FollowUpKind.Inspection && followUp.GridId is { } g && me.TownId == followUp.TownId
                && await db.GridAssignments.AnyAsync(a => a.GridId == g && a.WorkerId == me.Id, ct)
            : followUp.Kind == FollowUpKind.JointEnforcement ? me.CanAdministerTown(followUp.TownId) : me.CanAdminister(followUp.TownId, followUp.CommunityId);
        if (!allowed)
        {
            return Problems.From(KeyPremises.OutOfScope);
        }

        var closed = await reports.CloseFollowUpAsync(id, me.Id, request.Note, ct);
        return closed.IsSuccess ? TypedResults.Ok(FollowUpResponse.From(closed.Value)) : Problems.From(closed.Error);
    }
}
