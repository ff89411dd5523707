using System.Globalization;
using System.Text.RegularExpressions;

namespace Points.Infrastructure.WeChat;

/// <summary>Client-side checks that spare a request WeChat would refuse (47003, 40169, 41030).</summary>
public static partial class WeChatValidation
{
    public const int MaxSceneLength = 32;
    public const int MinQrWidth = 280;
    public const int MaxQrWidth = 1280;
    public const int MaxTextCheckLength = 2500;
    private const string SceneSymbols = "!#$&'()*+,/:;=?@-._~";

    /// <summary>Returns null when <paramref name="scene"/> is 1-32 chars of 0-9A-Za-z and <c>!#$&amp;'()*+,/:;=?@-._~</c>.</summary>
    public static string? CheckScene(string? scene)
    {
        if (string.IsNullOrEmpty(scene))
        {
            return "scene is empty";
        }

        if (scene.Length > MaxSceneLength)
        {
            return $"scene is longer than {MaxSceneLength} characters";
        }

        foreach (var c in scene)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !SceneSymbols.Contains(c, StringComparison.Ordinal))
            {
                return "scene contains a character outside 0-9A-Za-z!#$&'()*+,/:;=?@-._~";
            }
        }

        return null;
    }

    public static string? CheckQrPage(string? page)
    {
        if (page is null)
        {
            return null;
        }

        if (page.Length == 0 || page.StartsWith('/'))
        {
            return "page must be a path such as pages/index/index, without a leading '/'";
        }

        return page.Any(char.IsWhiteSpace) || page.Contains('?', StringComparison.Ordinal) ? "page must not contain spaces or a query string" : null;
    }

    public static string? CheckQrWidth(int? width) =>
        width is null or (>= MinQrWidth and <= MaxQrWidth) ? null : $"width must be between {MinQrWidth} and {MaxQrWidth}";

    /// <summary>
    /// Checks one subscribe-message value by the kind its key names (<c>thing1</c> is a thing).
    /// Returns null when acceptable; unknown kinds are left to WeChat.
    /// </summary>
    public static string? CheckSubscribeValue(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "value is empty";
        }

        var kind = key.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        var length = new StringInfo(value).LengthInTextElements;
        return kind switch
        {
            "thing" => length <= 20 ? null : "thing is limited to 20 characters",
            "number" => value.Length <= 32 && NumberPattern().IsMatch(value) ? null : "number must be at most 32 digits",
            "letter" => value.Length <= 32 && value.All(char.IsAsciiLetter) ? null : "letter must be at most 32 letters",
            "symbol" => length <= 5 ? null : "symbol is limited to 5 characters",
            "character_string" => value.Length <= 32 && value.All(c => c is > ' ' and <= '~') ? null : "character_string must be at most 32 digits, letters or symbols",
            "phone_number" => value.Length <= 17 && PhonePattern().IsMatch(value) ? null : "phone_number must be at most 17 digits and symbols",
            "car_number" => length <= 8 ? null : "car_number is limited to 8 characters",
            "name" => IsName(value) ? null : "name is limited to 10 Chinese characters or 20 letters",
            "phrase" => length <= 5 && value.All(IsCjk) ? null : "phrase is limited to 5 Chinese characters",
            "amount" => AmountPattern().IsMatch(value) ? null : "amount must be a currency symbol and at most 10 digits",
            "time" or "date" => DatePattern().IsMatch(value) || TimeOnlyPattern().IsMatch(value) ? null : "time/date must be formatted like 2024-05-01 09:30 or 2024年5月1日",
            _ => null,
        };
    }

    public static (string Field, string Problem)? CheckSubscribeMessage(SubscribeMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.ToUser))
        {
            return ("touser", "touser is empty");
        }

        if (string.IsNullOrWhiteSpace(message.TemplateId))
        {
            return ("template_id", "template_id is empty");
        }

        if (message.Data is null || message.Data.Count == 0)
        {
            return ("data", "data is empty");
        }

        foreach (var (key, value) in message.Data)
        {
            if (CheckSubscribeValue(key, value) is { } problem)
            {
                return (key, problem);
            }
        }

        if (message.MiniProgramState is not (null or "developer" or "trial" or "formal"))
        {
            return ("miniprogram_state", "miniprogram_state must be developer, trial or formal");
        }

        return message.Page is { } page && page.StartsWith('/') ? ("page", "page must not start with '/'") : null;
    }

    private static bool IsName(string value)
    {
        var length = new StringInfo(value).LengthInTextElements;
        return value.All(c => char.IsAscii(c)) ? length <= 20 : length <= 10;
    }

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    [GeneratedRegex(@"^\d+(\.\d+)?$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^\+?[0-9\-\s()]+$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^\d{4}([-/.]|年)\d{1,2}([-/.]|月)\d{1,2}日?(\s*\d{1,2}:\d{2}(:\d{2})?)?$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^\d{1,2}:\d{2}(:\d{2})?$")]
    private static partial Regex TimeOnlyPattern();
}
