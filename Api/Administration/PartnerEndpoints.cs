using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Infrastructure.Administration;

namespace Points.Api.Administration;

/// <summary>Merchants and their operators (admins and town staff of the merchant's town); bank clients (admins).</summary>
public static class PartnerEndpoints
{
    public static void MapPartners(this IEndpointRouteBuilder app)
    {
        var merchants = app.MapGroup("/api/merchants").WithTags("Administration").RequireAuthorization(Policies.TownStaff);
        merchants.MapGet("/", ListMerchantsAsync).WithName(nameof(ListMerchantsAsync)).WithSummary("本镇街的商户、其操作员与兑换比例协议");
        merchants.MapPost("/", CreateMerchantAsync).WithName(nameof(CreateMerchantAsync)).WithSummary("商户入驻：名称、地址，须同意本镇街的积分兑换比例");
        merchants.MapPatch("/{id:guid}", UpdateMerchantAsync).WithName(nameof(UpdateMerchantAsync))
            .WithSummary("修改名称、地址，停用或恢复（active），按本镇街现行比例续签协议（renewRateAgreement）");
        merchants.MapPost("/{id:guid}/operators", CreateOperatorAsync).WithName(nameof(CreateOperatorAsync))
            .WithSummary("为商户添加操作员：返回一次性密码（仅显示这一次，首次登录须修改）");

        var banks = app.MapGroup("/api/bank-clients").WithTags("Administration").RequireAuthorization(Policies.Admin);
        banks.MapGet("/", ListBankClientsAsync).WithName(nameof(ListBankClientsAsync)).WithSummary("银行客户端（不含密钥）");
        banks.MapPost("/", CreateBankClientAsync).WithName(nameof(CreateBankClientAsync)).WithSummary("新建银行客户端：返回客户端密钥（仅显示这一次，只保存其哈希）");
        banks.MapPost("/{id:guid}/rotate-secret", RotateBankSecretAsync).WithName(nameof(RotateBankSecretAsync))
            .WithSummary("轮换客户端密钥：返回新密钥（仅显示这一次），旧密钥立即失效");
    }

    public static async Task<Results<Ok<List<MerchantResponse>>, ProblemHttpResult>> ListMerchantsAsync(
        ClaimsPrincipal principal, MerchantAdministration merchants, CancellationToken ct)
    {
        if (principal.Me().TownId is not { } town)
        {
            return Problems.Forbidden();
        }

        return TypedResults.Ok((await merchants.ListAsync(town, ct)).Select(ToResponse).ToList());
    }

    public static async Task<Results<Created<MerchantResponse>, ProblemHttpResult, ValidationProblem>> CreateMerchantAsync(
        CreateMerchantRequest request, ClaimsPrincipal principal, MerchantAdministration merchants, CancellationToken ct)
    {
        if (principal.Me().TownId is not { } town)
        {
            return Problems.Forbidden();
        }

        var created = await merchants.OnboardAsync(town, request.Name, request.Address, request.AgreesToTownRate, ct);
        if (!created.IsSuccess)
        {
            return created.Error.Code == Merchant.RateAgreementRequired.Code ? Problems.Validation("agreesToTownRate", created.Error) : Problems.From(created.Error);
        }

        var response = ToResponse(created.Value);
        return TypedResults.Created($"/api/merchants/{response.Id}", response);
    }

    public static async Task<Results<Ok<MerchantResponse>, ProblemHttpResult, ValidationProblem>> UpdateMerchantAsync(
        Guid id, UpdateMerchantRequest request, ClaimsPrincipal principal, MerchantAdministration merchants, CancellationToken ct)
    {
        if (principal.Me().TownId is not { } town)
        {
            return Problems.Forbidden();
        }

        var updated = await merchants.UpdateAsync(town, id, new MerchantChange(request.Name, request.Address, request.Active, request.RenewRateAgreement), ct);
        return updated.IsSuccess ? TypedResults.Ok(ToResponse(updated.Value)) : Problems.From(updated.Error);
    }

    public static async Task<Results<Created<IssuedPasswordResponse>, ProblemHttpResult, ValidationProblem>> CreateOperatorAsync(
        Guid id, CreateOperatorRequest request, ClaimsPrincipal principal, MerchantAdministration merchants, CancellationToken ct)
    {
        if (principal.Me().TownId is not { } town)
        {
            return Problems.Forbidden();
        }

        var created = await merchants.AddOperatorAsync(town, id, request.Username, request.DisplayName, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        return TypedResults.Created($"/api/staff/{created.Value.Account.Id}", new IssuedPasswordResponse(StaffResponse.From(created.Value.Account), created.Value.OneTimePassword));
    }

    public static async Task<Ok<List<BankClientResponse>>> ListBankClientsAsync(BankClientAdministration banks, CancellationToken ct) =>
        TypedResults.Ok((await banks.ListAsync(ct)).Select(ToResponse).ToList());

    public static async Task<Results<Created<BankClientSecretResponse>, ProblemHttpResult, ValidationProblem>> CreateBankClientAsync(
        CreateBankClientRequest request, BankClientAdministration banks, CancellationToken ct)
    {
        var created = await banks.CreateAsync(request.Name, request.ClientId, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        return TypedResults.Created($"/api/bank-clients/{created.Value.Client.Id}", new BankClientSecretResponse(ToResponse(created.Value.Client), created.Value.Secret));
    }

    public static async Task<Results<Ok<BankClientSecretResponse>, ProblemHttpResult>> RotateBankSecretAsync(Guid id, BankClientAdministration banks, CancellationToken ct)
    {
        var rotated = await banks.RotateSecretAsync(id, ct);
        return rotated.IsSuccess ? TypedResults.Ok(new BankClientSecretResponse(ToResponse(rotated.Value.Client), rotated.Value.Secret)) : Problems.From(rotated.Error);
    }

    private static MerchantResponse ToResponse(MerchantRow row)
    {
        var m = row.Merchant;
        return new MerchantResponse(m.Id, m.TownId, m.Name, m.Address, m.IsActive, m.AgreedPointsPerYuan, m.RateAgreedAt?.ToOffset(Domain.Common.ShanghaiTime.Offset),
            row.TownPointsPerYuan, m.AgreedPointsPerYuan == row.TownPointsPerYuan,
            row.Operators.Select(o => new OperatorResponse(o.Id, o.Username, o.DisplayName, o.IsActive, o.MustChangePassword)).ToList());
    }

    private static BankClientResponse ToResponse(BankClient b) => new(b.Id, b.Name, b.ClientId, b.IsActive, b.SecretRotatedAt?.ToOffset(Domain.Common.ShanghaiTime.Offset));
}
