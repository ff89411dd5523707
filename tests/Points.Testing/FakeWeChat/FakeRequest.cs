using System.Text.Json;

namespace Points.Testing.FakeWeChat;

/// <summary>A request the fake server received, as recorded in <see cref="FakeWeChatServer.Requests"/>.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path without the query string, e.g. <c>/sns/jscode2session</c>.</param>
/// <param name="Query">Query parameters (the fake keeps them all, secrets included; it is a test double).</param>
/// <param name="Body">Request body as text (empty for GET).</param>
/// <param name="ReceivedAt">When the request arrived.</param>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Body, DateTimeOffset ReceivedAt)
{
    /// <summary>The <c>access_token</c> query parameter, if any.</summary>
    public string? AccessToken => Query.GetValueOrDefault("access_token");

    /// <summary>A query parameter, or null.</summary>
    public string? QueryValue(string name) => Query.GetValueOrDefault(name);

    /// <summary>A top-level property of a JSON body as text (strings unquoted, numbers and booleans raw), or null.</summary>
    public string? BodyValue(string name)
    {
        if (string.IsNullOrWhiteSpace(Body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
