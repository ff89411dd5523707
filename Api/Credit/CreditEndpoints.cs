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

public static class CreditEndpoints
{
    public const string Explanation =
        "信用分由您在积分系统中的行为计算（参加活动、按时到场、志愿服务、申报与隐患上报、学习、负面记录、账户开通时长、获得积分），" +
        "不使用性别、年龄、婚姻、民族、宗教、健康等信息。银行只有在您授权后才能查询您的等级和分数段，看不到具体分数和明细。" +
        "对记录有异议或希望人工复核，可提交申诉，工作人员将在20天内答复。";

    public static void MapCredit(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me/credit").WithTags("Credit").RequireAuthorization(Policies.Resident).WithMetadata(Points.Api.Audit.ProxyRefused.Instance);
        me.MapGet("/", GetMyCreditAsync).WithName(nameof(GetMyCreditAsync)).WithSummary("我的信用画像：分数、等级、主要因素与改进建议、历史、申诉");
        me.MapPost("/appeals", FileAppealAsync).WithName(nameof(FileAppealAsync)).WithSummary("对记录提出异议或要求人工复核");
        me.MapPost("/consents", GrantConsentAsync).WithName(nameof(GrantConsentAsync)).WithSummary("授权银行查询信用等级，返回授权码");
        me.MapGet("/consents", ListConsentsAsync).WithName(nameof(ListConsentsAsync)).WithSummary("我的授权");
        me.MapDelete("/consents/{id:guid}", RevokeConsentAsync).WithName(nameof(RevokeConsentAsync)).WithSummary("撤回授权");
        me.MapGet("/queries", ListQueriesAsync).WithName(nameof(ListQueriesAsync)).WithSummary("银行查询我信用画像的记录");

        var bank = app.MapGroup("/api/bank").WithTags("Bank").RequireAuthorization(Policies.Bank);
        bank.MapGet("/credit/{consentToken}", BankQueryAsync).WithName(nameof(BankQueryAsync)).WithSummary("凭居民授权码查询信用等级与分数段");
        bank.MapPost("/outcomes", PostOutcomesAsync).WithName(nameof(PostOutcomesAsync)).WithSummary("回传贷款结果（按 externalRef 幂等）");

        var staff = app.MapGroup("/api/credit/appeals").WithTags("Credit").RequireAuthorization(Policies.Staff);
        staff.MapGet("/", ListAppealsAsync).WithName(nameof(ListAppealsAsync)).WithSummary("本村社（镇街）的信用申诉，含到期日与超期标记");
        staff.MapPost("/{id:guid}/answer", AnswerAppealAsync).WithName(nameof(AnswerAppealAsync)).WithSummary("答复信用申诉");

        // One credit model scores every town's residents (scope "platform"): town admins may read its versions and model
        // cards; only the platform role trains and activates, so no single town can change how other towns are scored.
        var admin = app.MapGroup("/api/admin/credit/models").WithTags("Credit").RequireAuthorization(Policies.AdminOrPlatform);
        admin.MapGet("/", ListModelsAsync).WithName(nameof(ListModelsAsync)).WithSummary("评分模型版本、指标与模型卡（全平台一个模型）");
        admin.MapPost("/train", TrainModelAsync).WithName(nameof(TrainModelAsync)).WithSummary("平台管理员：用银行回传的贷款结果训练新版本（不自动启用）")
            .RequireAuthorization(Policies.Platform);
        admin.MapPost("/{version}/activate", ActivateModelAsync).WithName(nameof(ActivateModelAsync)).WithSummary("平台管理员：启用某个模型版本，并立即用它为所有镇街的居民重新评分（返回重新评分人数）")
            .RequireAuthorization(Policies.Platform);
    }

