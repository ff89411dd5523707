using System.Globalization;
using System.Text.Json;

namespace Points.Console.Credit;

/// <summary>Reads the model's metrics and card (free-form JSON from training) by path; a missing value is null, never an error.</summary>
public static class ModelCardJson
{
    public static readonly IReadOnlyList<(string Code, string Name, string Color)> Tiers =
    [
        ("poor", "较差", "#ff7875"), ("fair", "一般", "#ffc069"), ("good", "良好", "#95de64"), ("very-good", "优秀", "#69b1ff"), ("excellent", "极好", "#b37feb"),
    ];

    public static JsonElement? At(JsonElement root, params string[] path)
    {
        var current = root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public static double? Number(JsonElement root, params string[] path) => At(root, path) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    public static string? Text(JsonElement root, params string[] path) => At(root, path) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public static string Metric(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>Tier shares (code → share) of an object such as <c>metrics.tierShares</c> or a community's <c>candidate</c>.</summary>
    public static IReadOnlyDictionary<string, double> Shares(JsonElement? shares)
    {
        var result = new Dictionary<string, double>();
        if (shares is { ValueKind: JsonValueKind.Object } s)
        {
            foreach (var p in s.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
            {
                result[p.Name] = p.Value.GetDouble();
            }
        }

        return result;
    }

    public sealed record CommunityShares(string Community, int Residents, IReadOnlyDictionary<string, double> Live, IReadOnlyDictionary<string, double> Candidate);

    /// <summary>The card's group comparison: each community's tier shares under the live model and the candidate.</summary>
    public static IReadOnlyList<CommunityShares> ByCommunity(JsonElement card)
    {
        if (At(card, "groupComparison") is not { ValueKind: JsonValueKind.Array } groups)
        {
            return [];
        }

        return groups.EnumerateArray().Select(g => new CommunityShares(
            Text(g, "community") ?? "未分配村社",
            Number(g, "residents") is { } n ? (int)n : 0,
            Shares(At(g, "live")),
            Shares(At(g, "candidate")))).ToList();
    }
}
