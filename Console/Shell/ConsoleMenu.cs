namespace Points.Console.Shell;

/// <summary>The side menu: each entry names the roles that see it. The merchant, market and admin pages add their entries here.</summary>
public static class ConsoleMenu
{
    public const string CommunityStaff = "CommunityStaff";
    public const string TownStaff = "TownStaff";
    public const string Admin = "Admin";
    public const string Merchant = "Merchant";
    public const string Platform = "Platform";
    public const string Bank = "Bank";
    public const string GridWorker = "GridWorker";

    public static readonly string[] Staff = [CommunityStaff, TownStaff, Admin];

    /// <summary>Those who administer a town: its regions, staff, merchants, settings and settlement.</summary>
    public static readonly string[] Town = [TownStaff, Admin];

    /// <summary>Staff and grid workers (网格员): who works the hazard queue, the grids and proxy work (a worker only in their grids).</summary>
    public static readonly string[] GridStaff = [CommunityStaff, TownStaff, Admin, GridWorker];

    public sealed record Entry(string Href, string Text, string[] Roles);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("dashboard", "数据看板", Staff),
        new("activities", "活动", Staff),
        new("reviews", "审核", Staff),
        new("hazards", "隐患", GridStaff),
        new("hazards/stats", "隐患统计", Staff),
        new("grids", "网格", GridStaff),
        new("proxy", "代办", GridStaff),
        new("residents", "居民", Staff),
        new("summaries", "积分汇总", Staff),
        new("learning", "学习", Staff),
        new("negative-records", "负面清单", Staff),
        new("merchant/redeem", "扫码核销", [Merchant]),
        new("merchant/coupons", "核销积分券", [Merchant]),
        new("merchant/redemptions", "核销记录", [Merchant]),
        new("merchant/statement", "月度结算单", [Merchant]),
        new("market", "积分超市", Staff),
        new("admin/regions", "村社与网格", Town),
        new("admin/staff", "工作人员", Town),
        new("admin/merchants", "商户", Town),
        new("admin/bank-clients", "银行接入", [Admin]),
        new("admin/settings", "镇街设置", Town),
        new("admin/settlements", "商户结算", Town),
        new("admin/coupons", "积分券", Town),
        new("admin/audit", "审计日志", Town),
        new("credit/models", "评分模型", [Admin, Platform]),
        new("credit/appeals", "信用申诉", Staff),
        new("bank/credit", "信用查询", [Bank]),
    ];

    /// <summary>The first page a person may open: where sign-in lands when no page was asked for.</summary>
    public static string Home(Func<string[], bool> isInRole) => Entries.FirstOrDefault(e => isInRole(e.Roles))?.Href ?? "activities";

    /// <summary>
    /// False when the path belongs to a menu entry (the longest one it starts with) that the person's roles don't see:
    /// a merchant who follows a staff link lands on their own pages instead of a refusal.
    /// </summary>
    public static bool Allows(string path, Func<string[], bool> isInRole)
    {
        var page = path.Split('?', '#')[0].Trim('/');
        if (page.Length == 0)
        {
            page = "activities"; // the root is the activity list
        }

        var owner = Entries.Where(e => page == e.Href || page.StartsWith(e.Href + "/", StringComparison.Ordinal)).MaxBy(e => e.Href.Length);
        if (owner is not null)
        {
            return isInRole(owner.Roles);
        }

        // a page under an area with several entries (merchant/…, admin/…) belongs to the area
        var area = page.Split('/')[0];
        var entries = Entries.Where(e => e.Href.Split('/')[0] == area).ToList();
        return entries.Count == 0 || entries.Any(e => isInRole(e.Roles));
    }
}
