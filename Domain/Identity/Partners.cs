namespace Points.Domain.Identity;

/// <summary>A partner merchant that accepts points (e.g. 50 points = 1 yuan, set per town).</summary>
public sealed class Merchant
{
    public const int NameMaxLength = 64;

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

    public bool IsActive { get; private set; } = true;
}

/// <summary>A bank that queries credit tiers with residents' consent, signing in with client credentials.</summary>
public sealed class BankClient
{
    public const int NameMaxLength = 64;
    public const int ClientIdMaxLength = 64;

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

    public string SecretHash { get; private set; }

    public bool IsActive { get; private set; } = true;
}
