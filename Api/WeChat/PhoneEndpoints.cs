using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;

namespace Points.Api.WeChat;

public sealed record BindPhoneRequest(
    [property: Required(ErrorMessage = "缺少手机号授权码 code")]
    [property: StringLength(128, MinimumLength = 1, ErrorMessage = "手机号授权码 code 长度不正确")]
    string Code);

public sealed record BindLegacyPhoneRequest(
    [property: Required(ErrorMessage = "缺少加密数据 encryptedData")]
    [property: StringLength(8192, MinimumLength = 1, ErrorMessage = "加密数据 encryptedData 长度不正确")]
    string EncryptedData,
    [property: Required(ErrorMessage = "缺少初始向量 iv")]
    [property: StringLength(64, MinimumLength = 1, ErrorMessage = "初始向量 iv 长度不正确")]
    string Iv);

/// <summary>The bound phone, always masked (<c>138****5678</c>): the full number never leaves the server.</summary>
/// <remarks><see cref="Session"/>: present when the login moved onto a pre-registered record with history; the client signs in with it from now on.</remarks>
public sealed record PhoneResponse(string Phone, string? CountryCode, DateTimeOffset VerifiedAt, TokenResponse? Session = null);

/// <summary>
/// Residents bind the phone number WeChat verified: the phone button's code (getuserphonenumber), or the
/// legacy encryptedData decrypted with the session key of their latest login. The number is stored
/// encrypted (AES-GCM) with a keyed lookup hash that keeps one number on one account.
/// </summary>
public static partial class PhoneEndpoints
{
    public static RouteGroupBuilder MapPhone(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me/phone").WithTags("Me").RequireAuthorization(Policies.Resident).WithMetadata(Points.Api.Audit.ProxyRefused.Instance);
        group.MapGet("/", GetPhoneAsync).WithName(nameof(GetPhoneAsync)).WithSummary("我绑定的手机号（脱敏）");
        group.MapPost("/", BindPhoneAsync).WithName(nameof(BindPhoneAsync)).WithSummary("用手机号快速验证组件的 code 绑定手机号");
        group.MapPost("/legacy", BindLegacyPhoneAsync).WithName(nameof(BindLegacyPhoneAsync)).WithSummary("旧版：用 encryptedData + iv 绑定手机号（需最近一次登录的会话）");
        return group;
    }

    public static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> GetPhoneAsync(
        ClaimsPrincipal principal, PointsDbContext db, PersonalDataProtector protector, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        return user.PhoneVerifiedAt is { } at && protector.Unprotect(user.PhoneCipher, DataPurposes.Phone, user.Id) is { } phone
            ? TypedResults.Ok(new PhoneResponse(PhoneNumbers.Mask(phone), user.PhoneCountryCode, at.ToOffset(ShanghaiTime.Offset)))
            : Problems.NotFound("phone.not_bound", "尚未绑定手机号");
    }

    public static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> BindPhoneAsync(
        BindPhoneRequest request, ClaimsPrincipal principal, PointsDbContext db, IWeChatClient weChat, PersonalDataProtector protector, TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        var phone = await weChat.GetPhoneNumberAsync(request.Code, user.WeChatOpenId, ct);
        if (!phone.IsSuccess)
        {
            return Problems.From(PhoneCodeError(phone.Error));
        }

        return await BindAsync(db, protector, tokens, user, phone.Value.PurePhoneNumber, phone.Value.CountryCode, clock.GetUtcNow(), ct);
    }

