using System.Text;
using System.Text.Json.Nodes;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// Walks every endpoint as every role with junk and hostile requests, on PostgreSQL and on SQLite: empty and
/// ill-typed bodies, bodies shaped by the endpoint's OpenAPI schema whose strings carry control characters or are
/// 100 000 characters long and whose numbers are int.MaxValue, a 1 MB string, and int.MaxValue in every numeric
/// query parameter. No answer is a 500 or a 401, and every refusal is problem details.
/// </summary>
public abstract class HostileInputTestsBase<TFactory>(TFactory factory) where TFactory : PointsApiFactory
{
    private const int LongString = 100_000;

    public static TheoryData<Role> AllRoles => new() { Role.Resident, Role.CommunityStaff, Role.TownStaff, Role.Admin, Role.Merchant, Role.Bank };

    private sealed record Operation(List<(string Name, bool Numeric)> Query, JsonElement? Body);

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task EveryEndpoint_EveryRole_JunkAndHostileRequests_NeverServerError(Role role)
    {
        var client = await factory.ClientAsAsync(role, $"hostile-{role}".ToLowerInvariant());
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var failures = new List<string>();
        var (numericParameters, shapedBodies) = (0, 0);
        foreach (var route in AuthorizationMatrixTests.RoutesOf(factory.Services).Where(r => !r.Template.StartsWith("/docs", StringComparison.Ordinal) && !r.Template.StartsWith("/console", StringComparison.Ordinal)))
        {
            var operation = Find(document, route);
            numericParameters += operation?.Query.Count(q => q.Numeric) ?? 0;
            shapedBodies += operation?.Body is null ? 0 : 1;
            var hostile = new[] { "a\u0000b", "\u0001\u001b[31m", new string('长', LongString) };
            var attempts = new List<(string Query, string? Body)>
            {
                ("", "{}"),
                ("", "{\"id\":\"x\",\"points\":-1,\"page\":-5}"),
                ("", "{\"text\":\"" + new string('x', 1024 * 1024) + "\"}"),
            };
            foreach (var text in hostile)
            {
                var query = string.Join("&", operation?.Query.Select(q => $"{q.Name}={(q.Numeric ? int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : Uri.EscapeDataString(text.Length > 100 ? "x" : text))}") ?? []);
                var body = operation?.Body is { } schema ? Sample(document, schema, text, 0)?.ToJsonString() : null;
                attempts.Add((query, body ?? "{}"));
            }

            foreach (var (query, body) in attempts.Distinct())
            {
                var path = AuthorizationMatrixTests.Fill(route.Template) + (query.Length > 0 ? "?" + query : "");
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (route.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent(body ?? "{}", Encoding.UTF8, "application/json");
                }
                else if (query.Length == 0 && (body != "{}" || attempts.IndexOf((query, body)) > 0))
                {
                    continue;
                }

                var response = await client.SendAsync(request);
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    failures.Add($"{route.Method} {route.Template}?{Shorten(query)} body {Shorten(body)} as {role} → {(int)response.StatusCode}: {Shorten(text)}");
                }
                else if (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{route.Method} {route.Template} as {role} → {(int)response.StatusCode} without problem details");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(numericParameters >= 1 && shapedBodies >= 30, $"the OpenAPI walk found {numericParameters} numeric query parameters and {shapedBodies} body schemas");
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length > 300 ? text[..300] + "…" : text;

    private static Operation? Find(JsonElement document, AuthorizationMatrixTests.Route route)
    {
        var template = System.Text.RegularExpressions.Regex.Replace(route.Template, @"\{([A-Za-z_]+)(:[^}]+)?\}", "{$1}");
        if (!document.GetProperty("paths").TryGetProperty(template, out var path)
            || !path.TryGetProperty(route.Method.ToLowerInvariant(), out var operation))
        {
            return null;
        }

        var query = new List<(string, bool)>();
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
            {
                query.Add((parameter.GetProperty("name").GetString()!, parameter.TryGetProperty("schema", out var schema) && IsNumeric(Resolve(document, schema))));
            }
        }

        JsonElement? body = operation.TryGetProperty("requestBody", out var requestBody)
            && requestBody.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
            && json.TryGetProperty("schema", out var bodySchema) ? bodySchema : null;
        return new Operation(query, body);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        return schema;
    }

    private static IEnumerable<string> Types(JsonElement schema) => !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!) : [type.GetString()!];

    private static bool IsNumeric(JsonElement schema) => Types(schema).Any(t => t is "integer" or "number");

    /// <summary>A value of the schema's shape: every string <paramref name="text"/> (enums keep their first value), every number int.MaxValue.</summary>
    private static JsonNode? Sample(JsonElement document, JsonElement schema, string text, int depth)
    {
        schema = Resolve(document, schema);
        if (depth > 6)
        {
            return null;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var choice = options.EnumerateArray().Select(o => Resolve(document, o)).FirstOrDefault(o => !Types(o).SequenceEqual(["null"]));
                return choice.ValueKind == JsonValueKind.Undefined ? null : Sample(document, choice, text, depth + 1);
            }
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return values.EnumerateArray().Select(v => JsonNode.Parse(v.GetRawText())).FirstOrDefault(v => v is not null);
        }

        var types = Types(schema).ToList();
        if (schema.TryGetProperty("properties", out var properties) || types.Contains("object"))
        {
            var result = new JsonObject();
            if (properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    result[property.Name] = Sample(document, property.Value, text, depth + 1);
                }
            }

            return result;
        }

        if (types.Contains("array"))
        {
            return schema.TryGetProperty("items", out var items) ? new JsonArray(Sample(document, items, text, depth + 1)) : new JsonArray();
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            return JsonValue.Create(int.MaxValue);
        }

        if (types.Contains("boolean"))
        {
            return JsonValue.Create(true);
        }

        if (types.Contains("string"))
        {
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            return format switch
            {
                "uuid" => JsonValue.Create(Guid.NewGuid()),
                "date-time" => JsonValue.Create("2026-11-23T10:00:00+08:00"),
                "date" => JsonValue.Create("2026-11-23"),
                _ => JsonValue.Create(text),
            };
        }

        return null;
    }
}

public sealed class HostileInputTests(PointsApiFactory factory)
    : HostileInputTestsBase<PointsApiFactory>(factory), IClassFixture<PointsApiFactory>;

public sealed class HostileInputSqliteTests(EmbeddedFactory factory)
    : HostileInputTestsBase<EmbeddedFactory>(factory), IClassFixture<EmbeddedFactory>;
