namespace Points.Console.Shell;

/// <summary>The side menu: each entry names the roles that see it. The merchant, market and admin pages add their entries here.</summary>
public static class ConsoleMenu
{
    public const string CommunityStaff = "CommunityStaff";
    public const string TownStaff = "TownStaff";
    public const string Admin = "Admin";

    public static readonly string[] Staff = [CommunityStaff, TownStaff, Admin];

    public sealed record Entry(string Href, string Text, string[] Roles);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("dashboard", "数据看板", Staff),
        new("activities", "活动", Staff),
        new("reviews", "审核", Staff),
        new("hazards", "隐患", Staff),
        new("residents", "居民", Staff),
        new("summaries", "积分汇总", Staff),
        new("learning", "学习", Staff),
        new("negative-records", "负面清单", Staff),
    ];
}
