using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Points.Api.Http;
using Points.Api.Ledger;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Administration;

namespace Points.Api.Administration;

/// <summary>A town's settings (one read, one partial write) and its monthly settlement with every merchant.</summary>
public static class TownAdministrationEndpoints
{
    public static void MapTownAdministration(this IEndpointRouteBuilder app)
    {
        var towns = app.MapGroup("/api/towns/{townId:guid}").WithTags("Administration").RequireAuthorization(Policies.TownStaff);
        towns.MapGet("/settings", GetTownSettingsAsync).WithName(nameof(GetTownSettingsAsync))
            .WithSummary("镇街设置：兑换比例、超市开放日、每日上限、退款期限、积分有效期、各来源积分规则、微信订阅消息模板");
        towns.MapPatch("/settings", UpdateTownSettingsAsync).WithName(nameof(UpdateTownSettingsAsync))
            .WithSummary("修改镇街设置（只改提交的字段；expiry: {months: null} 为永不过期；模板 ID 为空则恢复使用配置中的模板）");
        towns.MapGet("/settlements/{month}", GetSettlementAsync).WithName(nameof(GetSettlementAsync))
            .WithSummary("镇街月度结算：每个商户的兑换、退款、净积分与应付金额（分）；审批后为审批时的数字；?format=csv 或 xlsx（含合计行）");
        towns.MapPost("/settlements/{month}/approve", ApproveSettlementAsync).WithName(nameof(ApproveSettlementAsync))
            .WithSummary("审批月度结算以便付款（该月结束后；记录审批人与时间，审批后不可再改）");
    }

    public static async Task<Results<Ok<TownSettingsResponse>, ProblemHttpResult>> GetTownSettingsAsync(
        Guid townId, ClaimsPrincipal principal, TownSettingsService settings, CancellationToken ct)
    {
        var read = await settings.GetAsync(townId, ct);
        if (!read.IsSuccess)
        {
            return Problems.From(read.Error);
        }

        return principal.Me().CanAdministerTown(townId) ? TypedResults.Ok(ToResponse(read.Value)) : Problems.From(AdministrationErrors.OutOfScope);
    }

    public static async Task<Results<Ok<TownSettingsResponse>, ProblemHttpResult, ValidationProblem>> UpdateTownSettingsAsync(
        Guid townId, UpdateTownSettingsRequest request, ClaimsPrincipal principal, TownSettingsService settings, CancellationToken ct)
    {
        var exists = await settings.GetAsync(townId, ct);
        if (!exists.IsSuccess)
        {
            return Problems.From(exists.Error);
        }

        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.From(AdministrationErrors.OutOfScope);
        }

