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

    /// <summary>The caller as the use cases take it.</summary>
    public Actor Actor => new(Id, Role, TownId, CommunityId);

    public bool IsStaff => StaffPolicy.IsStaffRole(Role);

    /// <summary>The scope rule (<see cref="Actor.CanAdminister(Guid, Guid)"/>): community staff in their community, town staff and admins in their town.</summary>
    public bool CanAdminister(Guid townId, Guid communityId) => Actor.CanAdminister(Role, TownId, CommunityId, townId, communityId);

    public bool CanAdministerTown(Guid townId) => Actor.CanAdministerTown(Role, TownId, townId);

    private static Guid? Read(ClaimsPrincipal principal, string type) =>
        Guid.TryParse(principal.FindFirstValue(type), out var value) ? value : null;
}

public static class CurrentUserExtensions
{
    /// <summary>The caller; endpoints behind RequireAuthorization always have one.</summary>
    public static CurrentUser Me(this ClaimsPrincipal principal) =>
        CurrentUser.From(principal) ?? throw new InvalidOperationException("endpoint requires an authenticated caller");
}
