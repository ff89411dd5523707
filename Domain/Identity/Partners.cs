using Points.Domain.Common;

namespace Points.Domain.Identity;

/// <summary>A partner merchant that accepts points (e.g. 50 points = 1 yuan, set per town).</summary>
public sealed class Merchant
{
    public const int NameMaxLength = 64;
    public const int AddressMaxLength = 200;

    public static readonly DomainError NameInvalid = DomainError.Validation("merchant.name_invalid", "商户名称不能为空且不超过64个字");
    public static readonly DomainError AddressInvalid = DomainError.Validation("merchant.address_invalid", "商户地址不能为空且不超过200个字");
    public static readonly DomainError RateAgreementRequired = DomainError.Validation("merchant.rate_agreement_required", "商户须同意本镇街的积分兑换比例后才能入驻");

    private Merchant()
    {
        Name = string.Empty;
    }

    public Merchant(Guid id, Guid townId, string name)
    {
        Id = id;
        TownId = townId;
        Name = name;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public string Name { get; private set; }

    public string? Address { get; private set; }

    public bool IsActive { get; private set; } = true;

    /// <summary>The town's points-per-yuan rate the merchant agreed to, and when (the rate agreement the town keeps on file).</summary>
    public int? AgreedPointsPerYuan { get; private set; }

    public DateTimeOffset? RateAgreedAt { get; private set; }

    /// <summary>Onboards a shop: a name, an address and its agreement to the town's current rate.</summary>
    public static Result<Merchant> Onboard(Guid id, Guid townId, string? name, string? address, bool agreesToTownRate, int townPointsPerYuan, DateTimeOffset now)
    {
        if (Check(name, NameMaxLength) is null)
        {
            return NameInvalid;
        }

        if (Check(address, AddressMaxLength) is null)
        {
            return AddressInvalid;
        }

        if (!agreesToTownRate)
        {
            return RateAgreementRequired;
        }

        var merchant = new Merchant(id, townId, name!.Trim()) { Address = address!.Trim() };
        merchant.AgreeToRate(townPointsPerYuan, now);
        return merchant;
    }

    public Result<Merchant> Update(string? name, string? address)
    {
        if (name is not null && Check(name, NameMaxLength) is null)
        {
            return NameInvalid;
        }

        if (address is not null && Check(address, AddressMaxLength) is null)
        {
            return AddressInvalid;
        }

        Name = name?.Trim() ?? Name;
        Address = address?.Trim() ?? Address;
        return this;
    }

    /// <summary>Records that the merchant agreed to the town's rate as it is now (again after the town changed it).</summary>
    public void AgreeToRate(int townPointsPerYuan, DateTimeOffset now)
    {
        AgreedPointsPerYuan = townPointsPerYuan;
        RateAgreedAt = now;
    }

    public void SetActive(bool active) => IsActive = active;

    private static string? Check(string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Length > maxLength ? null : text;
}

/// <summary>A bank that queries credit tiers with residents' consent, signing in with client credentials.</summary>
public sealed class BankClient
{
    public const int NameMaxLength = 64;
    public const int ClientIdMaxLength = 64;

    public static readonly DomainError NameInvalid = DomainError.Validation("bank_client.name_invalid", "银行名称不能为空且不超过64个字");
    public static readonly DomainError ClientIdInvalid = DomainError.Validation("bank_client.client_id_invalid", "clientId 须为3到64位小写字母、数字、点、下划线或连字符");

    private BankClient()
    {
        Name = string.Empty;
        ClientId = string.Empty;
        SecretHash = string.Empty;
    }

    public BankClient(Guid id, string name, string clientId, string secretHash)
    {
        Id = id;
        Name = name;
        ClientId = clientId;
        SecretHash = secretHash;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public string ClientId { get; private set; }

    /// <summary>PBKDF2 hash of the secret; the secret itself is shown once when issued and never stored.</summary>
    public string SecretHash { get; private set; }

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset? SecretRotatedAt { get; private set; }

    public static Result<BankClient> Create(Guid id, string? name, string? clientId, string secretHash)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > NameMaxLength)
        {
            return NameInvalid;
        }

        if (StaffPolicy.CheckUsername(clientId) is not null)
        {
            return ClientIdInvalid;
        }

        return new BankClient(id, name.Trim(), clientId!, secretHash);
    }

    /// <summary>Replaces the secret: the old one stops working at once (tokens already issued run out within their lifetime).</summary>
    public void RotateSecret(string secretHash, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretHash);
        SecretHash = secretHash;
        SecretRotatedAt = now;
    }
}
