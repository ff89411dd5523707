namespace Points.Domain.Identity;

/// <summary>
/// One refresh token of a rotation family. Only a hash is stored. A token is valid only while it is
/// its family's current token and the family is not revoked (<see cref="RefreshTokenFamily"/>).
/// </summary>
public sealed class RefreshToken
{
    public const int HashLength = 64;

    private RefreshToken()
    {
        TokenHash = string.Empty;
    }

    public RefreshToken(Guid id, Guid userId, Guid familyId, string tokenHash, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        Id = id;
        UserId = userId;
        FamilyId = familyId;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public Guid FamilyId { get; private set; }

    public string TokenHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
}

/// <summary>
/// A rotation family: one sign-in and every refresh token rotated from it. Rotation and revocation
/// both change this one row, in one conditional statement each, so they serialise: a successor made
/// current and a revocation racing it cannot both survive, and revoking covers every token of the family
/// because a token is valid only as the family's current one.
/// </summary>
public sealed class RefreshTokenFamily
{
    private RefreshTokenFamily()
    {
    }

    public RefreshTokenFamily(Guid id, Guid userId, Guid currentTokenId, DateTimeOffset createdAt)
    {
        Id = id;
        UserId = userId;
        CurrentTokenId = currentTokenId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The only token of the family that may be presented next.</summary>
    public Guid CurrentTokenId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }
}
