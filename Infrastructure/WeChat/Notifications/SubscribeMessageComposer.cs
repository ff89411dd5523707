using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Points.Infrastructure.WeChat.Notifications;

/// <summary>
/// Turns an outbox notification (kind + JSON payload) into subscribe-message data for the template
/// configured under <c>WeChat:Templates:&lt;Kind&gt;</c>. The keys below are the template keywords the
/// templates must have (chosen in the mini-program console from the public template library):
/// <list type="table">
/// <item><term>ActivityReminder</term><description>thing1 活动名称, time2 开始时间, thing3 活动地点, thing4 温馨提示</description></item>
/// <item><term>WaitlistPromoted</term><description>thing1 活动名称, time2 开始时间, thing3 备注</description></item>
/// <item><term>ActivityCancelled</term><description>thing1 活动名称, time2 原定时间, thing3 取消原因</description></item>
/// <item><term>ReviewResult</term><description>thing1 申报事项, phrase2 审核结果, thing3 备注, time4 审核时间</description></item>
/// <item><term>RedemptionReceipt</term><description>thing1 商户, number2 使用积分, number3 剩余积分, time4 兑换时间</description></item>
/// <item><term>NegativeRecord</term><description>thing1 记录事项, time2 发生时间, thing3 温馨提示 (never the description: it stays in the app)</description></item>
/// </list>
/// Values are fitted to WeChat's limits rather than refused (thing ≤ 20 characters ends in "…"), since a
/// slightly shortened reminder beats none; what still fails <see cref="WeChatValidation"/> is reported.
/// </summary>
public static class SubscribeMessageComposer
{
    public const string Ellipsis = "…";
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The data for <paramref name="kind"/>, or null for a kind this composer does not know.</summary>
    public static Dictionary<string, string>? Compose(string kind, string payloadJson, DateTimeOffset now)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(payloadJson) ? "{}" : payloadJson);
        var p = document.RootElement;
        var data = kind switch
        {
            "ActivityReminder" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "title") ?? "社区活动",
                ["time2"] = Time(p, now, "startsAt"),
                ["thing3"] = Text(p, "address") ?? "详见活动页面",
                ["thing4"] = "活动将在1小时后开始，请准时参加",
            },
            "WaitlistPromoted" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "title") ?? "社区活动",
                ["time2"] = Time(p, now, "startsAt"),
                ["thing3"] = "候补成功，已为您保留名额",
            },
            "ActivityCancelled" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "title") ?? "社区活动",
                ["time2"] = Time(p, now, "startsAt"),
                ["thing3"] = Text(p, "reason") ?? "活动已取消，敬请谅解",
            },
            "ReviewResult" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "subject") ?? Text(p, "title") ?? Text(p, "category") ?? "您的申报",
                ["phrase2"] = Decision(Text(p, "decision") ?? Text(p, "result")),
                ["thing3"] = Text(p, "reason") ?? (Text(p, "points") is { } pts ? $"获得{pts}积分" : "请在小程序查看详情"),
                ["time4"] = Time(p, now, "reviewedAt", "at"),
            },
            "RedemptionReceipt" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "merchantName") ?? Text(p, "merchant") ?? "积分商户",
                ["number2"] = Text(p, "points") ?? "0",
                ["number3"] = Text(p, "balance") ?? "0",
                ["time4"] = Time(p, now, "redeemedAt", "at"),
            },
            "NegativeRecord" => new Dictionary<string, string>
            {
                ["thing1"] = Text(p, "subject") ?? "负面清单记录",
                ["time2"] = Time(p, now, "occurredAt", "at"),
                ["thing3"] = "请在小程序查看详情，可补充说明或申诉",
            },
            _ => null,
        };
        return data?.ToDictionary(kv => kv.Key, kv => Fit(kv.Key, kv.Value));
    }

    /// <summary>The activity to open, when the payload names one.</summary>
    public static string? ActivityId(string payloadJson)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(payloadJson) ? "{}" : payloadJson);
        return Text(document.RootElement, "activityId");
    }

    /// <summary>Shortens or reshapes a value to its keyword's limit (by the key's kind: thing1 is a thing).</summary>
    public static string Fit(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var kind = key.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        var text = (value ?? string.Empty).Trim().ReplaceLineEndings(" ");
        return kind switch
        {
            "thing" => Cut(text.Length == 0 ? "无" : text, 20, Ellipsis),
            "name" => text.All(char.IsAscii) ? Cut(text, 20, "") : Cut(text, 10, ""),
            "phrase" => Cut(new string(text.Where(c => c is >= '\u4e00' and <= '\u9fff').ToArray()) is { Length: > 0 } cjk ? cjk : "已处理", 5, ""),
            "character_string" => Cut(new string(text.Where(c => c is > ' ' and <= '~').ToArray()), 32, ""),
            "number" => Cut(new string(text.Where(c => char.IsAsciiDigit(c) || c == '.').ToArray()) is { Length: > 0 } n ? n : "0", 32, ""),
            "letter" => Cut(new string(text.Where(char.IsAsciiLetter).ToArray()), 32, ""),
            "symbol" => Cut(text, 5, ""),
            "car_number" => Cut(text, 8, ""),
            _ => text,
        };
    }

    private static string Decision(string? decision) => decision?.Trim() switch
    {
        "Approve" or "Approved" or "通过" => "审核通过",
        "Reject" or "Rejected" or "驳回" => "未通过",
        "NeedMoreInfo" => "需补充",
        { Length: > 0 } other => other,
        _ => "已处理",
    };

    /// <summary>Shanghai time as WeChat's time keyword wants it; the notification's own time when the payload has none.</summary>
    private static string Time(JsonElement payload, DateTimeOffset fallback, params string[] names)
    {
        var at = fallback;
        foreach (var name in names)
        {
            if (Text(payload, name) is { } raw && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                at = parsed;
                break;
            }
        }

        return at.ToOffset(Shanghai).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>Cuts to <paramref name="max"/> text elements (an emoji or a combined character counts once).</summary>
    private static string Cut(string text, int max, string ellipsis)
    {
        var info = new StringInfo(text);
        if (info.LengthInTextElements <= max)
        {
            return text;
        }

        var keep = max - new StringInfo(ellipsis).LengthInTextElements;
        var sb = new StringBuilder(info.SubstringByTextElements(0, keep));
        return sb.Append(ellipsis).ToString();
    }
}
