using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Points.Infrastructure.Identity;

/// <summary>
/// Encrypts personal data and WeChat secrets at rest (phone numbers, session keys) with AES-256-GCM.
/// The 32-byte master key is <c>Points:DataProtectionKey</c> (base64), the same on every instance; in
/// Development a missing key is generated once under <c>{DataDir}/keys/</c>. Two sub-keys are derived
/// with HKDF: one encrypts, one keys the HMAC-SHA256 lookup hash (a phone number has ~10^10 values, so
/// an unkeyed hash would be reversed by brute force). The purpose and row id are bound as associated
/// data, so a ciphertext copied into another row or column does not decrypt.
/// Format: <c>v1.{keyId}.{base64url(nonce | ciphertext | tag)}</c>.
/// </summary>
public sealed class PersonalDataProtector
{
    public const string ConfigurationKey = "Points:DataProtectionKey";
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const string Version = "v1";

    private readonly byte[] _encryptionKey;
    private readonly byte[] _hashKey;
    private readonly string _keyId;

    public PersonalDataProtector(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != KeyBytes)
        {
            throw new ArgumentException($"{ConfigurationKey} must be {KeyBytes} bytes", nameof(masterKey));
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyBytes, info: "points/aes-gcm/v1"u8.ToArray());
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyBytes, info: "points/lookup-hash/v1"u8.ToArray());
        _keyId = Convert.ToHexStringLower(SHA256.HashData(_encryptionKey).AsSpan(0, 4));
    }

    /// <summary>Reads the key from configuration; outside Development it is required (StartupChecks refuses without it).</summary>
    public static PersonalDataProtector Resolve(IConfiguration configuration, IHostEnvironment environment, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (configuration[ConfigurationKey] is { Length: > 0 } configured)
        {
            return new PersonalDataProtector(ParseKey(configured) ?? throw new StartupException(KeyProblem));
        }

        if (!environment.IsDevelopment())
        {
            throw new StartupException(KeyProblem);
        }

        var folder = Path.Combine(dataDir, "keys");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "data-protection.key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));
        }

        return new PersonalDataProtector(ParseKey(File.ReadAllText(path).Trim()) ?? throw new InvalidOperationException($"{path} does not hold a base64 32-byte key"));
    }

    public const string KeyProblem = $"{ConfigurationKey} must be set to a base64 32-byte key, the same on every instance "
        + "(e.g. `openssl rand -base64 32`); it encrypts phone numbers and WeChat session keys at rest.";

    /// <summary>Null when <paramref name="value"/> is a valid base64 32-byte key, else the problem.</summary>
    public static string? CheckKey(string? value) => ParseKey(value) is null ? KeyProblem : null;

    public string Protect(string plaintext, string purpose, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceBytes, plain.Length), output.AsSpan(NonceBytes + plain.Length), Aad(purpose, rowId));
        return $"{Version}.{_keyId}.{Base64Url(output)}";
    }

    /// <summary>The plaintext, or null when the value was not made by this key for this purpose and row.</summary>
    public string? Unprotect(string? protectedValue, string purpose, Guid rowId)
    {
        if (protectedValue is null)
        {
            return null;
        }

        var parts = protectedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Version || parts[1] != _keyId || FromBase64Url(parts[2]) is not { Length: >= NonceBytes + TagBytes } data)
        {
            return null;
        }

        var length = data.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(_encryptionKey, TagBytes);
            aes.Decrypt(data.AsSpan(0, NonceBytes), data.AsSpan(NonceBytes, length), data.AsSpan(NonceBytes + length), plain, Aad(purpose, rowId));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Keyed, stable hash (64 hex chars) for unique lookups without decrypting.</summary>
    public string LookupHash(string purpose, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(purpose + "\n" + value)));

    private static byte[] Aad(string purpose, Guid rowId) => Encoding.UTF8.GetBytes($"{purpose}:{rowId:N}");

    private static byte[]? ParseKey(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            var key = Convert.FromBase64String(value.Trim());
            return key.Length == KeyBytes ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Purposes bound into ciphertexts and lookup hashes (changing one makes old values unreadable).</summary>
public static class DataPurposes
{
    public const string Phone = "phone";
    public const string WeChatSessionKey = "wechat-session-key";
}
