using Points.Domain.Common;

namespace Points.Domain.Identity;

/// <summary>
/// Who may administer which password accounts. Town staff manage community staff, town staff and merchant
/// operators of their town; only admins manage admins, so nobody raises themselves above their own role.
/// </summary>
public static class StaffPolicy
{
    public const int UsernameMinLength = 3;

    public static readonly DomainError NotStaff = DomainError.Validation("staff.role_invalid", "角色须为 CommunityStaff、TownStaff、Admin 或 GridWorker");
    public static readonly DomainError CommunityRequired = DomainError.Validation("staff.community_required", "村社工作人员须指定所属村社");
    public static readonly DomainError RoleNotAllowed = DomainError.Forbidden("staff.role_not_allowed", "无权设置或管理该角色的账户");
    public static readonly DomainError SelfChange = DomainError.Conflict("staff.self_change", "不能修改自己的角色或停用自己的账户");
    public static readonly DomainError UsernameInvalid = DomainError.Validation("staff.username_invalid", "用户名须为3到64位小写字母、数字、点、下划线或连字符");
    public static readonly DomainError UsernameTaken = DomainError.Conflict("staff.username_taken", "用户名已被使用");

    public static bool IsStaffRole(Role role) => role is Role.CommunityStaff or Role.TownStaff or Role.Admin;

    /// <summary>The password accounts <c>POST /api/staff</c> creates: staff, and grid workers (town-level, assigned to grids afterwards).</summary>
    public static bool IsAccountRole(Role role) => IsStaffRole(role) || role == Role.GridWorker;

    /// <summary>Whether an account with role <paramref name="actor"/> may create, change or reset an account with role <paramref name="target"/>.</summary>
    public static bool CanManage(Role actor, Role target) => actor switch
    {
        Role.Admin => target is Role.CommunityStaff or Role.TownStaff or Role.Admin or Role.Merchant or Role.GridWorker,
        Role.TownStaff => target is Role.CommunityStaff or Role.TownStaff or Role.Merchant or Role.GridWorker,
        _ => false,
    };

    public static DomainError? CheckUsername(string? username) =>
        username is { Length: >= UsernameMinLength and <= UserAccount.UsernameMaxLength }
        && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-')
            ? null
            : UsernameInvalid;
}

/// <summary>What a password chosen by its holder must be: 8 to 128 characters with at least one letter and one digit.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static readonly DomainError TooWeak = DomainError.Validation("password.too_weak", "新密码须为8到128位，且同时包含字母和数字");
    public static readonly DomainError Unchanged = DomainError.Validation("password.unchanged", "新密码不能与当前密码相同");

    public static DomainError? Check(string? password) =>
        password is { Length: >= MinLength and <= MaxLength } && password.Any(char.IsAsciiLetter) && password.Any(char.IsAsciiDigit)
            ? null
            : TooWeak;
}
