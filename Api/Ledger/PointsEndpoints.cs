using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;
using QRCoder;

namespace Points.Api.Ledger;

public static class PointsEndpoints
{
    public static void MapPoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Points").RequireAuthorization();
        me.MapGet("/points", GetMyPointsAsync).WithName(nameof(GetMyPointsAsync)).WithSummary("我的积分：余额、待入账积分（审核中的申报与已受理未办结的隐患报告预计可得）与明细（按时间倒序分页，next 为下一页游标）");
        me.MapPost("/paycode", IssuePaycodeAsync).WithName(nameof(IssuePaycodeAsync)).WithSummary("生成一次性付款码（60秒有效，含二维码 PNG）")
            .RequireAuthorization(Policies.Resident);

        var points = app.MapGroup("/api/points").WithTags("Points").RequireAuthorization(Policies.TownStaff);
        points.MapPost("/adjustments", AdjustAsync).WithName(nameof(AdjustAsync)).WithSummary("人工调整积分（正数增加，负数扣减；须填写原因，记录操作人）");

        var towns = app.MapGroup("/api/towns/{townId:guid}").WithTags("Points").RequireAuthorization(Policies.TownStaff);
        towns.MapGet("/earning-rules", ListEarningRulesAsync).WithName(nameof(ListEarningRulesAsync)).WithSummary("镇街积分获取规则（各来源默认分值、每日与每月上限）");
        towns.MapPut("/earning-rules/{source}", PutEarningRuleAsync).WithName(nameof(PutEarningRuleAsync)).WithSummary("设置某来源的积分规则");
        towns.MapPut("/expiry-policy", PutExpiryPolicyAsync).WithName(nameof(PutExpiryPolicyAsync)).WithSummary("设置积分有效期（月数；null 为永不过期）");
    }

    public static async Task<Results<Ok<PointsResponse>, ValidationProblem>> GetMyPointsAsync(
        ClaimsPrincipal principal, LedgerReports reports, PendingPoints pending, CancellationToken ct, string? cursor = null, int pageSize = 20)
    {
        if (Paging.CheckSize(pageSize) is { } invalid)
        {
            return invalid;
        }

        if (!LedgerReports.IsValidCursor(cursor))
        {
            return Problems.Validation("cursor", "分页游标无效");
        }

        var me = principal.Me().Id;
        var page = await reports.WalletAsync(me, cursor, pageSize, ct);
        return TypedResults.Ok(new PointsResponse(page.Balance, await pending.OfResidentAsync(me, ct),
            page.Entries.Select(e => new PointsEntryResponse(e.Id, e.Points, e.Reason, e.Note, e.At)).ToList(), page.Next));
    }

    public static async Task<Results<Ok<PaycodeResponse>, ProblemHttpResult>> IssuePaycodeAsync(
        ClaimsPrincipal principal, RedemptionService redemptions, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.Forbidden();
        }

        var issued = await redemptions.IssuePaycodeAsync(me.Id, townId, ct);
        return TypedResults.Ok(new PaycodeResponse(issued.Code, issued.ExpiresAt, Convert.ToBase64String(QrPng(issued.Code))));
    }

    public static byte[] QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    public static async Task<Results<Ok<AdjustmentResponse>, ProblemHttpResult, ValidationProblem>> AdjustAsync(
        AdjustmentRequest request, HttpRequest http, ClaimsPrincipal principal, AdjustmentService adjustments, LedgerService ledger, CancellationToken ct)
    {
        var key = IdempotencyKey.Read(http);
        if (!key.IsSuccess)
        {
            return Problems.From(key.Error);
        }

        if (request.Points == 0)
        {
            return Problems.Validation("points", "调整积分不能为 0");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Problems.Validation("reason", "请填写调整原因");
        }

        var me = principal.Me();
        var result = await adjustments.AdjustAsync(
            new AdjustCommand(me.Id, request.ResidentId!.Value, request.Points!.Value, request.Reason.Trim(), key.Value), me.CanAdministerTown, ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var (posted, townId) = result.Value;
        var balance = await ledger.BalanceAsync(AccountRef.Wallet(request.ResidentId.Value, townId), ct);
        return TypedResults.Ok(new AdjustmentResponse(posted.Entry.Id, request.ResidentId.Value, request.Points.Value, posted.Entry.Note!, posted.Entry.ActorId!.Value, posted.Entry.OccurredAt, balance));
    }

    public static async Task<Results<Ok<List<EarningRuleResponse>>, ProblemHttpResult>> ListEarningRulesAsync(
        Guid townId, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var rules = await db.EarningRules.AsNoTracking().Where(r => r.TownId == townId).ToListAsync(ct);
        return TypedResults.Ok(rules.OrderBy(r => r.Source).Select(ToResponse).ToList());
    }

    public static async Task<Results<Ok<EarningRuleResponse>, ProblemHttpResult, ValidationProblem>> PutEarningRuleAsync(
        Guid townId, string source, EarningRuleRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!Enum.TryParse<TransferReason>(source, ignoreCase: false, out var reason) || !Enum.IsDefined(reason) || !EarningRule.IsEarningSource(reason))
        {
            return Problems.Validation("source", "来源须为 ActivityAttendance、Declaration、HazardReport 或 Learning");
        }

        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        if (EarningRule.Validate(reason, request.DefaultPoints, request.DailyCap, request.MonthlyCap) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var rule = await db.EarningRules.FirstOrDefaultAsync(r => r.TownId == townId && r.Source == reason, ct);
        if (rule is null)
        {
            rule = new EarningRule(Guid.CreateVersion7(), townId, reason, request.DefaultPoints, request.DailyCap, request.MonthlyCap);
            db.EarningRules.Add(rule);
        }
        else
        {
            rule.Update(request.DefaultPoints, request.DailyCap, request.MonthlyCap);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            return Problems.From(Domain.Common.DomainError.Conflict("earning_rule.concurrent_edit", "规则正被他人修改，请重试"));
        }

        return TypedResults.Ok(ToResponse(rule));
    }

    public static async Task<Results<Ok<ExpiryPolicyResponse>, ProblemHttpResult>> PutExpiryPolicyAsync(
        Guid townId, ExpiryPolicyRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var policy = await db.ExpiryPolicies.FirstOrDefaultAsync(p => p.TownId == townId, ct);
        if (request.Months is { } months)
        {
            if (policy is null)
            {
                db.ExpiryPolicies.Add(new ExpiryPolicy(townId, months));
            }
            else
            {
                policy.Change(months);
            }
        }
        else if (policy is not null)
        {
            db.ExpiryPolicies.Remove(policy);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ExpiryPolicyResponse(townId, request.Months));
    }

    private static EarningRuleResponse ToResponse(EarningRule r) => new(r.TownId, r.Source, r.DefaultPoints, r.DailyCap, r.MonthlyCap);
}

