using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Points.Infrastructure.WeChat;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class WeChatCryptoTests
{
    private const string DemoAppId = "wx4f4bc4dec97d474b";
    private const string DemoSessionKey = "tiihtNczf5v6AKRyjwEUhQ==";
    private const string DemoIv = "r7BXXKkLb8qrSNn05n0qiA==";
    private static readonly DateTimeOffset DemoTime = DateTimeOffset.FromUnixTimeSeconds(1477314187);

    // WeChat's official demo ciphertext, kept as base64 text (a raw-bytes copy is accepted too).
    private static string DemoEncryptedData()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "WeChat", "TestData", "demo-encrypted-data.b64");
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes).Trim();
        var isBase64 = text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');
        return isBase64 ? text : Convert.ToBase64String(bytes);
    }

    [Fact]
    public void DecryptUserData_OfficialVector_DecryptsAndChecksTheWatermark()
    {
        var result = WeChatCrypto.DecryptUserData(DemoEncryptedData(), DemoSessionKey, DemoIv, DemoAppId, DemoTime.AddMinutes(1), TimeSpan.FromMinutes(5));

        Assert.True(result.IsSuccess, result.ToString());
        using var json = JsonDocument.Parse(result.Value.Json);
        Assert.Equal("oGZUI0egBJY1zhBYw2KhdUfwVJJE", json.RootElement.GetProperty("openId").GetString());
        Assert.Equal(DemoAppId, result.Value.WatermarkAppId);
        Assert.Equal(DemoTime, result.Value.WatermarkTime);
    }

    [Fact]
    public void DecryptUserData_WhenWatermarkAppIdIsNotOurs_IsRejected()
    {
        var result = WeChatCrypto.DecryptUserData(DemoEncryptedData(), DemoSessionKey, DemoIv, "wx-our-real-app", DemoTime, TimeSpan.FromMinutes(5));

        Assert.Equal(WeChatErrorCodes.ClientWatermarkMismatch, result.Error?.ErrCode);
        Assert.Equal(WeChatErrorKind.InvalidData, result.Error?.Kind);
    }

    [Fact]
    public void DecryptUserData_WhenWatermarkIsOld_IsRejected()
    {
        var result = WeChatCrypto.DecryptUserData(DemoEncryptedData(), DemoSessionKey, DemoIv, DemoAppId, DemoTime.AddHours(1), TimeSpan.FromMinutes(5));

        Assert.Equal(WeChatErrorCodes.ClientWatermarkStale, result.Error?.ErrCode);
    }

    [Fact]
    public void DecryptUserData_WithAStaleSessionKey_AsksToSignInAgain()
    {
        var staleKey = Convert.ToBase64String(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

        var result = WeChatCrypto.DecryptUserData(DemoEncryptedData(), staleKey, DemoIv, DemoAppId, DemoTime, TimeSpan.FromMinutes(5));

        Assert.Equal(WeChatErrorKind.SessionStale, result.Error?.Kind);
    }

    [Theory]
    [InlineData("not base64!", DemoSessionKey, DemoIv)]
    [InlineData("AAAA", DemoSessionKey, DemoIv)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "AAAA", DemoIv)]
    public void DecryptUserData_WithBadInput_IsRejectedWithoutThrowing(string data, string key, string iv)
    {
        var result = WeChatCrypto.DecryptUserData(data, key, iv, DemoAppId, DemoTime, TimeSpan.FromMinutes(5));

        Assert.Equal(WeChatErrorKind.Rejected, result.Error?.Kind);
    }

    [Fact]
    public void UrlSignature_OfficialVector_IsValid()
    {
        Assert.Equal("f464b24fc39322e44b38aa78f5edd27bd1441696", WeChatCrypto.ComputeSignature("AAAAA", "1714036504", "1514711492"));

        var check = WeChatCrypto.VerifyUrlSignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696",
            DateTimeOffset.FromUnixTimeSeconds(1714036504 + 30), TimeSpan.FromMinutes(5));

        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Fact]
    public void UrlSignature_WhenTampered_IsAMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, WeChatCrypto.VerifyUrlSignature("AAAAA", "1714036504", "1514711493", "f464b24fc39322e44b38aa78f5edd27bd1441696",
            DateTimeOffset.FromUnixTimeSeconds(1714036504), TimeSpan.FromMinutes(5)));

    [Fact]
    public void UrlSignature_WhenTimestampIsStale_IsRejected() =>
        Assert.Equal(SignatureCheck.StaleTimestamp, WeChatCrypto.VerifyUrlSignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696",
            DateTimeOffset.FromUnixTimeSeconds(1714036504 + 3600), TimeSpan.FromMinutes(5)));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    public void UrlSignature_WhenTimestampMalformed_IsRejected(string timestamp) =>
        Assert.Equal(SignatureCheck.Malformed, WeChatCrypto.VerifyUrlSignature("AAAAA", timestamp, "1", "f464", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

    [Fact]
    public void SafeMode_EncryptThenDecrypt_RoundTripsAndUses32BytePadding()
    {
        var aesKey = NewEncodingAesKey();
        const string message = """{"ToUserName":"gh_1","Event":"wxa_media_check","trace_id":"t1","result":{"suggest":"pass","label":"100"}}""";

        var encrypted = WeChatCrypto.EncryptMessage(message, aesKey, "wxapp1", new byte[16]);
        var decrypted = WeChatCrypto.DecryptMessage(encrypted, aesKey, "wxapp1");

        Assert.Equal(message, decrypted.Value);
        var key = Convert.FromBase64String(aesKey + "=");
        using var aes = Aes.Create();
        aes.Key = key;
        var raw = aes.DecryptCbc(Convert.FromBase64String(encrypted), key.AsSpan(0, 16), PaddingMode.None);
        Assert.Equal(0, raw.Length % 32);
        Assert.Equal(Encoding.UTF8.GetByteCount(message), (raw[16] << 24) | (raw[17] << 16) | (raw[18] << 8) | raw[19]);
        var pad = raw[^1];
        Assert.Equal(32 - ((20 + Encoding.UTF8.GetByteCount(message) + "wxapp1".Length) % 32), pad);
    }

    [Fact]
    public void SafeMode_Decrypt_WhenAppIdIsNotOurs_IsRejected()
    {
        var aesKey = NewEncodingAesKey();
        var encrypted = WeChatCrypto.EncryptMessage("<xml/>", aesKey, "wx-other");

        var result = WeChatCrypto.DecryptMessage(encrypted, aesKey, "wxapp1");

        Assert.Equal(WeChatErrorCodes.ClientWatermarkMismatch, result.Error?.ErrCode);
    }

    [Fact]
    public void SafeMode_Decrypt_WithAnotherKey_FailsWithoutThrowing()
    {
        var encrypted = WeChatCrypto.EncryptMessage("<xml/>", NewEncodingAesKey(), "wxapp1");

        var result = WeChatCrypto.DecryptMessage(encrypted, NewEncodingAesKey(), "wxapp1");

        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void SafeMode_MessageSignature_CoversTheEncryptedBody()
    {
        var encrypted = WeChatCrypto.EncryptMessage("<xml/>", NewEncodingAesKey(), "wxapp1");
        var signature = WeChatCrypto.ComputeSignature("token1", "1714036504", "nonce1", encrypted);
        var now = DateTimeOffset.FromUnixTimeSeconds(1714036504);

        Assert.Equal(SignatureCheck.Valid, WeChatCrypto.VerifyMessageSignature("token1", "1714036504", "nonce1", encrypted, signature, now, TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Mismatch, WeChatCrypto.VerifyMessageSignature("token1", "1714036504", "nonce1", encrypted + "x", signature, now, TimeSpan.FromMinutes(5)));
    }

    private static string NewEncodingAesKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
}
