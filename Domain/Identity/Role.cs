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

    /// <summary>网格员 (专职/兼职): works the hazards and residents of the grids they are assigned to, nothing else.</summary>
    GridWorker,

    /// <summary>微网格长: a resident leading one micro-grid (stairwell, building, …); acts only inside that micro-grid.</summary>
    MicroGridLeader,
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
    public const string GridWorker = nameof(Role.GridWorker);
    public const string MicroGridLeader = nameof(Role.MicroGridLeader);

    /// <summary>Anyone who administers activities and reviews: community staff, town staff, admins.</summary>
    public static readonly string[] Staff = [CommunityStaff, TownStaff, Admin];

    /// <summary>Staff plus grid workers: who works hazard queues (a grid worker only in their grids).</summary>
    public static readonly string[] GridStaff = [CommunityStaff, TownStaff, Admin, GridWorker];
}