public static class MerchantEndpoints
{
    public static void MapMerchant(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/merchant").WithTags("Merchant").RequireAuthorization(Policies.Merchant);
        group.MapPost("/redemptions", RedeemAsync).WithName(nameof(RedeemAsync)).WithSummary("扫码兑换积分（Idempotency-Key 请求头或 idempotencyKey 字段）");
        group.MapPost("/redemptions/{id:guid}/refund", RefundAsync).WithName(nameof(RefundAsync)).WithSummary("退款期限内全额退款");
        group.MapGet("/statements/{month}", StatementAsync).WithName(nameof(StatementAsync)).WithSummary("月度结算单（积分与按镇街比例折算的金额、积分券补贴，单位分）；?format=csv 或 xlsx（含合计行）");
    }

    public static async Task<Results<Created<RedemptionReceipt>, ProblemHttpResult, ValidationProblem>> RedeemAsync(
        RedeemRequest request, HttpRequest http, ClaimsPrincipal principal, RedemptionService redemptions, CancellationToken ct)
    {
        var key = IdempotencyKey.Read(http, request.IdempotencyKey);
        if (!key.IsSuccess)
        {
            return Problems.From(key.Error);
        }

        var me = principal.Me();
        if (me.MerchantId is not { } merchantId)
        {
            return Problems.MerchantNotLinked();
        }

        var result = await redemptions.RedeemAsync(new RedeemCommand(merchantId, me.Id, request.Paycode, request.Points!.Value, key.Value, request.Note), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var receipt = RedemptionReceipt.From(result.Value.Redemption);
        return TypedResults.Created($"/api/merchant/redemptions/{receipt.Id}", receipt);
    }

    public static async Task<Results<Ok<RedemptionReceipt>, ProblemHttpResult>> RefundAsync(
        Guid id, ClaimsPrincipal principal, RedemptionService redemptions, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.MerchantId is not { } merchantId)
        {
            return Problems.MerchantNotLinked();
        }

        var result = await redemptions.RefundAsync(merchantId, id, me.Id, ct);
        return result.ToHttp(value => TypedResults.Ok(RedemptionReceipt.From(value)));
    }

