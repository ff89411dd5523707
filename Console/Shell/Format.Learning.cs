namespace Points.Console.Shell;

// Chinese names for the 学习 and 负面清单 pages.
public static partial class Format
{
    public static readonly IReadOnlyDictionary<string, string> ArticleKinds = new Dictionary<string, string>
    {
        ["Article"] = "学习文章", ["DraftRegulation"] = "立法意见征集稿",
    };

    public static readonly IReadOnlyDictionary<string, string> ArticleStatuses = new Dictionary<string, string>
    {
        ["Draft"] = "草稿", ["Published"] = "已发布",
    };

    public static readonly IReadOnlyDictionary<string, string> CommentStatuses = new Dictionary<string, string>
    {
        ["Accepted"] = "已采纳", ["PendingReview"] = "待审核", ["Blocked"] = "未通过",
    };

    public static readonly IReadOnlyDictionary<string, string> NegativeKinds = new Dictionary<string, string>
    {
        ["Violation"] = "违规行为", ["UnresolvedDispute"] = "未化解纠纷",
    };

    public static readonly IReadOnlyDictionary<string, string> NegativeStatuses = new Dictionary<string, string>
    {
        ["Active"] = "生效中", ["Appealed"] = "申诉中", ["Revoked"] = "已撤销",
    };

    public static readonly IReadOnlyDictionary<int, string> Severities = new Dictionary<int, string>
    {
        [1] = "轻微", [2] = "一般", [3] = "严重",
    };

    public static readonly IReadOnlyDictionary<string, string> NegativeSteps = new Dictionary<string, string>
    {
        ["Recorded"] = "记入负面清单", ["Explained"] = "居民补充说明", ["Appealed"] = "居民申诉", ["AppealRejected"] = "申诉驳回，维持记录",
        ["AppealAccepted"] = "申诉成立，撤销记录", ["Revoked"] = "撤销记录",
    };

    public static string Severity(int level) => Severities.TryGetValue(level, out var text) ? text : level.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
