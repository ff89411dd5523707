using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Api.Auth;

public sealed class AuthOptions
{
    public const string Issuer = "points";
    public const string Audience = "points-clients";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}

public sealed record IssuedTokens(string AccessToken, string? RefreshToken, int ExpiresIn);

/// <summary>Issues access tokens (JWT, 30 minutes) and rotating refresh tokens stored only as hashes.</summary>
public sealed class TokenService(SymmetricSecurityKey key, AuthOptions options, TimeProvider clock)
{
    public const string SigningAlgorithm = SecurityAlgorithms.HmacSha256;

    private static readonly JsonWebTokenHandler Handler = new();

    public string CreateAccessToken(IEnumerable<Claim> claims)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.Issuer,
            Audience = AuthOptions.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(key, SigningAlgorithm),
        });
    }

    public static IEnumerable<Claim> ClaimsFor(UserAccount user)
    {
        yield return new Claim(PointsClaims.Subject, user.Id.ToString());
        yield return new Claim(PointsClaims.Role, user.Role.ToString());
        yield return new Claim(PointsClaims.Town, user.TownId.ToString());
        if (user.CommunityId is { } community)
        {
            yield return new Claim(PointsClaims.Community, community.ToString());
        }

        if (user.MerchantId is { } merchant)
        {
            yield return new Claim(PointsClaims.Merchant, merchant.ToString());
        }

        if (user.MustChangePassword)
        {
            yield return new Claim(PointsClaims.PasswordChangeRequired, "true");
        }
    }

    public int ExpiresInSeconds => (int)options.AccessTokenLifetime.TotalSeconds;

    /// <summary>Access token plus the first refresh token of a new rotation family.</summary>
    public async Task<IssuedTokens> IssueAsync(PointsDbContext db, UserAccount user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var familyId = Guid.CreateVersion7();
        var (token, refresh) = NewRefreshToken(user.Id, familyId, now);
        db.RefreshTokens.Add(token);
        db.RefreshTokenFamilies.Add(new RefreshTokenFamily(familyId, user.Id, token.Id, now));
        await db.SaveChangesAsync(ct);
        return new IssuedTokens(CreateAccessToken(ClaimsFor(user)), refresh, ExpiresInSeconds);
    }

    /// <summary>
    /// The family a refresh token names in its first part (<c>family.secret</c>), read without the database
    /// so a rate limit can count per family; null for a token of another shape.
    /// </summary>
    public static Guid? FamilyOf(string? presented) =>
        presented is { Length: > 33 } && presented[32] == '.' && Guid.TryParseExact(presented.AsSpan(0, 32), "N", out var family) ? family : null;

    private (RefreshToken Token, string Presented) NewRefreshToken(Guid userId, Guid familyId, DateTimeOffset now)
    {
        var presented = familyId.ToString("N") + "." + SecretHasher.NewToken();
        return (new RefreshToken(Guid.CreateVersion7(), userId, familyId, SecretHasher.TokenHash(presented), now, now + options.RefreshTokenLifetime), presented);
    }

    public enum RotationOutcome
    {
        Rotated,
        Unknown,
        Expired,
        Reused,
    }

    /// <summary>
    /// Rotates a refresh token. The successor is written first, then one conditional update on the family row
    /// decides: if the presented token is still current and the family alive, the successor becomes current;
    /// otherwise the presented token was used already (it leaked), and the same statement revokes the family.
    /// Concurrent presentations of one token serialise on that row, so exactly one wins and any loser's
    /// revocation also kills the winner's successor: a token is valid only as its family's current one.
    /// </summary>
    public async Task<(RotationOutcome Outcome, IssuedTokens? Tokens, UserAccount? User)> RotateAsync(PointsDbContext db, string presented, CancellationToken ct)
    {
        var hash = SecretHasher.TokenHash(presented);
        var token = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null)
        {
            return (RotationOutcome.Unknown, null, null);
        }

        var now = clock.GetUtcNow();
        if (token.ExpiresAt <= now)
        {
            return (RotationOutcome.Expired, null, null);
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId && u.IsActive, ct);
        if (user is null)
        {
            return (RotationOutcome.Unknown, null, null);
        }

        var (successor, refresh) = NewRefreshToken(user.Id, token.FamilyId, now);
        db.RefreshTokens.Add(successor);
        await db.SaveChangesAsync(ct);

        var presentedId = token.Id;
        await db.RefreshTokenFamilies.Where(f => f.Id == token.FamilyId && f.RevokedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.CurrentTokenId, f => f.CurrentTokenId == presentedId ? successor.Id : f.CurrentTokenId)
                .SetProperty(f => f.RevokedAt, f => f.CurrentTokenId == presentedId ? (DateTimeOffset?)null : now), ct);
        var rotated = await db.RefreshTokenFamilies.AsNoTracking()
            .AnyAsync(f => f.Id == token.FamilyId && f.CurrentTokenId == successor.Id && f.RevokedAt == null, ct);
        if (!rotated)
        {
            await db.RefreshTokens.Where(t => t.Id == successor.Id).ExecuteDeleteAsync(ct);
            return (RotationOutcome.Reused, null, null);
        }

        await db.RefreshTokens.Where(t => t.Id == presentedId).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        return (RotationOutcome.Rotated, new IssuedTokens(CreateAccessToken(ClaimsFor(user)), refresh, ExpiresInSeconds), user);
    }
}