    public static async Task<Results<Ok<StatementResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem>> StatementAsync(
        string month, ClaimsPrincipal principal, LedgerReports reports, TimeProvider clock, CancellationToken ct, [FromQuery] string? format = null)
    {
        if (!ExportFile.TryParseMonth(month, out var year, out var m))
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM");
        }

        if (SummaryMonth.Check(year, m, clock.GetUtcNow()) is { } refused)
        {
            return Problems.From(refused);
        }

        if (principal.Me().MerchantId is not { } merchantId)
        {
            return Problems.MerchantNotLinked();
        }

        var statement = await reports.MerchantMonthAsync(merchantId, year, m, ct);
        if (statement is null)
        {
            return Problems.NotFound("merchant.not_found", "商户不存在");
        }

        if (ExportFile.Format(format) is { } file)
        {
            var rows = new List<IReadOnlyList<object>>();
            rows.AddRange(statement.Days.Select(d => (IReadOnlyList<object>)[d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Redemptions, d.RedeemedPoints, d.RefundedPoints, d.NetPoints, YuanAmount(d.NetFen),
                d.CouponRedemptions, YuanAmount(d.CouponSubsidyFen), YuanAmount(d.OwedFen)]));
            rows.Add(["合计", statement.Days.Sum(d => d.Redemptions), statement.RedeemedPoints, statement.RefundedPoints, statement.NetPoints, YuanAmount(statement.NetFen),
                statement.CouponRedemptions, YuanAmount(statement.CouponSubsidyFen), YuanAmount(statement.OwedFen)]);
            var table = new ExportTable("结算单", ["日期", "兑换笔数", "兑换积分", "退款积分", "净积分", "金额（元）", "核销积分券数", "积分券补贴（元）", "应付合计（元）"], rows);
            return ExportFile.From(table, file, $"statement-{month}");
        }

        return TypedResults.Ok(new StatementResponse(statement.MerchantId, statement.MerchantName, month, statement.PointsPerYuan, statement.RedeemedPoints,
            statement.RefundedPoints, statement.NetPoints, statement.NetFen,
            statement.Days.Select(d => new StatementDayResponse(d.Day, d.Redemptions, d.RedeemedPoints, d.RefundedPoints, d.NetPoints, d.NetFen, d.CouponRedemptions, d.CouponSubsidyFen, d.OwedFen)).ToList(),
            statement.CouponRedemptions, statement.CouponSubsidyFen, statement.OwedFen));
    }

    /// <summary>Fen as yuan text with two decimals: −20 fen is "-0.20" (the sign is kept even when the yuan part is 0).</summary>
    public static string Yuan(long fen) => YuanAmount(fen).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Fen as a yuan number (exact: decimal), so a spreadsheet can add it up.</summary>
    public static decimal YuanAmount(long fen) => fen / 100m;
}
