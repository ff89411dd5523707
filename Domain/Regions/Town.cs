namespace Points.Domain.Regions;

/// <summary>A town (镇街): owns the points economy settings its communities share.</summary>
public sealed class Town
{
    public const int NameMaxLength = 64;
    public const int DefaultPointsPerYuan = 50;
    public const int DefaultMarketDay = 25;
    public const int DefaultDailyEarningCap = 200;
    public const int DefaultRefundWindowDays = 7;

    private Town()
    {
        Name = string.Empty;
        MarketDays = string.Empty;
    }

    public Town(Guid id, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > NameMaxLength)
        {
            throw new ArgumentException("town name is required and at most 64 characters", nameof(name));
        }

        Id = id;
        Name = name;
        PointsPerYuan = DefaultPointsPerYuan;
        MarketDays = DefaultMarketDay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        DailyEarningCap = DefaultDailyEarningCap;
        RefundWindowDays = DefaultRefundWindowDays;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    /// <summary>How many points make one yuan at partner merchants (default 50).</summary>
    public int PointsPerYuan { get; private set; }

    /// <summary>Days of the month (Asia/Shanghai) the gift market takes orders, comma separated, e.g. "25" or "5,25".</summary>
    public string MarketDays { get; private set; }

    /// <summary>Most points one resident may earn per Shanghai calendar day, all sources together.</summary>
    public int DailyEarningCap { get; private set; }

    /// <summary>Days after a redemption in which the merchant may refund it.</summary>
    public int RefundWindowDays { get; private set; }

    /// <summary>
    /// The town's own subscribe-message template ids per notification kind, as JSON (<c>{"ActivityReminder":"…"}</c>);
    /// a kind without one falls back to <c>WeChat:Templates:&lt;Kind&gt;</c> in configuration.
    /// </summary>
    public string? WeChatTemplates { get; private set; }

    /// <summary>Hazard deadlines and the working calendar as JSON (<see cref="HazardSettings"/>); null: the defaults, Monday to Friday.</summary>
    public string? HazardSettingsJson { get; private set; }

    public const int HazardSettingsMaxLength = 8000;
    public const int MaxCalendarDays = 200;

    public HazardSettings Hazards => HazardSettings.Parse(HazardSettingsJson);

    public Common.Result<Town> SetHazardSettings(HazardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Policy.IsValid)
        {
            return Common.DomainError.Validation("town.hazard_deadlines_invalid", "隐患时限不正确：受理 1–60 个工作日（红色 1–336 小时），办结不早于受理");
        }

        if (settings.Holidays.Count + settings.Workdays.Count > MaxCalendarDays)
        {
            return Common.DomainError.Validation("town.calendar_invalid", "节假日和调休工作日合计不超过200天");
        }

        HazardSettingsJson = settings.ToJson();
        return this;
    }

    public const int WeChatTemplateIdMaxLength = 64;
    public const int WeChatTemplatesMaxLength = 2000;

    public IReadOnlyDictionary<string, string> WeChatTemplateMap => ParseWeChatTemplates(WeChatTemplates);

    public static IReadOnlyDictionary<string, string> ParseWeChatTemplates(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The template id for a kind: the town's own, else the deployment's configured one, else none.</summary>
    public static string? TemplateFor(string? townTemplatesJson, string kind, IReadOnlyDictionary<string, string> configured) =>
        ParseWeChatTemplates(townTemplatesJson).TryGetValue(kind, out var own) ? own
        : configured.TryGetValue(kind, out var fallback) && !string.IsNullOrWhiteSpace(fallback) ? fallback
        : null;

    /// <summary>
    /// Sets template ids per kind: a null or empty id removes the town's own (the configured one applies again).
    /// Kinds must be notification kinds; ids are WeChat's (letters, digits, '-' and '_').
    /// </summary>
    public Common.Result<Town> SetWeChatTemplates(IReadOnlyDictionary<string, string?> templates)
    {
        var map = new Dictionary<string, string>(WeChatTemplateMap, StringComparer.Ordinal);
        foreach (var (kind, id) in templates)
        {
            if (!Enum.TryParse<Notifications.NotificationKind>(kind, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || parsed.ToString() != kind)
            {
                return Common.DomainError.Validation("town.template_kind_invalid", $"未知的消息类型：{kind}");
            }

            if (string.IsNullOrWhiteSpace(id))
            {
                map.Remove(kind);
                continue;
            }

            if (id.Length > WeChatTemplateIdMaxLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return Common.DomainError.Validation("town.template_id_invalid", "模板 ID 须为不超过64位的字母、数字、连字符或下划线");
            }

            map[kind] = id;
        }

        WeChatTemplates = map.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, string>(map, StringComparer.Ordinal));
        return this;
    }

    public IReadOnlyList<int> MarketDayList =>
        MarketDays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public bool IsMarketDay(DateOnly shanghaiDay) => MarketDayList.Contains(shanghaiDay.Day);

    public Common.Result<Town> UpdateSettings(int? pointsPerYuan, IReadOnlyList<int>? marketDays, int? dailyEarningCap, int? refundWindowDays)
    {
        if (pointsPerYuan is < 1 or > 100_000)
        {
            return Common.DomainError.Validation("town.points_per_yuan_invalid", "积分兑换比例须在 1 到 100000 之间");
        }

        if (marketDays is not null && (marketDays.Count == 0 || marketDays.Any(d => d is < 1 or > 31)))
        {
            return Common.DomainError.Validation("town.market_days_invalid", "积分超市开放日须为每月 1 到 31 日之间的日期");
        }

        if (dailyEarningCap is < 0 or > 1_000_000)
        {
            return Common.DomainError.Validation("town.daily_cap_invalid", "每日积分上限须在 0 到 1000000 之间");
        }

        if (refundWindowDays is < 0 or > 365)
        {
            return Common.DomainError.Validation("town.refund_window_invalid", "退款期限须在 0 到 365 天之间");
        }

        PointsPerYuan = pointsPerYuan ?? PointsPerYuan;
        MarketDays = marketDays is null ? MarketDays : string.Join(',', marketDays.Distinct().Order());
        DailyEarningCap = dailyEarningCap ?? DailyEarningCap;
        RefundWindowDays = refundWindowDays ?? RefundWindowDays;
        return this;
    }
}

/// <summary>A town's hazard deadlines and its working calendar (holidays, make-up working days).</summary>
public sealed record HazardSettings(Participation.HazardDeadlinePolicy Policy, IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> Workdays)
{
    public static readonly HazardSettings Default = new(Participation.HazardDeadlinePolicy.Default, [], []);

    public Participation.WorkCalendar Calendar => new(Holidays, Workdays);

    public static HazardSettings Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? Default : System.Text.Json.JsonSerializer.Deserialize<HazardSettings>(json) ?? Default;

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this with { Holidays = [.. Holidays.Distinct().Order()], Workdays = [.. Workdays.Distinct().Order()] });
}
