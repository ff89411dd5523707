using System.Security.Cryptography;
using System.Text;
using QRCoder;

namespace Points.Infrastructure.WeChat;

/// <summary>
/// Stand-in used in Development when <c>WeChat:BaseUrl</c> is empty: no network, deterministic answers.
/// Any non-empty code signs in as <c>dev-openid-{code}</c>.
/// </summary>
public sealed class DevelopmentWeChatClient : IWeChatClient
{
    public const string OpenIdPrefix = "dev-openid-";

    public Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(jsCode))
        {
            return Task.FromResult(WeChatResult<WeChatSession>.Fail(new WeChatError(WeChatErrorCodes.InvalidCode, "invalid code (development stand-in)", WeChatErrorKind.InvalidCode)));
        }

        return Task.FromResult(WeChatResult<WeChatSession>.Ok(new WeChatSession(OpenIdPrefix + jsCode, SessionKeyFor(jsCode), null)));
    }

    /// <summary>The session key the stand-in hands out for a code: base64 of the first 16 bytes of SHA-256(code).</summary>
    public static string SessionKeyFor(string jsCode) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(jsCode)).AsSpan(0, 16));

    public Task<WeChatResult<WeChatPhoneNumber>> GetPhoneNumberAsync(string code, string? openId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return Task.FromResult(WeChatResult<WeChatPhoneNumber>.Fail(new WeChatError(WeChatErrorCodes.InvalidCode, "invalid code (development stand-in)", WeChatErrorKind.InvalidCode)));
        }

        // 138 0013 8xxx: a reserved-looking test range, stable per code.
        var digits = (SHA256.HashData(Encoding.UTF8.GetBytes(code))[0] % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        var pure = "13800138" + digits;
        return Task.FromResult(WeChatResult<WeChatPhoneNumber>.Ok(new WeChatPhoneNumber(pure, pure, "86")));
    }

    public Task<WeChatResult<bool>> SendSubscribeMessageAsync(SubscribeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (WeChatValidation.CheckSubscribeMessage(message) is { } problem)
        {
            return Task.FromResult(WeChatResult<bool>.Fail(new WeChatError(WeChatErrorCodes.ClientRejected, problem.Problem, WeChatErrorKind.Rejected) { Field = problem.Field }));
        }

        return Task.FromResult(WeChatResult<bool>.Ok(true));
    }

    public Task<WeChatResult<TextCheckResult>> CheckTextAsync(string openId, int scene, string content, CancellationToken ct) =>
        Task.FromResult(WeChatResult<TextCheckResult>.Ok(new TextCheckResult(NewTraceId(), TextCheckSuggest.Pass, 100)));

    public Task<WeChatResult<string>> CheckImageAsync(string openId, int scene, string mediaUrl, CancellationToken ct) =>
        Task.FromResult(WeChatResult<string>.Ok(NewTraceId()));

    public Task<WeChatResult<byte[]>> GetUnlimitedQrCodeAsync(string scene, string? page, int? width, CancellationToken ct)
    {
        var problem = WeChatValidation.CheckScene(scene) ?? WeChatValidation.CheckQrPage(page) ?? WeChatValidation.CheckQrWidth(width);
        if (problem is not null)
        {
            return Task.FromResult(WeChatResult<byte[]>.Fail(new WeChatError(WeChatErrorCodes.ClientRejected, problem, WeChatErrorKind.Rejected)));
        }

        // A real QR code of the scene (not a mini-program code), so the check-in flow can be tried by hand.
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(scene, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(Math.Max(1, (width ?? 430) / 33));
        return Task.FromResult(WeChatResult<byte[]>.Ok(png));
    }

    private static string NewTraceId() => "dev-trace-" + Guid.NewGuid().ToString("N");
}
