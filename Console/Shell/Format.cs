using System.Globalization;

namespace Points.Console.Shell;

/// <summary>How the console writes what the API sends: times in Asia/Shanghai (the API sends +08:00), enum names in Chinese.</summary>
public static class Format
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToOffset(Shanghai).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Day(DateTimeOffset at) => at.ToOffset(Shanghai).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string LocalInput(DateTimeOffset at) => at.ToOffset(Shanghai).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A datetime-local input's text, read as Shanghai time.</summary>
    public static DateTimeOffset? FromLocalInput(string? text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, Shanghai)
            : null;

    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>
    {
        ["SafetyPatrol"] = "平安巡防", ["RiverPatrol"] = "护河巡河", ["GarbageSorting"] = "垃圾分类", ["TrafficPersuasion"] = "文明劝导",
        ["Publicity"] = "宣传宣讲", ["ElderlyCare"] = "关爱老人", ["Other"] = "其他",
    };

    public static readonly IReadOnlyDictionary<string, string> ActivityStatuses = new Dictionary<string, string>
    {
        ["Draft"] = "草稿", ["Published"] = "已发布", ["Cancelled"] = "已取消", ["Completed"] = "已完成",
    };

    public static readonly IReadOnlyDictionary<string, string> SignUpStatuses = new Dictionary<string, string>
    {
        ["Active"] = "已报名", ["Cancelled"] = "已取消", ["Attended"] = "已出勤", ["NoShow"] = "缺席",
    };

    public static readonly IReadOnlyDictionary<string, string> DeclarationCategories = new Dictionary<string, string>
    {
        ["GoodDeed"] = "好人好事", ["Mediation"] = "矛盾调解", ["SafetyInspection"] = "安全巡查", ["Other"] = "其他",
    };

    public static readonly IReadOnlyDictionary<string, string> DeclarationStatuses = new Dictionary<string, string>
    {
        ["Pending"] = "待审核", ["NeedMoreInfo"] = "待补充", ["Approved"] = "已通过", ["Rejected"] = "未通过", ["Revoked"] = "已撤销", ["Withdrawn"] = "已撤回",
    };

    public static readonly IReadOnlyDictionary<string, string> HazardStatuses = new Dictionary<string, string>
    {
        ["Reported"] = "已上报", ["Accepted"] = "已受理", ["Fixing"] = "整改中", ["Closed"] = "已办结", ["Rejected"] = "不予受理",
    };

    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>
    {
        ["ActivityAttendance"] = "活动积分", ["Declaration"] = "申报积分", ["HazardReport"] = "隐患上报", ["Learning"] = "学习积分",
        ["Redemption"] = "商户兑换", ["RedemptionRefund"] = "兑换退款", ["MarketOrder"] = "积分超市", ["MarketOrderRefund"] = "超市退款", ["Expiry"] = "过期", ["Adjustment"] = "人工调整", ["Reversal"] = "冲正",
    };

    public static string Name(IReadOnlyDictionary<string, string> names, string key) => names.TryGetValue(key, out var text) ? text : key;
}
