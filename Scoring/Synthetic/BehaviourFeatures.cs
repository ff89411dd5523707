using Points.Scoring.Binning;

namespace Points.Scoring.Synthetic;

/// <summary>
/// The product's behaviour features (camelCase column names) and their Chinese reason texts. Only behaviour in the
/// points system is used: never sex, age, marital status, ethnicity, religion, health or disability.
/// </summary>
public static class BehaviourFeatures
{
    /// <summary>Activities attended in the last 90 days.</summary>
    public const string ActivitiesAttended90d = "activitiesAttended90d";

    /// <summary>Activities attended in the last 365 days.</summary>
    public const string ActivitiesAttended365d = "activitiesAttended365d";

    /// <summary>Volunteer hours in the last 365 days.</summary>
    public const string VolunteerHours365d = "volunteerHours365d";

    /// <summary>No-shows / sign-ups in the last 365 days (missing when there were no sign-ups).</summary>
    public const string NoShowRate365d = "noShowRate365d";

    /// <summary>No-shows in the last 365 days.</summary>
    public const string NoShowCount365d = "noShowCount365d";

    /// <summary>Sign-ups cancelled late in the last 365 days.</summary>
    public const string LateCancels365d = "lateCancels365d";

    /// <summary>Approved points declarations in the last 365 days.</summary>
    public const string ApprovedDeclarations365d = "approvedDeclarations365d";

    /// <summary>Hazard reports verified by staff in the last 365 days.</summary>
    public const string VerifiedHazardReports365d = "verifiedHazardReports365d";

    /// <summary>Unexpired negative records (they expire after 5 years).</summary>
    public const string NegativeRecordCount = "negativeRecordCount";

    /// <summary>Highest severity (0 none, 1–3) of unexpired negative records.</summary>
    public const string NegativeRecordMaxSeverity = "negativeRecordMaxSeverity";

    /// <summary>Days since the latest negative record (missing when there is none).</summary>
    public const string DaysSinceLastNegativeRecord = "daysSinceLastNegativeRecord";

    /// <summary>Learning articles read in the last 90 days.</summary>
    public const string LearningReads90d = "learningReads90d";

    /// <summary>Days since the points account was opened (the account's age, not the person's).</summary>
    public const string AccountAgeDays = "accountAgeDays";

    /// <summary>Points earned in the last 365 days.</summary>
    public const string PointsEarned365d = "pointsEarned365d";

    /// <summary>All behaviour features in generator column order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ActivitiesAttended90d, ActivitiesAttended365d, VolunteerHours365d, NoShowRate365d, NoShowCount365d, LateCancels365d,
        ApprovedDeclarations365d, VerifiedHazardReports365d, NegativeRecordCount, NegativeRecordMaxSeverity,
        DaysSinceLastNegativeRecord, LearningReads90d, AccountAgeDays, PointsEarned365d,
    ];

    /// <summary>Chinese texts and fixed risk directions, to pass as <see cref="ScorecardOptions.FeatureMetadata"/>.</summary>
    public static IReadOnlyDictionary<string, FeatureMetadata> Metadata { get; } = new Dictionary<string, FeatureMetadata>(StringComparer.Ordinal)
    {
        [ActivitiesAttended90d] = Meta("近90天参加活动次数", "近90天参加活动 {value} 次", "多参加社区活动", MonotoneTrend.Descending),
        [ActivitiesAttended365d] = Meta("近一年参加活动次数", "近一年参加活动 {value} 次", "多参加社区活动", MonotoneTrend.Descending),
        [VolunteerHours365d] = Meta("近一年志愿服务时长", "近一年志愿服务 {value} 小时", "参与志愿服务", MonotoneTrend.Descending),
        [NoShowRate365d] = Meta("近一年报名未到场比例", "近一年报名后未到场比例为 {value}", "按时参加已报名活动", MonotoneTrend.Ascending),
        [NoShowCount365d] = Meta("近一年报名未到场次数", "近一年报名后未到场 {value} 次", "按时参加已报名活动", MonotoneTrend.Ascending),
        [LateCancels365d] = Meta("近一年临时取消次数", "近一年临时取消报名 {value} 次", "如不能参加请提前取消报名", MonotoneTrend.Ascending),
        [ApprovedDeclarations365d] = Meta("近一年获批申报", "近一年获批的积分申报 {value} 项", "如实申报参与的社区事务", MonotoneTrend.Descending),
        [VerifiedHazardReports365d] = Meta("近一年核实隐患上报", "近一年经核实的隐患上报 {value} 次", "发现安全隐患及时上报", MonotoneTrend.Descending),
        [NegativeRecordCount] = Meta("负面记录条数", "有 {value} 条未到期的负面记录", "遵守村规民约；对记录有异议可申诉，负面记录满5年不再计入", MonotoneTrend.Ascending),
        [NegativeRecordMaxSeverity] = Meta("负面记录最高等级", "负面记录最高等级为 {value} 级", "遵守村规民约；对记录有异议可申诉", MonotoneTrend.Ascending),
        [DaysSinceLastNegativeRecord] = Meta("最近负面记录距今天数", "最近一条负面记录距今 {value} 天", "保持良好记录，负面记录的影响会随时间减弱", MonotoneTrend.Descending),
        [LearningReads90d] = Meta("近90天学习次数", "近90天学习阅读 {value} 次", "参加学习活动", MonotoneTrend.Descending),
        [AccountAgeDays] = Meta("积分账户开通天数", "积分账户开通 {value} 天", "持续参与积分活动", MonotoneTrend.Descending),
        [PointsEarned365d] = Meta("近一年获得积分", "近一年获得积分 {value} 分", "参加活动获取积分", MonotoneTrend.Descending),
    };

    private static FeatureMetadata Meta(string name, string template, string hint, MonotoneTrend trend) =>
        new() { DisplayName = name, ReasonTemplate = template, ImprovementHint = hint, Trend = trend };
}
