using System.Text;
using System.Text.Json;

namespace Points.Console.Admin;

/// <summary>
/// Whether the signed-in account still holds an issued (one-time) password: its access token then carries the claim
/// <c>pwd_change</c>, and the API refuses everything but the password change until it is done.
/// </summary>
public static class PasswordGate
{
    private const string Claim = "pwd_change";

    public static bool Required(string? accessToken)
    {
        var parts = accessToken?.Split('.');
        if (parts is not { Length: 3 })
        {
            return false;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return doc.RootElement.TryGetProperty(Claim, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == "true";
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}
