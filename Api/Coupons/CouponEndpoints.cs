using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Api.Ledger;
using Points.Domain.Coupons;
using Points.Infrastructure.Coupons;

namespace Points.Api.Coupons;

/// <summary>积分券: town staff keep templates, residents read their coupons, merchants take them.</summary>
public static class CouponEndpoints
{
    public static void MapCoupons(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/coupon-templates").WithTags("Coupons").RequireAuthorization(Policies.TownStaff);
        templates.MapPost("/", CreateCouponTemplateAsync).WithName(nameof(CreateCouponTemplateAsync))
            .WithSummary("新建积分券模板（折扣百分比或减免金额二选一、兑券积分、指定商户、有效期、每人限领与总量、上月参加活动次数要求）；每月初按资格自动发放");
        templates.MapGet("/", ListCouponTemplatesAsync).WithName(nameof(ListCouponTemplatesAsync)).WithSummary("本镇街的积分券模板（含已发放与已核销数量）");
        templates.MapPost("/{id:guid}/void", VoidCouponTemplateAsync).WithName(nameof(VoidCouponTemplateAsync)).WithSummary("作废积分券模板：未使用的券不再可用，也不再发放");

        app.MapGroup("/api/me").WithTags("Coupons").RequireAuthorization(Policies.Resident)
            .MapGet("/coupons", MyCouponsAsync).WithName(nameof(MyCouponsAsync)).WithSummary("我的积分券（券码与二维码 PNG、可用商户、有效期与状态）");

        app.MapGroup("/api/merchant").WithTags("Merchant").RequireAuthorization(Policies.Merchant)
            .MapPost("/coupon-redemptions", RedeemCouponAsync).WithName(nameof(RedeemCouponAsync))
            .WithSummary("核销积分券（Idempotency-Key 请求头或 idempotencyKey 字段）：每张券只能用一次，须在指定商户与有效期内；兑券积分从居民账户扣除");
    }

    public static async Task<Results<Created<CouponTemplateResponse>, ProblemHttpResult, ValidationProblem>> CreateCouponTemplateAsync(
        CouponTemplateRequest request, ClaimsPrincipal principal, CouponTemplateService templates, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId || !me.CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var draft = new CouponTemplateDraft(request.Title!, request.PercentOff, request.DiscountFen, request.PointsCost ?? 0, request.MerchantIds!,
            request.ValidFrom!.Value, request.ValidTo!.Value, request.PerResidentLimit ?? 1, request.TotalCap!.Value, request.MinActivitiesLastMonth ?? 0);
        var created = await templates.CreateAsync(townId, me.Id, draft, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = CouponTemplateResponse.From(created.Value);
        return TypedResults.Created($"/api/coupon-templates/{response.Id}", response);
    }

    public static async Task<Results<Ok<List<CouponTemplateResponse>>, ProblemHttpResult>> ListCouponTemplatesAsync(
        ClaimsPrincipal principal, CouponTemplateService templates, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId || !me.CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var list = await templates.ListAsync(townId, ct);
        return TypedResults.Ok(list.Select(CouponTemplateResponse.From).ToList());
    }

    public static async Task<Results<Ok<CouponTemplateResponse>, ProblemHttpResult>> VoidCouponTemplateAsync(
        Guid id, ClaimsPrincipal principal, CouponTemplateService templates, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId || !me.CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var result = await templates.VoidAsync(townId, id, me.Id, ct);
        return result.ToHttp(v => TypedResults.Ok(CouponTemplateResponse.From(v)));
    }

    public static async Task<Ok<List<MyCouponResponse>>> MyCouponsAsync(ClaimsPrincipal principal, ResidentCoupons coupons, CancellationToken ct)
    {
        var mine = await coupons.MineAsync(principal.Me().Id, ct);
        return TypedResults.Ok(mine.Select(c => new MyCouponResponse(
            c.Id, c.Code, c.Status is CouponStatus.Available or CouponStatus.NotYetValid ? Convert.ToBase64String(PointsEndpoints.QrPng(c.Code)) : null,
            c.Title, c.PercentOff, c.DiscountFen, c.PointsCost, c.Month, c.ValidFrom, c.ValidTo, c.Status, c.IssuedAt, c.UsedAt,
            c.Merchants.Select(m => new CouponMerchantResponse(m.Id, m.Name)).ToList())).ToList());
    }

    public static async Task<Results<Created<CouponRedemptionResponse>, ProblemHttpResult, ValidationProblem>> RedeemCouponAsync(
        CouponRedemptionRequest request, HttpRequest http, ClaimsPrincipal principal, CouponRedemptionService redemptions, CancellationToken ct)
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

        var result = await redemptions.RedeemAsync(new RedeemCouponCommand(merchantId, me.Id, request.CouponCode, request.OrderAmountFen!.Value, key.Value), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var response = CouponRedemptionResponse.From(result.Value);
        return TypedResults.Created($"/api/merchant/coupon-redemptions/{response.Id}", response);
    }
}
