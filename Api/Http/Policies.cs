using Microsoft.AspNetCore.Authorization;
using Points.Domain.Identity;

namespace Points.Api.Http;

/// <summary>
/// The named authorization policies routes ask for, one per set of roles: a route says who may call it by name
/// (<c>.RequireAuthorization(Policies.Staff)</c>), and the role lists live here once.
/// </summary>
public static class Policies
{
    public const string Resident = "resident";
    public const string Staff = "staff";
    public const string GridStaff = "grid-staff";

    /// <summary>Who may ask for the micro-grid they lead (微网格长): a resident (the handler checks they lead one).</summary>
    public const string MicroGridLeader = "micro-grid-leader";
    public const string TownStaff = "town-staff";
    public const string Admin = "admin";
    public const string AdminOrPlatform = "admin-or-platform";
    public const string Platform = "platform";
    public const string Merchant = "merchant";
    public const string Bank = "bank";

    /// <summary>Who reads polls (议事): the residents they are put to and staff of their scope.</summary>
    public const string ResidentOrStaff = "resident-or-staff";

    /// <summary>Who may open a proxy session (代办) for a resident: staff today; grid workers join at the merge of the grid roles.</summary>
    public const string ProxyOpeners = "proxy-openers";

    public static AuthorizationBuilder AddPointsPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Resident, p => p.RequireRole(Roles.Resident))
        .AddPolicy(Staff, p => p.RequireRole(Roles.Staff))
        .AddPolicy(GridStaff, p => p.RequireRole(Roles.GridStaff))
        .AddPolicy(MicroGridLeader, p => p.RequireRole(Roles.Resident, Roles.MicroGridLeader))
        .AddPolicy(ProxyOpeners, p => p.RequireRole(Roles.GridStaff))
        .AddPolicy(TownStaff, p => p.RequireRole(Roles.TownStaff, Roles.Admin))
        .AddPolicy(Admin, p => p.RequireRole(Roles.Admin))
        .AddPolicy(AdminOrPlatform, p => p.RequireRole(Roles.Admin, Roles.Platform))
        .AddPolicy(Platform, p => p.RequireRole(Roles.Platform))
        .AddPolicy(Merchant, p => p.RequireRole(Roles.Merchant))
        .AddPolicy(Bank, p => p.RequireRole(Roles.Bank))
        .AddPolicy(ResidentOrStaff, p => p.RequireRole([Roles.Resident, .. Roles.Staff]));
}
