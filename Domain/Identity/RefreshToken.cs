namespace Points.Domain.Identity;

/// <summary>
/// One refresh token of a rotation family. Only a hash is stored. Using a token marks it used and
/// issues its successor; presenting a used token again means it leaked, so the family is revoked.
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

    public DateTimeOffset? RevokedAt { get; private set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
}