    public static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> BindLegacyPhoneAsync(
        BindLegacyPhoneRequest request, ClaimsPrincipal principal, PointsDbContext db, PersonalDataProtector protector,
        IOptions<WeChatOptions> options, TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        if (protector.Unprotect(user.SessionKeyCipher, DataPurposes.WeChatSessionKey, user.Id) is not { } sessionKey)
        {
            return Problems.From(new DomainError("wechat.session_missing", "请重新登录后再绑定手机号", ErrorKind.Unauthorized));
        }

        var now = clock.GetUtcNow();
        var decrypted = WeChatCrypto.DecryptUserData(request.EncryptedData, sessionKey, request.Iv, options.Value.AppId, now, options.Value.UserDataMaxAge);
        if (!decrypted.IsSuccess)
        {
            return Problems.From(decrypted.Error switch
            {
                { Kind: WeChatErrorKind.SessionStale } => new DomainError("wechat.session_stale", "登录状态已变化，请重新登录", ErrorKind.Unauthorized),
                { ErrCode: WeChatErrorCodes.ClientWatermarkMismatch } => DomainError.Validation("wechat.watermark_invalid", "数据不属于本小程序"),
                { ErrCode: WeChatErrorCodes.ClientWatermarkStale } => DomainError.Validation("wechat.data_stale", "授权数据已过期，请重新授权"),
                _ => DomainError.Validation("wechat.data_invalid", "加密数据格式不正确"),
            });
        }

        string? pure, countryCode, openId;
        using (var document = JsonDocument.Parse(decrypted.Value.Json))
        {
            var root = document.RootElement;
            pure = Text(root, "purePhoneNumber") ?? Text(root, "phoneNumber");
            countryCode = Text(root, "countryCode");
            openId = Text(root, "openId");
        }

        // Data decrypted with this user's session key is theirs; an openId inside it must agree all the same.
        if (openId is not null && !string.Equals(openId, user.WeChatOpenId, StringComparison.Ordinal))
        {
            return Problems.From(DomainError.Forbidden("wechat.data_not_yours", "数据不属于当前用户"));
        }

        if (string.IsNullOrWhiteSpace(pure))
        {
            return Problems.From(DomainError.Unprocessable("phone.not_in_data", "授权数据中没有手机号"));
        }

        return await BindAsync(db, protector, tokens, user, pure, countryCode ?? "86", now, ct);
    }

    private static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> BindAsync(
        PointsDbContext db, PersonalDataProtector protector, TokenService tokens, UserAccount user, string purePhone, string countryCode, DateTimeOffset now, CancellationToken ct)
    {
        var pure = purePhone.Trim();
        if (pure.Length is < 5 or > 20 || !pure.All(char.IsAsciiDigit))
        {
            return Problems.From(DomainError.Unprocessable("phone.invalid", "手机号格式不正确"));
        }

        var hash = protector.LookupHash(DataPurposes.Phone, $"{countryCode}:{pure}");
        var holder = await db.Users.FirstOrDefaultAsync(u => u.PhoneHash == hash && u.Id != user.Id, ct);
        if (holder is not null)
        {
            return await ClaimAsync(db, protector, tokens, user, holder, pure, hash, countryCode, now, ct);
        }

        var bound = user.BindPhone(protector.Protect(pure, DataPurposes.Phone, user.Id), hash, countryCode, now);
        if (!bound.IsSuccess)
        {
            return Problems.From(bound.Error);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            return Problems.From(PhoneBoundElsewhere);
        }

        return TypedResults.Ok(new PhoneResponse(PhoneNumbers.Mask(pure), user.PhoneCountryCode, now.ToOffset(ShanghaiTime.Offset)));
    }

    private static DomainError PhoneCodeError(WeChatError error) => error.Kind switch
    {
        WeChatErrorKind.InvalidCode => DomainError.Validation("wechat.phone_code_invalid", "手机号授权码无效，请重新点击授权按钮"),
        WeChatErrorKind.CodeUsed => DomainError.Validation("wechat.phone_code_used", "手机号授权码已被使用，请重新授权"),
        WeChatErrorKind.RateLimited => new DomainError("wechat.rate_limited", "操作过于频繁，请稍后再试", ErrorKind.TooManyRequests),
        WeChatErrorKind.Rejected => DomainError.Validation("wechat.phone_code_invalid", "手机号授权码无效，请重新点击授权按钮"),
        _ when error.ErrCode == WeChatErrorCodes.ClientWatermarkMismatch => DomainError.Unprocessable("wechat.watermark_invalid", "手机号数据不属于本小程序"),
        _ => new DomainError("wechat.unavailable", "微信服务暂时繁忙，请稍后再试", ErrorKind.Unavailable),
    };

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
