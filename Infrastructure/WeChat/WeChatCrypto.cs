using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Points.Infrastructure.WeChat;

public enum SignatureCheck
{
    Valid,
    Mismatch,
    StaleTimestamp,
    Malformed,
}

/// <summary>User data decrypted from <c>encryptedData</c>: the JSON and its checked watermark.</summary>
public sealed record DecryptedUserData(string Json, string WatermarkAppId, DateTimeOffset WatermarkTime);

/// <summary>
/// WeChat's cryptography: legacy <c>encryptedData</c> (AES-128-CBC), push URL-check signatures and
/// safe-mode push messages (AES-256-CBC with 32-byte PKCS#7). Expected failures are results, not exceptions.
/// </summary>
public static class WeChatCrypto
{
    private const int SafeModeBlockSize = 32;

    /// <summary>
    /// Decrypts legacy <c>encryptedData</c> with the session key and checks the watermark appid and that
    /// its timestamp is within <paramref name="maxAge"/> of <paramref name="now"/>. A padding error
    /// (the session key is stale because the user signed in again) gives kind SessionStale.
    /// </summary>
    public static WeChatResult<DecryptedUserData> DecryptUserData(
        string encryptedData, string sessionKey, string iv, string expectedAppId, DateTimeOffset now, TimeSpan maxAge)
    {
        byte[] cipher, key, ivBytes;
        try
        {
            cipher = Convert.FromBase64String(encryptedData ?? "");
            key = Convert.FromBase64String(sessionKey ?? "");
            ivBytes = Convert.FromBase64String(iv ?? "");
        }
        catch (FormatException)
        {
            return Fail<DecryptedUserData>(WeChatErrorCodes.ClientRejected, "encryptedData, session_key or iv is not base64", WeChatErrorKind.Rejected);
        }

        return DecryptUserData(cipher, key, ivBytes, expectedAppId, now, maxAge);
    }

