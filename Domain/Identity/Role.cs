namespace Points.Domain.Identity;

public enum Role
{
    Resident,
    CommunityStaff,
    TownStaff,
    Admin,
    Merchant,
    Bank,

    /// <summary>Runs the platform across towns: creates towns and manages the credit model; administers no town's data.</summary>
    Platform,
}

public static class Roles
{
    public const string Resident = nameof(Role.Resident);
    public const string CommunityStaff = nameof(Role.CommunityStaff);
    public const string TownStaff = nameof(Role.TownStaff);
    public const string Admin = nameof(Role.Admin);
    public const string Merchant = nameof(Role.Merchant);
    public const string Bank = nameof(Role.Bank);
    public const string Platform = nameof(Role.Platform);

    /// <summary>Anyone who administers activities and reviews: community staff, town staff, admins.</summary>
    public static readonly string[] Staff = [CommunityStaff, TownStaff, Admin];
}
