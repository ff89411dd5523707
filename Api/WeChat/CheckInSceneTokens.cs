using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Points.Api.WeChat;

/// <summary>
/// Check-in tokens short enough for a mini-program code's <c>scene</c> (≤ 32 characters of
/// <c>0-9A-Za-z-_</c>): activity id (16 bytes) + issue time (4 bytes, unix seconds) + a 4-byte HMAC,
/// base64url = exactly 32 characters. The MAC is short because the scene is; that is acceptable for a
/// token that expires in minutes and is only ever checked online, behind the check-in endpoint's own
/// rules. The key is derived from the token signing key, so every instance verifies every other's tokens.
/// </summary>
public sealed class CheckInSceneTokens(byte[] signingKey, TimeSpan lifetime)
{
    public const int Length = 32;
    private const int MacBytes = 4;
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(5);

    private readonly byte[] _key = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes("points-checkin-scene-v1"));

    public TimeSpan Lifetime { get; } = lifetime;

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid activityId, DateTimeOffset now)
    {
        var buffer = new byte[16 + 4 + MacBytes];
        activityId.TryWriteBytes(buffer.AsSpan(0, 16));
        var seconds = (uint)now.ToUnixTimeSeconds();
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(16, 4), seconds);
        Mac(buffer.AsSpan(0, 20)).CopyTo(buffer.AsSpan(20));
        return (WebEncoders.Base64UrlEncode(buffer), DateTimeOffset.FromUnixTimeSeconds(seconds) + Lifetime);
    }

    public enum Check
    {
        Valid,
        Invalid,
        Expired,
    }

    /// <summary>Whether <paramref name="token"/> was issued by us for <paramref name="activityId"/> and is still fresh.</summary>
    public Check Verify(string? token, Guid activityId, DateTimeOffset now)
    {
        if (token is not { Length: Length })
        {
            return Check.Invalid;
        }

        byte[] buffer;
        try
        {
            buffer = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return Check.Invalid;
        }

        if (buffer.Length != 16 + 4 + MacBytes || !CryptographicOperations.FixedTimeEquals(Mac(buffer.AsSpan(0, 20)), buffer.AsSpan(20)) || new Guid(buffer.AsSpan(0, 16)) != activityId)
        {
            return Check.Invalid;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16, 4)));
        if (issuedAt > now + Skew)
        {
            return Check.Invalid;
        }

        return now - issuedAt > Lifetime ? Check.Expired : Check.Valid;
    }

    private byte[] Mac(ReadOnlySpan<byte> payload) => HMACSHA256.HashData(_key, payload)[..MacBytes];
}
