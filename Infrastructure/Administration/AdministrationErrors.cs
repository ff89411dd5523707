using Points.Domain.Common;

namespace Points.Infrastructure.Administration;

public static class AdministrationErrors
{
    public static readonly DomainError OutOfScope = DomainError.Forbidden("region.out_of_scope", "只能管理本镇街");
    public static readonly DomainError TownNotFound = DomainError.NotFound("town.not_found", "镇街不存在");
    public static readonly DomainError CommunityNotFound = DomainError.NotFound("community.not_found", "村社不存在");
    public static readonly DomainError GridNotFound = DomainError.NotFound("grid.not_found", "网格不存在");
    public static readonly DomainError CommunityNameTaken = DomainError.Conflict("community.name_taken", "本镇街已有同名村社");
    public static readonly DomainError GridNameTaken = DomainError.Conflict("grid.name_taken", "该村社已有同名网格");
    public static readonly DomainError CommunityRetired = DomainError.Conflict("community.retired", "该村社已撤销");
    public static readonly DomainError StaffNotFound = DomainError.NotFound("staff.not_found", "账户不存在");
    public static readonly DomainError MerchantNotFound = DomainError.NotFound("merchant.not_found", "商户不存在");
    public static readonly DomainError BankClientNotFound = DomainError.NotFound("bank_client.not_found", "银行客户端不存在");
    public static readonly DomainError BankClientIdTaken = DomainError.Conflict("bank_client.client_id_taken", "clientId 已被使用");
    public static readonly DomainError CurrentPasswordWrong = DomainError.Validation("password.current_invalid", "当前密码不正确");
    public static readonly DomainError NoPassword = DomainError.Forbidden("password.not_applicable", "该账户不使用密码登录");
}

/// <summary>One page of a list: the rows, the page number (from 1), its size and the total number of rows.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
