namespace Points.Domain.Ledger;

public enum AccountKind
{
    /// <summary>A resident's wallet. Never below zero.</summary>
    ResidentWallet,

    /// <summary>A town's issuance account: the source of every earned point; runs negative by design.</summary>
    TownIssuance,

    /// <summary>What a merchant has received from residents and the town owes it in yuan.</summary>
    MerchantReceivable,

    /// <summary>A community gift market's takings.</summary>
    CommunityMarket,

    /// <summary>A town's sink for expired points.</summary>
    TownExpiry,
}

/// <summary>
/// An account of the double-entry ledger. <see cref="Balance"/> is a projection of the journal kept in
/// the same transaction as every entry; the check command proves it equals the sum of entries.
/// </summary>
public sealed class LedgerAccount
{
    private LedgerAccount()
    {
    }

    public LedgerAccount(Guid id, AccountKind kind, Guid ownerId, Guid townId, DateTimeOffset now)
    {
        Id = id;
        Kind = kind;
        OwnerId = ownerId;
        TownId = townId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public AccountKind Kind { get; private set; }

    /// <summary>The resident, town, merchant or community the account belongs to.</summary>
    public Guid OwnerId { get; private set; }

    public Guid TownId { get; private set; }

    public long Balance { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Only issuance-style accounts may go below zero; a wallet never does.</summary>
    public static bool MayGoNegative(AccountKind kind) => kind is AccountKind.TownIssuance;
}
