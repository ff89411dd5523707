using System.Globalization;

namespace Points.Console.Shell;

/// <summary>How the console writes what the API sends: times in Asia/Shanghai (the API sends +08:00), enum names in Chinese.</summary>
public static partial class Format
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToOffset(Shanghai).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Day(DateTimeOffset at) => at.ToOffset(Shanghai).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>How the console shows a time in a text box: 2026-12-05 09:00, Shanghai time (never the browser's mm/dd/yyyy).</summary>
    public const string InputPattern = "yyyy-MM-dd HH:mm";

    public const string InputHint = "如 2026-12-05 09:00";

    public const string DayHint = "如 2026-12-05";

    public static string LocalInput(DateTimeOffset at) => at.ToOffset(Shanghai).ToString(InputPattern, CultureInfo.InvariantCulture);

    private static readonly string[] TimeForms =
    [
        "yyyy-MM-dd HH:mm", "yyyy-M-d H:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss",
        "yyyy/M/d H:mm", "yyyy/MM/dd HH:mm", "yyyy年M月d日 H:mm", "yyyy年M月d日H:mm", "yyyy年M月d日 H时mm分",
    ];

    private static readonly string[] DayForms = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd", "yyyy年M月d日"];

    /// <summary>A time as typed (2026-12-05 09:00, 2026/12/5 9:00, 2026年12月5日 9:00 …), read as Shanghai time; null when it is none of these.</summary>
    public static DateTimeOffset? FromLocalInput(string? text) =>
        DateTime.TryParseExact(Normalize(text), TimeForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, Shanghai)
            : null;

    /// <summary>A day as typed (2026-12-05, 2026/12/5, 2026年12月5日); null when it is none of these.</summary>
    public static DateOnly? FromDayInput(string? text) =>
        DateOnly.TryParseExact(Normalize(text), DayForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>Null when the box is empty or holds a time; otherwise the message to show beside it.</summary>
    public static string? TimeInputError(string? text) =>
        string.IsNullOrWhiteSpace(text) || FromLocalInput(text) is not null ? null : $"时间格式应为 年-月-日 时:分，{InputHint}";

    public static string? DayInputError(string? text) =>
        string.IsNullOrWhiteSpace(text) || FromDayInput(text) is not null ? null : $"日期格式应为 年-月-日，{DayHint}";

    // full-width digits, colon and spaces (a Chinese input method types them) become their ASCII forms
    private static string? Normalize(string? text) =>
        text is null ? null : string.Join(' ', new string(text.Trim().Select(c => c is >= '０' and <= '９' ? (char)(c - '０' + '0') : c == '：' ? ':' : c == '　' ? ' ' : c).ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

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
        ["ActivityAttendance"] = "活动积分", ["Declaration"] = "申报积分", ["HazardReport"] = "隐患上报", ["Learning"] = "学习积分", ["PremisesSelfCheck"] = "场所自查",
        ["Redemption"] = "商户兑换", ["RedemptionRefund"] = "兑换退款", ["MarketOrder"] = "积分超市", ["MarketOrderRefund"] = "超市退款", ["Expiry"] = "过期", ["Adjustment"] = "人工调整", ["Reversal"] = "冲正", ["CouponRedemption"] = "积分兑券", ["Mediation"] = "调解积分", ["PollVote"] = "议事投票",
    };

    public static string Name(IReadOnlyDictionary<string, string> names, string key) => names.TryGetValue(key, out var text) ? text : key;
}
