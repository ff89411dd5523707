using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Credit;
using Points.Domain.Identity;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Persistence;
using Points.Scoring;

namespace Points.Api.Credit;

/// <summary>Staff answer credit appeals; admins and the platform read, train and activate model versions.</summary>
public static partial class CreditEndpoints
{
    public static async Task<Ok<IReadOnlyList<StaffAppealResponse>>> ListAppealsAsync(
        ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct, CreditAppealStatus? status = null)
    {
        var me = principal.Me();
        var query = db.CreditAppeals.AsNoTracking().AsQueryable();
        query = me.Role == Role.CommunityStaff
            ? query.Where(a => a.CommunityId != null && a.CommunityId == me.CommunityId)
            : query.Where(a => a.TownId == me.TownId);
        if (status is { } s)
        {
            query = query.Where(a => a.Status == s);
        }

        var now = clock.GetUtcNow();
        var rows = await query.Join(db.Users, a => a.ResidentId, u => u.Id, (a, u) => new { a, u.DisplayName })
            .OrderBy(x => x.a.DueAt).Take(500).ToListAsync(ct);
        IReadOnlyList<StaffAppealResponse> list = [.. rows.Select(x => new StaffAppealResponse(x.a.Id, x.a.ResidentId, x.DisplayName, x.a.CommunityId, x.a.Kind, x.a.Text,
            x.a.RecordRef, x.a.Status, x.a.Decision, x.a.Reply, x.a.CreatedAt, x.a.DueAt, x.a.AnsweredAt, x.a.IsOverdue(now)))];
        return TypedResults.Ok(list);
    }

    public static async Task<Results<Ok<CreditAppealResponse>, ProblemHttpResult>> AnswerAppealAsync(
        Guid id, AnswerAppealRequest request, ClaimsPrincipal principal, PointsDbContext db, CreditProfileService profiles, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var appeal = await db.CreditAppeals.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (appeal is null)
        {
            return Problems.From(CreditErrors.AppealNotFound);
        }

        if (!me.CanAdminister(appeal.TownId, appeal.CommunityId ?? Guid.Empty) && !me.CanAdministerTown(appeal.TownId))
        {
            return Problems.From(CreditErrors.AppealOutOfScope);
        }

        var now = clock.GetUtcNow();
        var answered = appeal.Answer(request.Decision!.Value, request.Reply!, me.Id, now);
        if (!answered.IsSuccess)
        {
            return Problems.From(answered.Error);
        }

        await db.SaveChangesAsync(ct);
        if (appeal.Decision == CreditAppealDecision.Upheld)
        {
            // The corrected record (or the reviewer's decision) takes effect in a fresh profile at once.
            await profiles.RescoreAsync(appeal.ResidentId, ct);
        }

        return TypedResults.Ok(ToResponse(appeal, now));
    }

    public static async Task<Ok<IReadOnlyList<CreditModelResponse>>> ListModelsAsync(PointsDbContext db, CancellationToken ct)
    {
        var rows = await db.CreditModels.AsNoTracking().OrderByDescending(m => m.CreatedAt)
            .Select(m => new { m.Version, m.Kind, m.IsActive, m.CreatedAt, m.ActivatedAt, m.Metrics, m.ModelCard, m.ActivationOverrideReason, m.ActivationOverriddenBy, m.ActivationOverriddenAt })
            .ToListAsync(ct);
        IReadOnlyList<CreditModelResponse> list = [.. rows.Select(m => new CreditModelResponse(m.Version, m.Kind, m.IsActive, m.CreatedAt, m.ActivatedAt,
            JsonDocument.Parse(m.Metrics).RootElement.Clone(), WithOverride(m.ModelCard, m.ActivationOverrideReason, m.ActivationOverriddenBy, m.ActivationOverriddenAt)))];
        return TypedResults.Ok(list);
    }

    public static async Task<Results<Created<TrainResponse>, ProblemHttpResult>> TrainModelAsync(CreditTrainingService training, CancellationToken ct)
    {
        var trained = await training.TrainAsync(ct);
        if (!trained.IsSuccess)
        {
            return Problems.From(trained.Error);
        }

        var t = trained.Value;
        return TypedResults.Created($"/api/admin/credit/models/{t.Version}",
            new TrainResponse(t.Version, t.Labels, t.Bads, t.CvAucMean, t.CvAucSd, t.CvKsMean, t.CvKsSd, double.IsNaN(t.Psi) ? null : t.Psi, t.PsiVerdict, false));
    }

    /// <summary>
    /// Activates a version, then re-scores every resident with it as of now, so each resident's latest profile
    /// carries the new version at once (earlier profiles stay in the history). The re-score runs after the
    /// activation committed and is not cut short when the caller disconnects: half the town must not stay on the
    /// old model until the nightly run.
    /// </summary>
    public static async Task<Results<Ok<ActivateResponse>, ProblemHttpResult, ValidationProblem>> ActivateModelAsync(
        string version, ActivateModelRequest? request, ClaimsPrincipal principal, CreditActivationGuard guard, CreditModelStore models, CreditProfileService profiles,
        TimeProvider clock, CancellationToken ct)
    {
        var reason = string.IsNullOrWhiteSpace(request?.OverrideReason) ? null : request.OverrideReason.Trim();
        var clearance = await guard.ClearAsync(version, reason, ct);
        if (!clearance.IsSuccess)
        {
            return Problems.From(clearance.Error);
        }

        var activated = await models.ActivateAsync(version, ct);
        if (!activated.IsSuccess)
        {
            return Problems.From(activated.Error);
        }

        var overridden = clearance.Value.Overridden;
        if (overridden.Count > 0)
        {
            await guard.RecordOverrideAsync(version, reason!, principal.Me().Id, clock.GetUtcNow(), CancellationToken.None);
        }

        var rescored = await profiles.RescoreAllAsync(clock.GetUtcNow(), activated.Value, CancellationToken.None);
        return TypedResults.Ok(new ActivateResponse(activated.Value.Version, true, rescored.Residents, overridden.Count > 0 ? overridden : null, overridden.Count > 0 ? reason : null));
    }
}
