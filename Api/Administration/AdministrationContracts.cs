using System.ComponentModel.DataAnnotations;
using Points.Domain.Identity;
using Points.Domain.Ledger;

namespace Points.Api.Administration;

public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

// Communities and grids
public sealed record CreateRegionRequest(
    [property: Required(ErrorMessage = "请填写名称")]
    [property: StringLength(64, MinimumLength = 1, ErrorMessage = "名称须为1到64个字")]
    string? Name);

public sealed record UpdateRegionRequest(
    [property: StringLength(64, MinimumLength = 1, ErrorMessage = "名称须为1到64个字")]
    string? Name,
    bool? Retired);

public sealed record CommunityAdminResponse(Guid Id, Guid TownId, string Name, DateTimeOffset? RetiredAt);

public sealed record GridAdminResponse(Guid Id, Guid CommunityId, string Name, DateTimeOffset? RetiredAt);

// Staff accounts
public sealed record CreateStaffRequest(
    [property: Required(ErrorMessage = "请填写用户名")]
    [property: StringLength(64, MinimumLength = 3, ErrorMessage = "用户名须为3到64位")]
    string? Username,
    [property: Required(ErrorMessage = "请填写姓名")]
    [property: StringLength(32, MinimumLength = 1, ErrorMessage = "姓名须为1到32个字")]
    string? DisplayName,
    [property: Required(ErrorMessage = "请选择角色 role")]
    Role? Role,
    Guid? CommunityId);

public sealed record UpdateStaffRequest(
    [property: StringLength(32, MinimumLength = 1, ErrorMessage = "姓名须为1到32个字")]
    string? DisplayName,
    Role? Role,
    Guid? CommunityId,
    bool? Active);

public sealed record StaffResponse(Guid Id, string Username, string DisplayName, Role Role, Guid TownId, Guid? CommunityId, Guid? MerchantId, bool Active, bool MustChangePassword, DateTimeOffset CreatedAt)
{
    public static StaffResponse From(UserAccount u) =>
        new(u.Id, u.Username ?? "", u.DisplayName, u.Role, u.TownId, u.CommunityId, u.MerchantId, u.IsActive, u.MustChangePassword, u.CreatedAt);
}

/// <summary>An account with the password issued to it. The password is shown this once; only its hash is kept.</summary>
public sealed record IssuedPasswordResponse(StaffResponse Account, string OneTimePassword);

public sealed record ChangePasswordRequest(
    [property: Required(ErrorMessage = "请输入当前密码")]
    [property: StringLength(128, ErrorMessage = "密码不能超过128个字符")]
    string? CurrentPassword,
    [property: Required(ErrorMessage = "请输入新密码")]
    [property: StringLength(128, ErrorMessage = "密码不能超过128个字符")]
    string? NewPassword);

// Merchants and operators
public sealed record CreateMerchantRequest(
    [property: Required(ErrorMessage = "请填写商户名称")]
    [property: StringLength(Merchant.NameMaxLength, MinimumLength = 1, ErrorMessage = "商户名称须为1到64个字")]
    string? Name,
    [property: Required(ErrorMessage = "请填写商户地址")]
    [property: StringLength(Merchant.AddressMaxLength, MinimumLength = 1, ErrorMessage = "商户地址须为1到200个字")]
    string? Address,
    bool AgreesToTownRate);

public sealed record UpdateMerchantRequest(
    [property: StringLength(Merchant.NameMaxLength, MinimumLength = 1, ErrorMessage = "商户名称须为1到64个字")]
    string? Name,
    [property: StringLength(Merchant.AddressMaxLength, MinimumLength = 1, ErrorMessage = "商户地址须为1到200个字")]
    string? Address,
    bool? Active,
    bool RenewRateAgreement = false);

public sealed record CreateOperatorRequest(
    [property: Required(ErrorMessage = "请填写用户名")]
    [property: StringLength(64, MinimumLength = 3, ErrorMessage = "用户名须为3到64位")]
    string? Username,
    [property: Required(ErrorMessage = "请填写姓名")]
    [property: StringLength(32, MinimumLength = 1, ErrorMessage = "姓名须为1到32个字")]
    string? DisplayName);

public sealed record OperatorResponse(Guid Id, string Username, string DisplayName, bool Active, bool MustChangePassword);

