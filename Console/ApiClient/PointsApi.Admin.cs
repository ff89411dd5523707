using System.Globalization;

namespace Points.Console.ApiClient;

/// <summary>A town's administration: communities and grids, staff accounts, merchants and operators, bank clients, settings, settlement.</summary>
public sealed partial class PointsApi
{
    // Communities and grids (retired ones too: the administration page shows and restores them)
    public Task<ApiResult<List<RegionCommunity>>> RegionsAsync() => GetAsync<List<RegionCommunity>>("api/communities?includeRetired=true");

    public Task<ApiResult<CommunityAdminResponse>> CreateCommunityAsync(Guid townId, string? name) =>
        SendAsync<CommunityAdminResponse>(HttpMethod.Post, $"api/towns/{townId}/communities", new RegionNameRequest(name));

    public Task<ApiResult<CommunityAdminResponse>> UpdateCommunityAsync(Guid id, UpdateRegionRequest request) =>
        SendAsync<CommunityAdminResponse>(HttpMethod.Patch, $"api/communities/{id}", request);

    public Task<ApiResult<GridAdminResponse>> CreateGridAsync(Guid communityId, string? name) =>
        SendAsync<GridAdminResponse>(HttpMethod.Post, $"api/communities/{communityId}/grids", new RegionNameRequest(name));

    public Task<ApiResult<GridAdminResponse>> UpdateGridAsync(Guid id, UpdateRegionRequest request) => SendAsync<GridAdminResponse>(HttpMethod.Patch, $"api/grids/{id}", request);

    // Staff accounts
    public Task<ApiResult<PageOf<StaffResponse>>> StaffAsync(string? q, string? role, int page) =>
        GetAsync<PageOf<StaffResponse>>("api/staff" + Query(("q", q), ("role", role), ("page", page.ToString(CultureInfo.InvariantCulture))));

    public Task<ApiResult<IssuedPasswordResponse>> CreateStaffAsync(CreateStaffRequest request) => SendAsync<IssuedPasswordResponse>(HttpMethod.Post, "api/staff", request);

    public Task<ApiResult<StaffResponse>> UpdateStaffAsync(Guid id, UpdateStaffRequest request) => SendAsync<StaffResponse>(HttpMethod.Patch, $"api/staff/{id}", request);

    public Task<ApiResult<IssuedPasswordResponse>> ResetPasswordAsync(Guid id) => SendAsync<IssuedPasswordResponse>(HttpMethod.Post, $"api/staff/{id}/reset-password", new { });

    public Task<ApiResult<UnlockResponse>> UnlockAsync(Guid id) => SendAsync<UnlockResponse>(HttpMethod.Post, $"api/staff/{id}/unlock", new { });

    public Task<ApiResult<List<AccountLockEventResponse>>> LockEventsAsync(Guid id) => GetAsync<List<AccountLockEventResponse>>($"api/staff/{id}/lock-events");

    // Merchants and operators
    public Task<ApiResult<List<MerchantResponse>>> MerchantsAsync() => GetAsync<List<MerchantResponse>>("api/merchants");

    public Task<ApiResult<MerchantResponse>> CreateMerchantAsync(CreateMerchantRequest request) => SendAsync<MerchantResponse>(HttpMethod.Post, "api/merchants", request);

    public Task<ApiResult<MerchantResponse>> UpdateMerchantAsync(Guid id, UpdateMerchantRequest request) => SendAsync<MerchantResponse>(HttpMethod.Patch, $"api/merchants/{id}", request);

    public Task<ApiResult<IssuedPasswordResponse>> CreateOperatorAsync(Guid merchantId, CreateOperatorRequest request) =>
        SendAsync<IssuedPasswordResponse>(HttpMethod.Post, $"api/merchants/{merchantId}/operators", request);

    // Bank clients
    public Task<ApiResult<List<BankClientResponse>>> BankClientsAsync() => GetAsync<List<BankClientResponse>>("api/bank-clients");

    public Task<ApiResult<BankClientSecretResponse>> CreateBankClientAsync(CreateBankClientRequest request) => SendAsync<BankClientSecretResponse>(HttpMethod.Post, "api/bank-clients", request);

    public Task<ApiResult<BankClientSecretResponse>> RotateBankSecretAsync(Guid id) => SendAsync<BankClientSecretResponse>(HttpMethod.Post, $"api/bank-clients/{id}/rotate-secret", new { });

    // Settings and settlement
    public Task<ApiResult<TownSettingsResponse>> TownSettingsAsync(Guid townId) => GetAsync<TownSettingsResponse>($"api/towns/{townId}/settings");

    public Task<ApiResult<TownSettingsResponse>> UpdateTownSettingsAsync(Guid townId, UpdateTownSettingsRequest request) =>
        SendAsync<TownSettingsResponse>(HttpMethod.Patch, $"api/towns/{townId}/settings", request);

    public Task<ApiResult<TownSettlementResponse>> SettlementAsync(Guid townId, string month) => GetAsync<TownSettlementResponse>($"api/towns/{townId}/settlements/{month}");

    public Task<ApiResult<TownSettlementResponse>> ApproveSettlementAsync(Guid townId, string month) =>
        SendAsync<TownSettlementResponse>(HttpMethod.Post, $"api/towns/{townId}/settlements/{month}/approve", new { });

    public Task<ApiResult<DownloadedFile>> SettlementFileAsync(Guid townId, string month) => DownloadAsync($"api/towns/{townId}/settlements/{month}?format=xlsx");
}
