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
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
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

    /// <summary>Access token plus a new refresh token; <paramref name="familyId"/> continues a rotation family.</summary>
    public async Task<IssuedTokens> IssueAsync(PointsDbContext db, UserAccount user, Guid? familyId, CancellationToken ct)
    {
        var refresh = SecretHasher.NewToken();
        var now = clock.GetUtcNow();
        db.RefreshTokens.Add(new RefreshToken(Guid.CreateVersion7(), user.Id, familyId ?? Guid.CreateVersion7(), SecretHasher.TokenHash(refresh), now, now + options.RefreshTokenLifetime));
        await db.SaveChangesAsync(ct);
        return new IssuedTokens(CreateAccessToken(ClaimsFor(user)), refresh, ExpiresInSeconds);
    }

    public enum RotationOutcome
    {
        Rotated,
        Unknown,
        Expired,
        Reused,
    }

    /// <summary>
    /// Rotates a refresh token: marks it used (a conditional update, so two racing requests cannot
    /// both rotate it) and issues its successor. A token presented again after use means it leaked:
    /// the whole family is revoked and the caller must sign in again.
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
        if (token.RevokedAt is not null || token.UsedAt is not null)
        {
            await db.RefreshTokens.Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            return (RotationOutcome.Reused, null, null);
        }

        if (token.ExpiresAt <= now)
        {
            return (RotationOutcome.Expired, null, null);
        }

        var claimed = await db.RefreshTokens.Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (claimed != 1)
        {
            await db.RefreshTokens.Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            return (RotationOutcome.Reused, null, null);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == token.UserId && u.IsActive, ct);
        if (user is null)
        {
            return (RotationOutcome.Unknown, null, null);
        }

        return (RotationOutcome.Rotated, await IssueAsync(db, user, token.FamilyId, ct), user);
    }
}