/// <summary>A merchant with its rate agreement: the rate it agreed to, when, and whether that is still the town's rate.</summary>
public sealed record MerchantResponse(Guid Id, Guid TownId, string Name, string? Address, bool Active, int? AgreedPointsPerYuan, DateTimeOffset? RateAgreedAt,
    int TownPointsPerYuan, bool RateAgreementCurrent, IReadOnlyList<OperatorResponse> Operators);

// Bank clients
public sealed record CreateBankClientRequest(
    [property: Required(ErrorMessage = "请填写银行名称")]
    [property: StringLength(BankClient.NameMaxLength, MinimumLength = 1, ErrorMessage = "银行名称须为1到64个字")]
    string? Name,
    [property: Required(ErrorMessage = "请填写 clientId")]
    [property: StringLength(BankClient.ClientIdMaxLength, MinimumLength = 3, ErrorMessage = "clientId 须为3到64位")]
    string? ClientId);

public sealed record BankClientResponse(Guid Id, string Name, string ClientId, bool Active, DateTimeOffset? SecretRotatedAt);

/// <summary>The client secret, shown this once; only its hash is kept.</summary>
public sealed record BankClientSecretResponse(BankClientResponse Client, string ClientSecret);

// Town settings
public sealed record EarningRuleSettingDto(
    [property: Required(ErrorMessage = "缺少来源 source")]
    TransferReason? Source,
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "默认积分须在 0 到 1000000 之间")]
    int DefaultPoints,
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "每日上限须在 0 到 1000000 之间")]
    int? DailyCap,
    [property: Range(0, EarningRule.MaxCap, ErrorMessage = "每月上限须在 0 到 1000000 之间")]
    int? MonthlyCap);

public sealed record ExpirySettingDto(
    [property: Range(1, ExpiryPolicy.MaxMonths, ErrorMessage = "有效期须在 1 到 120 个月之间")]
    int? Months);

/// <summary>A partial change of a town's settings: leave a field out to keep it; <c>expiry: {"months": null}</c> means points never expire.</summary>
public sealed record UpdateTownSettingsRequest(
    [property: Range(1, 100_000, ErrorMessage = "积分兑换比例须在 1 到 100000 之间")]
    int? PointsPerYuan,
    IReadOnlyList<int>? MarketDays,
    [property: Range(0, 1_000_000, ErrorMessage = "每日积分上限须在 0 到 1000000 之间")]
    int? DailyEarningCap,
    [property: Range(0, 365, ErrorMessage = "退款期限须在 0 到 365 天之间")]
    int? RefundWindowDays,
    ExpirySettingDto? Expiry,
    IReadOnlyList<EarningRuleSettingDto>? EarningRules,
    IReadOnlyDictionary<string, string?>? WeChatTemplates);

public sealed record TemplateSettingResponse(string Kind, string? TemplateId, string Source);

public sealed record EarningRuleSettingResponse(TransferReason Source, int DefaultPoints, int? DailyCap, int? MonthlyCap);

public sealed record TownSettingsResponse(Guid Id, string Name, int PointsPerYuan, IReadOnlyList<int> MarketDays, int DailyEarningCap, int RefundWindowDays,
    int? ExpiryMonths, IReadOnlyList<EarningRuleSettingResponse> EarningRules, IReadOnlyList<TemplateSettingResponse> WeChatTemplates);

// Settlement
public sealed record SettlementLineResponse(Guid MerchantId, string MerchantName, bool MerchantActive, int PointsPerYuan, int Redemptions, long RedeemedPoints,
    long RefundedPoints, long NetPoints, long NetFen, int CouponRedemptions, long CouponSubsidyFen, long OwedFen);

/// <summary>The town's month; <c>owedFen</c> = points' value (<c>netFen</c>) + coupon subsidies (<c>couponSubsidyFen</c>).</summary>
public sealed record TownSettlementResponse(Guid TownId, string Month, bool Approved, DateTimeOffset? ApprovedAt, Guid? ApprovedBy, string? ApprovedByName,
    long NetPoints, long NetFen, IReadOnlyList<SettlementLineResponse> Merchants, int CouponRedemptions, long CouponSubsidyFen, long OwedFen);

// Merchant's own redemptions
public sealed record MerchantRedemptionResponse(Guid Id, DateTimeOffset At, long Points, long Fen, string Resident, string? Note,
    DateTimeOffset? RefundedAt, bool Refundable, DateTimeOffset RefundableUntil);
