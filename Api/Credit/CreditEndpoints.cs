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

public static partial class CreditEndpoints
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
