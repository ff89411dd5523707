using System.Security.Cryptography;
using System.Text;

namespace Points.Infrastructure.Identity;

/// <summary>
/// PBKDF2-HMAC-SHA256 password and client-secret hashes, formatted
/// <c>pbkdf2-sha256$iterations$salt$hash</c> so the work factor can rise later without a migration.
/// </summary>
public static class SecretHasher
{
    public const int DefaultIterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";

    public static string Hash(string secret, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string secret, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A verification that costs as much as a real one, for unknown user names (no timing oracle).</summary>
    public static void BurnEquivalentTime(string secret) => Verify(secret, DummyHash.Value);

    private static readonly Lazy<string> DummyHash = new(() => Hash("dummy-password-for-timing"));

    /// <summary>SHA-256 hex of a high-entropy token (refresh tokens, paycodes): no salt needed, lookups stay indexable.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private const string OneTimeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";

    /// <summary>A 12-character password to read out or copy once (no 0/O, 1/l/I), always with a letter and a digit.</summary>
    public static string NewOneTimePassword()
    {
        while (true)
        {
            var password = RandomNumberGenerator.GetString(OneTimeAlphabet, 12);
            if (Points.Domain.Identity.PasswordPolicy.Check(password) is null)
            {
                return password;
            }
        }
    }

    public static string NewToken(int bytes = 32) => Base64UrlEncode(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64UrlEncode(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
