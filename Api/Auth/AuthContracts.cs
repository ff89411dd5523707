using System.ComponentModel.DataAnnotations;
using Points.Domain.Identity;

namespace Points.Api.Auth;

public sealed record WeChatLoginRequest(
    [property: Required(ErrorMessage = "缺少登录凭证 code")]
    [property: StringLength(128, ErrorMessage = "登录凭证 code 过长")]
    string Code,
    Guid? CommunityId = null);

public sealed record RefreshRequest(
    [property: Required(ErrorMessage = "缺少刷新令牌 refreshToken")]
    [property: StringLength(256, ErrorMessage = "刷新令牌过长")]
    string RefreshToken);

public sealed record StaffLoginRequest(
    [property: Required(ErrorMessage = "请输入用户名")]
    [property: StringLength(64, ErrorMessage = "用户名不能超过64个字符")]
    string Username,
    [property: Required(ErrorMessage = "请输入密码")]
    [property: StringLength(128, ErrorMessage = "密码不能超过128个字符")]
    string Password);

public sealed record ClientCredentialsRequest(
    [property: Required(ErrorMessage = "缺少 clientId")]
    [property: StringLength(64, ErrorMessage = "clientId 过长")]
    string ClientId,
    [property: Required(ErrorMessage = "缺少 clientSecret")]
    [property: StringLength(256, ErrorMessage = "clientSecret 过长")]
    string ClientSecret);

public sealed record DevTokenRequest(
    [property: Required(ErrorMessage = "缺少角色 role")]
    Role? Role,
    [property: Required(ErrorMessage = "缺少账户标识 subject")]
    [property: StringLength(64, MinimumLength = 1, ErrorMessage = "subject 长度须在1到64个字符之间")]
    string Subject);

public sealed record MeResponse(
    Guid Id,
    IReadOnlyList<string> Roles,
    string DisplayName,
    Guid? CommunityId,
    Guid? TownId,
    Guid? GridId,
    Guid? MerchantId,
    Guid? BankId,
    bool HonorRollOptOut,
    bool MustChangePassword = false)
{
    public static MeResponse From(UserAccount user) =>
        new(user.Id, [user.Role.ToString()], user.DisplayName, user.CommunityId, user.TownId, user.GridId, user.MerchantId, null, user.HonorRollOptOut, user.MustChangePassword);

    public static MeResponse From(BankClient bank) =>
        new(bank.Id, [nameof(Domain.Identity.Role.Bank)], bank.Name, null, null, null, null, bank.Id, false);
}

public sealed record TokenResponse(string AccessToken, string? RefreshToken, int ExpiresIn, MeResponse? Resident, MeResponse? Account)
{
    public string TokenType => "Bearer";

    /// <summary>The account signed in with an issued password and must change it (<c>POST /api/me/password</c>) before anything else.</summary>
    public bool PasswordChangeRequired => Account?.MustChangePassword == true;
}