    /// <inheritdoc cref="DecryptUserData(string, string, string, string, DateTimeOffset, TimeSpan)"/>
    public static WeChatResult<DecryptedUserData> DecryptUserData(
        byte[] cipher, byte[] key, byte[] iv, string expectedAppId, DateTimeOffset now, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (key is not { Length: 16 } || iv is not { Length: 16 } || cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            return Fail<DecryptedUserData>(WeChatErrorCodes.ClientRejected, "session_key and iv must be 16 bytes and the data whole AES blocks", WeChatErrorKind.Rejected);
        }

        byte[] plain;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            plain = aes.DecryptCbc(cipher, iv, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return SessionStale();
        }

        string json;
        string? appId;
        long timestamp;
        try
        {
            json = Encoding.UTF8.GetString(plain);
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("watermark", out var watermark))
            {
                return Fail<DecryptedUserData>(WeChatErrorCodes.ClientWatermarkMismatch, "watermark missing", WeChatErrorKind.InvalidData);
            }

            appId = WeChatClient.GetString(watermark, "appid");
            if (!long.TryParse(WeChatClient.GetString(watermark, "timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out timestamp))
            {
                return Fail<DecryptedUserData>(WeChatErrorCodes.ClientWatermarkStale, "watermark timestamp missing", WeChatErrorKind.InvalidData);
            }
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException or InvalidOperationException)
        {
            // Valid padding by chance with a wrong key yields garbage: the same stale-session case.
            return SessionStale();
        }

        if (!string.Equals(appId, expectedAppId, StringComparison.Ordinal))
        {
            return Fail<DecryptedUserData>(WeChatErrorCodes.ClientWatermarkMismatch, "watermark appid is not ours", WeChatErrorKind.InvalidData);
        }

        var stamped = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if ((now - stamped).Duration() > maxAge)
        {
            return Fail<DecryptedUserData>(WeChatErrorCodes.ClientWatermarkStale, "watermark timestamp is not fresh", WeChatErrorKind.InvalidData);
        }

        return WeChatResult<DecryptedUserData>.Ok(new DecryptedUserData(json, appId!, stamped));
    }

    /// <summary>Hex SHA-1 of the parts sorted ordinally and concatenated (URL check and msg_signature).</summary>
    public static string ComputeSignature(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sorted = parts.Select(p => p ?? "").ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what WeChat's push protocol signs with; we only verify it.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted)));
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Push URL check: <c>signature = sha1(sort[token, timestamp, nonce])</c>; on Valid answer <c>echostr</c>.</summary>
    public static SignatureCheck VerifyUrlSignature(string token, string timestamp, string nonce, string signature, DateTimeOffset now, TimeSpan maxSkew) =>
        Verify([token, timestamp, nonce], timestamp, signature, now, maxSkew);

    /// <summary>Safe-mode push: <c>msg_signature = sha1(sort[token, timestamp, nonce, Encrypt])</c>.</summary>
    public static SignatureCheck VerifyMessageSignature(string token, string timestamp, string nonce, string encrypt, string msgSignature, DateTimeOffset now, TimeSpan maxSkew) =>
        Verify([token, timestamp, nonce, encrypt], timestamp, msgSignature, now, maxSkew);

    /// <summary>Decrypts a safe-mode <c>Encrypt</c> field and checks that the trailing appid is ours.</summary>
    public static WeChatResult<string> DecryptMessage(string encrypt, string encodingAesKey, string expectedAppId)
    {
        if (SafeModeKey(encodingAesKey) is not { } key)
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "EncodingAESKey must be 43 base64 characters", WeChatErrorKind.Configuration);
        }

        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypt ?? "");
        }
        catch (FormatException)
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "Encrypt is not base64", WeChatErrorKind.InvalidData);
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "Encrypt is not whole AES blocks", WeChatErrorKind.InvalidData);
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var padded = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        var pad = padded[^1];
        if (pad is < 1 or > SafeModeBlockSize || pad > padded.Length || padded.AsSpan(padded.Length - pad).ContainsAnyExcept(pad))
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "bad padding", WeChatErrorKind.InvalidData);
        }

        var plain = padded.AsSpan(0, padded.Length - pad);
        if (plain.Length < 20)
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "message too short", WeChatErrorKind.InvalidData);
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(plain.Slice(16, 4));
        if (length < 0 || 20 + length > plain.Length)
        {
            return Fail<string>(WeChatErrorCodes.ClientRejected, "bad message length", WeChatErrorKind.InvalidData);
        }

        var appId = Encoding.UTF8.GetString(plain[(20 + length)..]);
        if (!string.Equals(appId, expectedAppId, StringComparison.Ordinal))
        {
            return Fail<string>(WeChatErrorCodes.ClientWatermarkMismatch, "message appid is not ours", WeChatErrorKind.InvalidData);
        }

        return WeChatResult<string>.Ok(Encoding.UTF8.GetString(plain.Slice(20, length)));
    }

    /// <summary>Encrypts a safe-mode reply; <paramref name="random16"/> is for tests, otherwise random bytes are used.</summary>
    public static string EncryptMessage(string message, string encodingAesKey, string appId, byte[]? random16 = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(appId);
        var key = SafeModeKey(encodingAesKey) ?? throw new ArgumentException("EncodingAESKey must be 43 base64 characters", nameof(encodingAesKey));
        if (random16 is not null && random16.Length != 16)
        {
            throw new ArgumentException("16 bytes expected", nameof(random16));
        }

        var body = Encoding.UTF8.GetBytes(message);
        var app = Encoding.UTF8.GetBytes(appId);
        var length = 20 + body.Length + app.Length;
        var pad = SafeModeBlockSize - (length % SafeModeBlockSize);
        var plain = new byte[length + pad];
        (random16 ?? RandomNumberGenerator.GetBytes(16)).CopyTo(plain, 0);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), body.Length);
        body.CopyTo(plain, 20);
        app.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    private static SignatureCheck Verify(string[] parts, string timestamp, string signature, DateTimeOffset now, TimeSpan maxSkew)
    {
        if (string.IsNullOrEmpty(signature) || parts.Any(string.IsNullOrEmpty)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Malformed;
        }

        var expected = Encoding.ASCII.GetBytes(ComputeSignature(parts));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return SignatureCheck.Mismatch;
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        return (now - sent).Duration() > maxSkew ? SignatureCheck.StaleTimestamp : SignatureCheck.Valid;
    }

    private static byte[]? SafeModeKey(string? encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 })
        {
            return null;
        }

        try
        {
            var key = Convert.FromBase64String(encodingAesKey + "=");
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static WeChatResult<DecryptedUserData> SessionStale() =>
        Fail<DecryptedUserData>(WeChatErrorCodes.ClientSessionStale, "session stale, please sign in again", WeChatErrorKind.SessionStale);

    private static WeChatResult<T> Fail<T>(int code, string message, WeChatErrorKind kind) =>
        WeChatResult<T>.Fail(new WeChatError(code, message, kind));
}