    public static async Task<Results<Ok<MyCreditResponse>, ProblemHttpResult>> GetMyCreditAsync(
        ClaimsPrincipal principal, PointsDbContext db, CreditProfileService profiles, TimeProvider clock, CancellationToken ct)
    {
        var id = principal.Me().Id;
        var latest = await profiles.LatestOrComputeAsync(id, ct);
        if (latest is null)
        {
            return Problems.NotFound("credit.profile_not_found", "暂时无法生成您的信用画像");
        }

        var history = await db.CreditProfiles.AsNoTracking().Where(p => p.ResidentId == id)
            .OrderByDescending(p => p.AsOf).ThenByDescending(p => p.ComputedAt).Take(30)
            .Select(p => new { p.Score, p.Tier, p.Band, p.AsOf, p.ModelVersion })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var appeals = await db.CreditAppeals.AsNoTracking().Where(a => a.ResidentId == id).OrderByDescending(a => a.CreatedAt).ToListAsync(ct);
        var tier = TierOf(latest.Tier);
        return TypedResults.Ok(new MyCreditResponse(
            latest.Score, tier.Name, tier.Code, latest.Band, latest.AsOf, latest.ModelVersion,
            [.. CreditProfileService.ReadFactors(latest.Factors).Select(f => new CreditFactorResponse(f.Feature, f.Description, f.Improvement))],
            [.. history.Select(h => new CreditHistoryItem(h.Score, TierOf(h.Tier).Name, h.Tier, h.Band, h.AsOf, h.ModelVersion))],
            [.. appeals.Select(a => ToResponse(a, now))],
            Explanation));
    }

