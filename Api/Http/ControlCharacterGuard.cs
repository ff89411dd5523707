using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Points.Api.Http;

/// <summary>
/// Refuses C0 control characters (U+0000 to U+001F) at the edge, before any handler or database sees them:
/// in every string and property name of a JSON body (tab, LF and CR stay allowed there, free text has lines),
/// and in every query and route value (single-line, so no exception). PostgreSQL cannot store U+0000 in text
/// at all and SQLite would store it silently; either way the answer is a 400 <c>validation.failed</c> that
/// names the field, e.g. <c>clientId</c>, <c>items[0].name</c> or the query parameter.
/// </summary>
public static class ControlCharacterGuard
{
    public const string Message = "不能包含控制字符";

    public static IApplicationBuilder UseControlCharacterGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var field = InQuery(context.Request) ?? InRoute(context.Request) ?? await InJsonBodyAsync(context);
        if (field is not null)
        {
            await Problems.Validation(field, Message).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    public static bool IsRefused(char c, bool multiline) => c < '\u0020' && !(multiline && c is '\t' or '\n' or '\r');

    private static bool HasRefused(string? value, bool multiline) => value is not null && value.Any(c => IsRefused(c, multiline));

    private static string? InQuery(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
        {
            if (HasRefused(key, multiline: false) || values.Any(v => HasRefused(v, multiline: false)))
            {
                return HasRefused(key, multiline: false) ? "query" : key;
            }
        }

        return null;
    }

    private static string? InRoute(HttpRequest request)
    {
        foreach (var (key, value) in request.RouteValues)
        {
            if (value is string text && HasRefused(text, multiline: false))
            {
                return key;
            }
        }

        return null;
    }

    private static async Task<string?> InJsonBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || request.ContentType is not { } type || !IsJson(type))
        {
            return null;
        }

        // The body is at most the endpoint's limit (RequestSizeLimit runs first), so holding it in memory once is
        // bounded; the handler then reads the same bytes again.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? ApiSetup.MaxJsonBodyBytes;
        var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > limit)
        {
            throw new BadHttpRequestException("request body too large", StatusCodes.Status413PayloadTooLarge);
        }

        buffer.Position = 0;
        request.Body = buffer;
        return FindInJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The path of the first string or property name holding a refused character; null when none (or when the JSON is malformed: the handler reports that).</summary>
    public static string? FindInJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var path = new List<object>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        Advance(path);
                        path.Add("");
                        break;
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(-1);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        path[^1] = reader.GetString()!;
                        // Raw control characters are invalid JSON, so only escaped text can hold one.
                        if (reader.ValueIsEscaped && HasRefused((string)path[^1], multiline: false))
                        {
                            return Describe(path);
                        }

                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        if (reader.ValueIsEscaped && HasRefused(reader.GetString(), multiline: true))
                        {
                            return Describe(path);
                        }

                        break;
                    default:
                        Advance(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static void Advance(List<object> path)
    {
        if (path.Count > 0 && path[^1] is int index)
        {
            path[^1] = index + 1;
        }
    }

    private static string Describe(List<object> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in path)
        {
            if (part is int index)
            {
                text.Append('[').Append(index).Append(']');
            }
            else if (part is string name && name.Length > 0)
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }

                text.Append(HasRefused(name, multiline: false) ? Escape(name) : name);
            }
        }

        return text.Length == 0 ? "body" : text.ToString();
    }

    private static string Escape(string name) => string.Concat(name.Select(c => IsRefused(c, multiline: false) ? $"\\u{(int)c:x4}" : c.ToString()));
}
