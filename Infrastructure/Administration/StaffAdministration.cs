using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>Who is administering: their id, role and town (from the access token).</summary>
public sealed record Administrator(Guid Id, Role Role, Guid TownId);

public sealed record StaffRow(Guid Id, string Username, string DisplayName, Role Role, Guid TownId, Guid? CommunityId, Guid? MerchantId, bool IsActive, bool MustChangePassword, DateTimeOffset CreatedAt);

/// <summary>An account with the password issued to it, shown once and never stored in the clear.</summary>
public sealed record IssuedPassword(UserAccount Account, string OneTimePassword);

public sealed record StaffChange(string? DisplayName, Role? Role, Guid? CommunityId, bool? Active);

/// <summary>
/// Password accounts of a town: staff (community, town, admin) and merchant operators. Every issued password is
/// shown once and must be changed at the first sign-in; a reset, a retirement or a role change ends the account's
/// sessions (its refresh tokens are revoked).
/// </summary>
public sealed class StaffAdministration(PointsDbContext db, TimeProvider clock)
{
    public async Task<Paged<StaffRow>> ListAsync(Administrator actor, Role? role, Guid? communityId, string? q, int page, int pageSize, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking().Where(u => u.TownId == actor.TownId && u.Username != null);
        query = role is { } r ? query.Where(u => u.Role == r) : query.Where(u => u.Role == Role.CommunityStaff || u.Role == Role.TownStaff || u.Role == Role.Admin || u.Role == Role.GridWorker);
        if (communityId is { } community)
        {
            query = query.Where(u => u.CommunityId == community);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            query = query.Where(u => u.Username!.Contains(text) || u.DisplayName.Contains(text));
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(u => u.Username).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(u => new StaffRow(u.Id, u.Username!, u.DisplayName, u.Role, u.TownId, u.CommunityId, u.MerchantId, u.IsActive, u.MustChangePassword, u.CreatedAt))
            .ToListAsync(ct);
        return new Paged<StaffRow>(items, page, pageSize, total);
    }

    public async Task<Result<IssuedPassword>> CreateAsync(Administrator actor, string? username, string? displayName, Role role, Guid? communityId, CancellationToken ct)
    {
        if (!StaffPolicy.IsAccountRole(role))
        {
            return StaffPolicy.NotStaff;
        }

        if (!StaffPolicy.CanManage(actor.Role, role))
        {
            return StaffPolicy.RoleNotAllowed;
        }

        if (await CheckScopeAsync(actor, role, communityId, ct) is { } scopeError)
        {
            return scopeError;
        }

        return await AddAccountAsync(actor.TownId, username, displayName, role, role == Role.CommunityStaff ? communityId : null, null, ct);
    }

    /// <summary>Creates a password account (staff or merchant operator) with a one-time password.</summary>
    internal async Task<Result<IssuedPassword>> AddAccountAsync(Guid townId, string? username, string? displayName, Role role, Guid? communityId, Guid? merchantId, CancellationToken ct)
    {
        if (StaffPolicy.CheckUsername(username) is { } invalid)
        {
            return invalid;
        }

        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > UserAccount.DisplayNameMaxLength)
        {
            return DomainError.Validation("staff.display_name_invalid", "姓名不能为空且不超过32个字");
        }

        if (await db.Users.AnyAsync(u => u.Username == username, ct))
        {
            return StaffPolicy.UsernameTaken;
        }

        var password = SecretHasher.NewOneTimePassword();
        var account = UserAccount.NewStaff(Guid.CreateVersion7(), role, username!, SecretHasher.Hash(password), displayName.Trim(), townId, communityId, merchantId, clock.GetUtcNow());
        account.IssueOneTimePassword(account.PasswordHash!);
        db.Users.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return StaffPolicy.UsernameTaken;
        }

