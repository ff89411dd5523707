using System.Net;

namespace Points.Console.ApiClient;

/// <summary>An RFC 9457 problem from the API: the stable <see cref="Code"/>, the Chinese <see cref="Title"/>, and field errors.</summary>
public sealed record Problem(int Status, string? Code, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>The request never reached the API (network down, server gone): the page offers a retry.</summary>
    public bool IsNetwork => Status == 0;

    public static Problem Network() => new(0, "network", "网络连接失败，请检查网络后重试", null, new Dictionary<string, string[]>());

    public static Problem Unexpected(HttpStatusCode status) => new((int)status, null, $"服务器返回了无法识别的应答（{(int)status}），请稍后重试", null, new Dictionary<string, string[]>());

    /// <summary>The first error for a field (the API names fields in camelCase), or null.</summary>
    public string? For(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase) || e.Key.EndsWith("." + field, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    /// <summary>Field errors joined with the title, for a message when a form has no place for them.</summary>
    public string Message => Errors.Count == 0 ? Title : $"{Title}：{string.Join("；", Errors.SelectMany(e => e.Value))}";
}

/// <summary>A value or a problem, never an exception for an answer the API gave on purpose.</summary>
public sealed record ApiResult<T>(T? Value, Problem? Problem)
{
    public bool Ok => Problem is null;
}
