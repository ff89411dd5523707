using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Points.Domain.Activities;
using Points.Domain.Common;
using QRCoder;

namespace Points.Api.Activities;

/// <summary>
/// Rotating check-in codes: activity id + issue time + an HMAC (key derived from the token signing
/// key, so every instance verifies every other's codes), valid for <see cref="Lifetime"/>. The staff
/// screen fetches a fresh code every ~20 seconds; a photo of an old code stops working within a minute.
/// </summary>
public sealed class CheckInCodes(byte[] signingKey)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(5);
    private const int MacBytes = 16;

    private readonly byte[] _key = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes("points-checkin-code-v1"));

    public (string Code, DateTimeOffset ExpiresAt) Issue(Guid activityId, DateTimeOffset now)
    {
        var buffer = new byte[16 + 8 + MacBytes];
        activityId.TryWriteBytes(buffer.AsSpan(0, 16));
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(16, 8), now.ToUnixTimeSeconds());
        Mac(buffer.AsSpan(0, 24)).CopyTo(buffer.AsSpan(24));
        return (WebEncoders.Base64UrlEncode(buffer), DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + Lifetime);
    }

    public DomainError? Verify(string code, Guid activityId, DateTimeOffset now)
    {
        byte[] buffer;
        try
        {
            buffer = WebEncoders.Base64UrlDecode(code.Trim());
        }
        catch (FormatException)
        {
            return ActivityErrors.CheckInCodeInvalid;
        }

        if (buffer.Length != 16 + 8 + MacBytes || !CryptographicOperations.FixedTimeEquals(Mac(buffer.AsSpan(0, 24)), buffer.AsSpan(24)))
        {
            return ActivityErrors.CheckInCodeInvalid;
        }

        if (new Guid(buffer.AsSpan(0, 16)) != activityId)
        {
            return ActivityErrors.CheckInCodeInvalid;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(16, 8)));
        if (issuedAt > now + Skew)
        {
            return ActivityErrors.CheckInCodeInvalid;
        }

        return now - issuedAt > Lifetime ? ActivityErrors.CheckInCodeExpired : null;
    }

    public static string QrPngBase64(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(8));
    }

    private byte[] Mac(ReadOnlySpan<byte> payload) => HMACSHA256.HashData(_key, payload)[..MacBytes];
}

public sealed class CheckInOptions
{
    /// <summary>How far from the activity's coordinates a code check-in may be; 0 turns the check off.</summary>
    public double RadiusMeters { get; set; } = 500;
}