        return new IssuedPassword(account, password);
    }

    public async Task<Result<UserAccount>> UpdateAsync(Administrator actor, Guid id, StaffChange change, CancellationToken ct)
    {
        var account = await FindManagedAsync(actor, id, ct);
        if (!account.IsSuccess)
        {
            return account;
        }

        var user = account.Value;
        var roleChanges = (change.Role is { } newRole && newRole != user.Role) || (change.CommunityId is { } c && c != user.CommunityId);
        if (id == actor.Id && (roleChanges || change.Active == false))
        {
            return StaffPolicy.SelfChange;
        }

        if (change.DisplayName is not null)
        {
            var renamed = user.Rename(change.DisplayName);
            if (!renamed.IsSuccess)
            {
                return DomainError.Validation("staff.display_name_invalid", "姓名不能为空且不超过32个字");
            }
        }

        var endSessions = false;
        if (roleChanges)
        {
            var role = change.Role ?? user.Role;
            if (!StaffPolicy.CanManage(actor.Role, role))
            {
                return StaffPolicy.RoleNotAllowed;
            }

            var community = role == Role.CommunityStaff ? change.CommunityId ?? user.CommunityId : null;
            if (await CheckScopeAsync(actor, role, community, ct) is { } scopeError)
            {
                return scopeError;
            }

            var wasWorker = user.Role == Role.GridWorker;
            var assigned = user.AssignStaffRole(role, community);
            if (!assigned.IsSuccess)
            {
                return assigned;
            }

            // A worker who becomes staff leaves their grids (tracked deletes, so each leaves its audit row).
            if (wasWorker && role != Role.GridWorker)
            {
                db.GridAssignments.RemoveRange(await db.GridAssignments.Where(a => a.WorkerId == user.Id).ToListAsync(ct));
            }

            endSessions = true;
        }

        if (change.Active is { } active && active != user.IsActive)
        {
            if (active)
            {
                user.Reinstate();
            }
            else
            {
                user.Retire();
                endSessions = true;
            }
        }

        await db.SaveChangesAsync(ct);
        if (endSessions)
        {
            await RevokeSessionsAsync(user.Id, ct);
        }

        return user;
    }

    public async Task<Result<IssuedPassword>> ResetPasswordAsync(Administrator actor, Guid id, CancellationToken ct)
    {
        var account = await FindManagedAsync(actor, id, ct);
        if (!account.IsSuccess)
        {
            return account.Error;
        }

        var password = SecretHasher.NewOneTimePassword();
        account.Value.IssueOneTimePassword(SecretHasher.Hash(password));
        await db.SaveChangesAsync(ct);
        await RevokeSessionsAsync(id, ct);
        return new IssuedPassword(account.Value, password);
    }

    /// <summary>The holder changes their own password: the current one must match, the new one meet the policy and differ.</summary>
    public async Task<Result<UserAccount>> ChangeOwnPasswordAsync(Guid userId, string current, string next, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return AdministrationErrors.StaffNotFound;
        }

        if (user.PasswordHash is null)
        {
            return AdministrationErrors.NoPassword;
        }

        if (!SecretHasher.Verify(current, user.PasswordHash))
        {
            return AdministrationErrors.CurrentPasswordWrong;
        }

        if (PasswordPolicy.Check(next) is { } weak)
        {
            return weak;
        }

        if (next == current)
        {
            return PasswordPolicy.Unchanged;
        }

        user.ChangePassword(SecretHasher.Hash(next));
        await db.SaveChangesAsync(ct);
        await RevokeSessionsAsync(userId, ct);
        return user;
    }

    private async Task<Result<UserAccount>> FindManagedAsync(Administrator actor, Guid id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id && u.Username != null, ct);
        if (user is null || (user.Role is not (Role.CommunityStaff or Role.TownStaff or Role.Admin or Role.Merchant or Role.GridWorker)))
        {
            return AdministrationErrors.StaffNotFound;
        }

        if (user.TownId != actor.TownId)
        {
            return AdministrationErrors.OutOfScope;
        }

        return StaffPolicy.CanManage(actor.Role, user.Role) ? user : StaffPolicy.RoleNotAllowed;
    }

    private async Task<DomainError?> CheckScopeAsync(Administrator actor, Role role, Guid? communityId, CancellationToken ct)
    {
        if (role != Role.CommunityStaff)
        {
            return null;
        }

        if (communityId is not { } id)
        {
            return StaffPolicy.CommunityRequired;
        }

        var community = await db.Communities.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.TownId, c.RetiredAt }).FirstOrDefaultAsync(ct);
        if (community is null || community.RetiredAt is not null)
        {
            return DomainError.Validation("staff.community_invalid", "所选村社不存在或已撤销");
        }

        return community.TownId == actor.TownId ? null : AdministrationErrors.OutOfScope;
    }

    private Task<int> RevokeSessionsAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokenFamilies.Where(f => f.UserId == userId && f.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(f => f.RevokedAt, now), ct);
    }
}
