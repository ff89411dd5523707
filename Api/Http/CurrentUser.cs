using System.Security.Claims;
using Points.Domain.Identity;

namespace Points.Api.Http;

/// <summary>Claim names our access tokens carry.</summary>
public static class PointsClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Town = "town";
    public const string Community = "community";
    public const string Merchant = "merchant";
    public const string Bank = "bank";
    public const string Name = "name";

    /// <summary>Present on a proxy session's token: the session, and the staff member acting for the resident.</summary>
    public const string ProxySession = "proxy_session";
    public const string Proxy = "proxy";

    /// <summary>Present while the account holds an issued (one-time) password: only the password change is open to it.</summary>
    public const string PasswordChangeRequired = "pwd_change";
}

/// <summary>Who is calling, read from the validated access token.</summary>
public sealed record CurrentUser(Guid Id, Role Role, Guid? TownId, Guid? CommunityId, Guid? MerchantId, Guid? BankId)
{
    /// <summary>The proxy session this token belongs to, when staff act for a resident.</summary>
    public Guid? ProxySessionId { get; init; }

    /// <summary>The staff member acting for the resident in a proxy session.</summary>
    public Guid? ProxyId { get; init; }

    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(PointsClaims.Subject), out var id)
            || !Enum.TryParse<Role>(principal.FindFirstValue(PointsClaims.Role), out var role))
        {
            return null;
        }

        return new CurrentUser(id, role, Read(principal, PointsClaims.Town), Read(principal, PointsClaims.Community), Read(principal, PointsClaims.Merchant), Read(principal, PointsClaims.Bank))
        {
            ProxySessionId = Read(principal, PointsClaims.ProxySession),
            ProxyId = Read(principal, PointsClaims.Proxy),
        };
    }

    public bool IsStaff => Role is Role.CommunityStaff or Role.TownStaff or Role.Admin;

    /// <summary>Community staff act only in their community; town staff and admins in their town.</summary>
    public bool CanAdminister(Guid townId, Guid communityId) => Role switch
    {
        Role.CommunityStaff => CommunityId == communityId,
        Role.TownStaff or Role.Admin => TownId == townId,
        _ => false,
    };

    public bool CanAdministerTown(Guid townId) => Role is Role.TownStaff or Role.Admin && TownId == townId;

    private static Guid? Read(ClaimsPrincipal principal, string type) =>
        Guid.TryParse(principal.FindFirstValue(type), out var value) ? value : null;
}

public static class CurrentUserExtensions
{
    /// <summary>The caller; endpoints behind RequireAuthorization always have one.</summary>
    public static CurrentUser Me(this ClaimsPrincipal principal) =>
        CurrentUser.From(principal) ?? throw new InvalidOperationException("endpoint requires an authenticated caller");
}
