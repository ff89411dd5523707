using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Infrastructure.Administration;
using Points.Infrastructure.Persistence;

namespace Points.Api.Administration;

/// <summary>
/// Staff accounts of a town (admins and town staff; only admins manage admins), and every password holder's own
/// password change, which an issued (one-time) password requires before anything else.
/// </summary>
public static class StaffEndpoints
{
    public static void MapStaff(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff").WithTags("Administration").RequireAuthorization(Policies.TownStaff);
        group.MapGet("/", ListStaffAsync).WithName(nameof(ListStaffAsync)).WithSummary("本镇街工作人员账户（可按角色、村社、关键字筛选，分页）");
        group.MapPost("/", CreateStaffAsync).WithName(nameof(CreateStaffAsync)).WithSummary("新建工作人员账户：返回一次性密码（仅显示这一次，首次登录须修改）");
        group.MapPatch("/{id:guid}", UpdateStaffAsync).WithName(nameof(UpdateStaffAsync)).WithSummary("修改姓名、角色与所属村社，停用（active: false）或恢复账户");
        group.MapPost("/{id:guid}/reset-password", ResetPasswordAsync).WithName(nameof(ResetPasswordAsync))
            .WithSummary("重置密码：返回一次性密码（仅显示这一次，首次登录须修改），原有登录全部失效");

        app.MapPost("/api/me/password", ChangeMyPasswordAsync).WithTags("Me").RequireAuthorization()
            .WithName(nameof(ChangeMyPasswordAsync)).WithSummary("修改自己的密码（一次性密码登录后必须先修改）；返回新的登录令牌");
    }

    public static async Task<Results<Ok<PageResponse<StaffResponse>>, ProblemHttpResult, ValidationProblem>> ListStaffAsync(
        ClaimsPrincipal principal, StaffAdministration staff, CancellationToken ct,
        Role? role = null, Guid? community = null, string? q = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out _, out var invalid))
        {
            return invalid!;
        }

        if (Actor(principal) is not { } actor)
        {
            return Problems.Forbidden();
        }

        var list = await staff.ListAsync(actor, role, community, q, page, pageSize, ct);
        return TypedResults.Ok(new PageResponse<StaffResponse>(list.Items.Select(s => new StaffResponse(s.Id, s.Username, s.DisplayName, s.Role, s.TownId, s.CommunityId,
            s.MerchantId, s.IsActive, s.MustChangePassword, s.CreatedAt)).ToList(), list.Page, list.PageSize, list.Total));
    }

    public static async Task<Results<Created<IssuedPasswordResponse>, ProblemHttpResult, ValidationProblem>> CreateStaffAsync(
        CreateStaffRequest request, ClaimsPrincipal principal, StaffAdministration staff, CancellationToken ct)
    {
        if (Actor(principal) is not { } actor)
        {
            return Problems.Forbidden();
        }

        var created = await staff.CreateAsync(actor, request.Username, request.DisplayName, request.Role!.Value, request.CommunityId, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        return TypedResults.Created($"/api/staff/{created.Value.Account.Id}", new IssuedPasswordResponse(StaffResponse.From(created.Value.Account), created.Value.OneTimePassword));
    }

    public static async Task<Results<Ok<StaffResponse>, ProblemHttpResult, ValidationProblem>> UpdateStaffAsync(
        Guid id, UpdateStaffRequest request, ClaimsPrincipal principal, StaffAdministration staff, CancellationToken ct)
    {
        if (Actor(principal) is not { } actor)
        {
            return Problems.Forbidden();
        }

        var updated = await staff.UpdateAsync(actor, id, new StaffChange(request.DisplayName, request.Role, request.CommunityId, request.Active), ct);
        return updated.IsSuccess ? TypedResults.Ok(StaffResponse.From(updated.Value)) : Problems.From(updated.Error);
    }

    public static async Task<Results<Ok<IssuedPasswordResponse>, ProblemHttpResult>> ResetPasswordAsync(
        Guid id, ClaimsPrincipal principal, StaffAdministration staff, CancellationToken ct)
    {
        if (Actor(principal) is not { } actor)
        {
            return Problems.Forbidden();
        }

        var reset = await staff.ResetPasswordAsync(actor, id, ct);
        return reset.IsSuccess
            ? TypedResults.Ok(new IssuedPasswordResponse(StaffResponse.From(reset.Value.Account), reset.Value.OneTimePassword))
            : Problems.From(reset.Error);
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> ChangeMyPasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, StaffAdministration staff, PointsDbContext db, TokenService tokens, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.Role is Role.Resident or Role.Bank)
        {
            return Problems.From(AdministrationErrors.NoPassword);
        }

        var changed = await staff.ChangeOwnPasswordAsync(me.Id, request.CurrentPassword!, request.NewPassword!, ct);
        if (!changed.IsSuccess)
        {
            return changed.Error.Kind == Domain.Common.ErrorKind.Validation
                ? Problems.Validation(changed.Error.Code == AdministrationErrors.CurrentPasswordWrong.Code ? "currentPassword" : "newPassword", changed.Error)
                : Problems.From(changed.Error);
        }

        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == me.Id, ct);
        var issued = await tokens.IssueAsync(db, user, ct);
        return TypedResults.Ok(new TokenResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresIn, null, MeResponse.From(user)));
    }

    /// <summary>Town staff and admins administer their own town.</summary>
    public static Administrator? Actor(ClaimsPrincipal principal)
    {
        var me = principal.Me();
        return me.TownId is { } town && me.Role is Role.TownStaff or Role.Admin ? new Administrator(me.Id, me.Role, town) : null;
    }
}
