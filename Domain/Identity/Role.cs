namespace Points.Domain.Identity;

public enum Role
{
    Resident,
    CommunityStaff,
    TownStaff,
    Admin,
    Merchant,
    Bank,
}

public static class Roles
{
    public const string Resident = nameof(Role.Resident);
    public const string CommunityStaff = nameof(Role.CommunityStaff);
    public const string TownStaff = nameof(Role.TownStaff);
    public const string Admin = nameof(Role.Admin);
    public const string Merchant = nameof(Role.Merchant);
    public const string Bank = nameof(Role.Bank);

    /// <summary>Anyone who administers activities and reviews: community staff, town staff, admins.</summary>
    public static readonly string[] Staff = [CommunityStaff, TownStaff, Admin];
}