        var change = new TownSettingsChange(request.PointsPerYuan, request.MarketDays, request.DailyEarningCap, request.RefundWindowDays,
            request.Expiry is { } expiry ? new ExpiryChange(expiry.Months) : null,
            request.EarningRules?.Select(r => new EarningRuleSetting(r.Source!.Value, r.DefaultPoints, r.DailyCap, r.MonthlyCap)).ToList(),
            request.WeChatTemplates);
        var updated = await settings.UpdateAsync(townId, change, ct);
        return updated.IsSuccess ? TypedResults.Ok(ToResponse(updated.Value)) : Problems.From(updated.Error);
    }

    public static async Task<Results<Ok<TownSettlementResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem>> GetSettlementAsync(
        Guid townId, string month, ClaimsPrincipal principal, SettlementService settlements, CancellationToken ct, [FromQuery] string? format = null)
    {
        if (!ExportFile.TryParseMonth(month, out var year, out var m))
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM");
        }

        if (!principal.Me().CanAdministerTown(townId))
        {
            return Problems.From(AdministrationErrors.OutOfScope);
        }

        var settlement = await settlements.TownMonthAsync(townId, year, m, ct);
        if (!settlement.IsSuccess)
        {
            return Problems.From(settlement.Error);
        }

        var s = settlement.Value;
        if (ExportFile.Format(format) is { } file)
        {
            var state = s.Approved ? $"已审批 {ShanghaiTime.ToShanghai(s.ApprovedAt!.Value).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {s.ApprovedByName}" : "未审批";
            var rows = s.Lines.Select(l => (IReadOnlyList<object>)[l.MerchantName, l.PointsPerYuan, l.Redemptions, l.RedeemedPoints,
                l.RefundedPoints, l.NetPoints, MerchantEndpoints.YuanAmount(l.NetFen), l.CouponRedemptions, MerchantEndpoints.YuanAmount(l.CouponSubsidyFen),
                MerchantEndpoints.YuanAmount(l.OwedFen), state]).ToList();
            rows.Add(["合计", string.Empty, s.Lines.Sum(l => l.Redemptions), s.Lines.Sum(l => l.RedeemedPoints), s.Lines.Sum(l => l.RefundedPoints),
                s.NetPoints, MerchantEndpoints.YuanAmount(s.NetFen), s.CouponRedemptions, MerchantEndpoints.YuanAmount(s.CouponSubsidyFen), MerchantEndpoints.YuanAmount(s.OwedFen), state]);
            var table = new ExportTable("结算汇总", ["商户", "兑换比例（积分/元）", "兑换笔数", "兑换积分", "退款积分", "净积分", "应付金额（元）", "核销积分券数", "积分券补贴（元）", "应付合计（元）", "审批状态"], rows);
            return ExportFile.From(table, file, $"settlement-{month}");
        }

        return TypedResults.Ok(ToResponse(s));
    }

    public static async Task<Results<Ok<TownSettlementResponse>, ProblemHttpResult, ValidationProblem>> ApproveSettlementAsync(
        Guid townId, string month, ClaimsPrincipal principal, SettlementService settlements, CancellationToken ct)
    {
        if (!ExportFile.TryParseMonth(month, out var year, out var m))
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM");
        }

        var me = principal.Me();
        if (!me.CanAdministerTown(townId))
        {
            return Problems.From(AdministrationErrors.OutOfScope);
        }

        var approved = await settlements.ApproveAsync(townId, year, m, me.Id, ct);
        return approved.IsSuccess ? TypedResults.Ok(ToResponse(approved.Value)) : Problems.From(approved.Error);
    }

    private static TownSettingsResponse ToResponse(TownSettings s) => new(
        s.Town.Id, s.Town.Name, s.Town.PointsPerYuan, s.Town.MarketDayList, s.Town.DailyEarningCap, s.Town.RefundWindowDays, s.ExpiryMonths,
        s.EarningRules.Select(r => new EarningRuleSettingResponse(r.Source, r.DefaultPoints, r.DailyCap, r.MonthlyCap)).ToList(),
        s.WeChatTemplates.Select(t => new TemplateSettingResponse(t.Kind, t.TemplateId, t.Source)).ToList());

    private static TownSettlementResponse ToResponse(TownSettlement s) => new(
        s.TownId, MerchantSettlement.FormatPeriod(s.Year, s.Month), s.Approved, s.ApprovedAt?.ToOffset(ShanghaiTime.Offset), s.ApprovedBy, s.ApprovedByName, s.NetPoints, s.NetFen,
        s.Lines.Select(l => new SettlementLineResponse(l.MerchantId, l.MerchantName, l.MerchantActive, l.PointsPerYuan, l.Redemptions, l.RedeemedPoints, l.RefundedPoints,
            l.NetPoints, l.NetFen, l.CouponRedemptions, l.CouponSubsidyFen, l.OwedFen)).ToList(), s.CouponRedemptions, s.CouponSubsidyFen, s.OwedFen);
}

/// <summary>The merchant's own redemption history (the counter's list, with refund state).</summary>
public static class MerchantHistoryEndpoints
{
    public static void MapMerchantHistory(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/merchant").WithTags("Merchant").RequireAuthorization(Policies.Merchant);
        group.MapGet("/redemptions", ListMyRedemptionsAsync).WithName(nameof(ListMyRedemptionsAsync))
            .WithSummary("本商户的兑换记录（按时间倒序；from/to 为北京时间日期 yyyy-MM-dd，含当日；q 按单号、积分或备注查找；含退款状态与是否仍可退款）");
    }

    public static async Task<Results<Ok<PageResponse<MerchantRedemptionResponse>>, ProblemHttpResult, ValidationProblem>> ListMyRedemptionsAsync(
        ClaimsPrincipal principal, Infrastructure.Ledger.MerchantRedemptionHistory history, CancellationToken ct,
        string? from = null, string? to = null, string? q = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out _, out var invalid))
        {
            return invalid!;
        }

        if (!TryDay(from, out var fromDay))
        {
            return Problems.Validation("from", "日期格式应为 yyyy-MM-dd");
        }

        if (!TryDay(to, out var toDay))
        {
            return Problems.Validation("to", "日期格式应为 yyyy-MM-dd");
        }

        if (fromDay > toDay)
        {
            return Problems.Validation("to", "结束日期不能早于开始日期");
        }

        if (q is { Length: > 100 })
        {
            return Problems.Validation("q", "查询内容不能超过100个字");
        }

        if (principal.Me().MerchantId is not { } merchantId)
        {
            return Problems.MerchantNotLinked();
        }

        var list = await history.ListAsync(merchantId, new Infrastructure.Ledger.RedemptionFilter(fromDay, toDay, q, page, pageSize), ct);
        if (list is null)
        {
            return Problems.NotFound("merchant.not_found", "商户不存在");
        }

        return TypedResults.Ok(new PageResponse<MerchantRedemptionResponse>(list.Items.Select(r => new MerchantRedemptionResponse(
            r.Id, r.At.ToOffset(ShanghaiTime.Offset), r.Points, r.Fen, Participation.HonorRollEndpoints.Mask(r.ResidentName), r.Note,
            r.RefundedAt?.ToOffset(ShanghaiTime.Offset), r.Refundable, r.RefundableUntil.ToOffset(ShanghaiTime.Offset))).ToList(), list.Page, list.PageSize, list.Total));
    }

    private static bool TryDay(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || parsed.Year < 2000)
        {
            return false;
        }

        day = parsed;
        return true;
    }
}
