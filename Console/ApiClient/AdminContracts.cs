namespace Points.Console.ApiClient;

// Twins of Api/Administration/AdministrationContracts.cs and Api/Auth/AccountLockEndpoints.cs records.

public sealed record RegionNameRequest(string? Name);

public sealed record UpdateRegionRequest(string? Name, bool? Retired);

public sealed record CommunityAdminResponse(Guid Id, Guid TownId, string Name, DateTimeOffset? RetiredAt);

public sealed record GridAdminResponse(Guid Id, Guid CommunityId, string Name, DateTimeOffset? RetiredAt);

public sealed record RegionCommunity(Guid Id, Guid TownId, string Name, IReadOnlyList<RegionGrid> Grids, DateTimeOffset? RetiredAt);

public sealed record RegionGrid(Guid Id, string Name, DateTimeOffset? RetiredAt);

public sealed record CreateStaffRequest(string? Username, string? DisplayName, string? Role, Guid? CommunityId);

public sealed record UpdateStaffRequest(string? DisplayName, string? Role, Guid? CommunityId, bool? Active);

public sealed record StaffResponse(Guid Id, string Username, string DisplayName, string Role, Guid TownId, Guid? CommunityId, Guid? MerchantId, bool Active, bool MustChangePassword, DateTimeOffset CreatedAt);

public sealed record IssuedPasswordResponse(StaffResponse Account, string OneTimePassword);

public sealed record UnlockResponse(Guid UserId, int LocksCleared, DateTimeOffset UnlockedAt);

public sealed record AccountLockEventResponse(Guid Id, string Kind, string Source, DateTimeOffset At, DateTimeOffset? LockedUntil, Guid? ActorId);

public sealed record CreateMerchantRequest(string? Name, string? Address, bool AgreesToTownRate);

public sealed record UpdateMerchantRequest(string? Name, string? Address, bool? Active, bool RenewRateAgreement = false);

public sealed record CreateOperatorRequest(string? Username, string? DisplayName);

public sealed record OperatorResponse(Guid Id, string Username, string DisplayName, bool Active, bool MustChangePassword);

public sealed record MerchantResponse(Guid Id, Guid TownId, string Name, string? Address, bool Active, int? AgreedPointsPerYuan, DateTimeOffset? RateAgreedAt,
    int TownPointsPerYuan, bool RateAgreementCurrent, IReadOnlyList<OperatorResponse> Operators);

public sealed record CreateBankClientRequest(string? Name, string? ClientId);

public sealed record BankClientResponse(Guid Id, string Name, string ClientId, bool Active, DateTimeOffset? SecretRotatedAt);

public sealed record BankClientSecretResponse(BankClientResponse Client, string ClientSecret);

public sealed record EarningRuleSetting(string Source, int DefaultPoints, int? DailyCap, int? MonthlyCap);

public sealed record ExpirySetting(int? Months);

public sealed record UpdateTownSettingsRequest(int? PointsPerYuan, IReadOnlyList<int>? MarketDays, int? DailyEarningCap, int? RefundWindowDays, ExpirySetting? Expiry,
    IReadOnlyList<EarningRuleSetting>? EarningRules, IReadOnlyDictionary<string, string?>? WeChatTemplates);

public sealed record TemplateSettingResponse(string Kind, string? TemplateId, string Source);

public sealed record TownSettingsResponse(Guid Id, string Name, int PointsPerYuan, IReadOnlyList<int> MarketDays, int DailyEarningCap, int RefundWindowDays,
    int? ExpiryMonths, IReadOnlyList<EarningRuleSetting> EarningRules, IReadOnlyList<TemplateSettingResponse> WeChatTemplates);

public sealed record SettlementLineResponse(Guid MerchantId, string MerchantName, bool MerchantActive, int PointsPerYuan, int Redemptions, long RedeemedPoints,
    long RefundedPoints, long NetPoints, long NetFen, int CouponRedemptions = 0, long CouponSubsidyFen = 0, long OwedFen = 0);

public sealed record TownSettlementResponse(Guid TownId, string Month, bool Approved, DateTimeOffset? ApprovedAt, Guid? ApprovedBy, string? ApprovedByName,
    long NetPoints, long NetFen, IReadOnlyList<SettlementLineResponse> Merchants, int CouponRedemptions = 0, long CouponSubsidyFen = 0, long OwedFen = 0);