    public static async Task<Results<Created<CreditAppealResponse>, ProblemHttpResult>> FileAppealAsync(
        FileAppealRequest request, ClaimsPrincipal principal, PointsDbContext db, IContentChecker checker, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.SocialLog, ct, request.Text) is { } risky)
        {
            return Problems.From(risky);
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        var now = clock.GetUtcNow();
        var filed = CreditAppeal.File(Guid.CreateVersion7(now), user.Id, user.TownId, user.CommunityId, request.Kind!.Value, request.Text!, request.RecordRef, now);
        if (!filed.IsSuccess)
        {
            return Problems.From(filed.Error);
        }

        db.CreditAppeals.Add(filed.Value);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/me/credit/appeals/{filed.Value.Id}", ToResponse(filed.Value, now));
    }

    public static async Task<Results<Created<GrantConsentResponse>, ProblemHttpResult>> GrantConsentAsync(
        GrantConsentRequest request, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var granted = await consents.GrantAsync(principal.Me().Id, request.BankId!.Value, request.Purpose!, request.Days, ct);
        if (!granted.IsSuccess)
        {
            return Problems.From(granted.Error);
        }

        var c = granted.Value.Consent;
        return TypedResults.Created($"/api/me/credit/consents/{c.Id}", new GrantConsentResponse(c.Id, granted.Value.Token, c.BankId, c.Purpose, c.ExpiresAt));
    }

    public static async Task<Ok<IReadOnlyList<ConsentResponse>>> ListConsentsAsync(ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var id = principal.Me().Id;
        var now = clock.GetUtcNow();
        var rows = await db.CreditConsents.AsNoTracking().Where(c => c.ResidentId == id)
            .Join(db.BankClients, c => c.BankId, b => b.Id, (c, b) => new { c, b.Name })
            .OrderByDescending(x => x.c.CreatedAt).ToListAsync(ct);
        IReadOnlyList<ConsentResponse> list = [.. rows.Select(x => new ConsentResponse(x.c.Id, x.c.BankId, x.Name, x.c.Purpose, x.c.CreatedAt, x.c.ExpiresAt, x.c.RevokedAt,
            x.c.RevokedAt is not null ? ConsentState.Revoked : x.c.IsLive(now) ? ConsentState.Active : ConsentState.Expired))];
        return TypedResults.Ok(list);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeConsentAsync(Guid id, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var revoked = await consents.RevokeAsync(principal.Me().Id, id, ct);
        return revoked.ToHttp(_ => TypedResults.NoContent());
    }

    public static async Task<Ok<IReadOnlyList<CreditQueryResponse>>> ListQueriesAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var id = principal.Me().Id;
        var rows = await db.CreditQueries.AsNoTracking().Where(q => q.ResidentId == id)
            .Join(db.BankClients, q => q.BankId, b => b.Id, (q, b) => new { q, b.Name })
            .OrderByDescending(x => x.q.At).Take(500).ToListAsync(ct);
        IReadOnlyList<CreditQueryResponse> list = [.. rows.Select(x => new CreditQueryResponse(x.q.Id, x.q.BankId, x.Name, x.q.At, x.q.Outcome, x.q.ModelVersion))];
        return TypedResults.Ok(list);
    }

    public static async Task<Results<Ok<BankCreditResponse>, ProblemHttpResult>> BankQueryAsync(
        string consentToken, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var bankId = principal.Me().BankId;
        if (bankId is null)
        {
            return ConsentRequired();
        }

        var view = await consents.QueryAsync(bankId.Value, consentToken, ct);
        return view.IsSuccess
            ? TypedResults.Ok(new BankCreditResponse(view.Value.Tier, view.Value.TierName, view.Value.Band, view.Value.AsOf, view.Value.ModelVersion, BankCreditResponse.PlatformScope))
            : ConsentRequired();
    }

    /// <summary>The same problem for every refusal; the instance does not echo the token.</summary>
    private static ProblemHttpResult ConsentRequired() => TypedResults.Problem(
        title: CreditErrors.ConsentRequired.Title,
        statusCode: StatusCodes.Status403Forbidden,
        instance: "/api/bank/credit",
        type: "https://points.example/problems/credit.consent_required",
        extensions: new Dictionary<string, object?> { ["code"] = CreditErrors.ConsentRequired.Code });

    public static async Task<Results<Ok<PostOutcomesResponse>, ProblemHttpResult, ValidationProblem>> PostOutcomesAsync(
        PostOutcomesRequest request, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var bankId = principal.Me().BankId;
        if (bankId is null)
        {
            return Problems.Forbidden();
        }

        var items = new List<OutcomeItem>();
        foreach (var (o, i) in request.Outcomes!.Select((o, i) => (o, i)))
        {
            if (o is null || o.LoanDate is null || o.Outcome is null || string.IsNullOrWhiteSpace(o.ExternalRef))
            {
                return Problems.Validation($"outcomes[{i}]", "每条贷款结果须包含放款日期、结果和银行业务编号");
            }

            if (string.IsNullOrWhiteSpace(o.ConsentToken) && o.ResidentId is null)
            {
                return Problems.Validation($"outcomes[{i}]", "请提供居民授权码或居民编号");
            }

            items.Add(new OutcomeItem(o.ConsentToken, o.ResidentId, o.LoanDate.Value, o.Outcome.Value, o.ExternalRef.Trim()));
        }

        var results = await consents.RecordOutcomesAsync(bankId.Value, items, ct);
        return TypedResults.Ok(new PostOutcomesResponse(
            results.Count(r => r.Status == OutcomeItemStatus.Created),
            results.Count(r => r.Status == OutcomeItemStatus.Replayed),
            results.Count(r => r.Status == OutcomeItemStatus.Rejected),
            [.. results.Select(r => new OutcomeResultResponse(r.ExternalRef, r.Status.ToString(), r.Code, r.Title))]));
    }

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

    /// <summary>The model card as trained, plus the admin's override of the activation guard when there was one (PIPL Art. 55 record).</summary>
    private static JsonElement WithOverride(string modelCard, string? reason, Guid? by, DateTimeOffset? at)
    {
        var card = System.Text.Json.Nodes.JsonNode.Parse(modelCard)!.AsObject();
        card["activationOverride"] = reason is null ? null : new System.Text.Json.Nodes.JsonObject
        {
            ["reason"] = reason,
            ["by"] = by?.ToString(),
            ["at"] = at?.ToOffset(TimeSpan.FromHours(8)).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        return JsonDocument.Parse(card.ToJsonString()).RootElement.Clone();
    }

    private static ScoreTier TierOf(string code) => ScoreTiers.All.FirstOrDefault(t => t.Code == code) ?? ScoreTiers.All[0];

    private static CreditAppealResponse ToResponse(CreditAppeal a, DateTimeOffset now) =>
        new(a.Id, a.Kind, a.Text, a.RecordRef, a.Status, a.Decision, a.Reply, a.CreatedAt, a.DueAt, a.AnsweredAt, a.IsOverdue(now));
}
