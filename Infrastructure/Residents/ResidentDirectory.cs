using Microsoft.EntityFrameworkCore;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Residents;

/// <summary>A resident as staff see them in a list: the phone masked, where they belong by name.</summary>
public sealed record ResidentSummary(Guid Id, string DisplayName, string? PhoneMasked, Guid? CommunityId, string? CommunityName, Guid? GridId, string? GridName, bool IsActive);

public sealed record ResidentSignUpSummary(Guid ActivityId, string Title, DateTimeOffset StartsAt, SignUpStatus Status, int Points);

/// <summary>One resident opened by staff: balance and recent entries, sign-ups, declarations and the latest credit profile.</summary>
public sealed record ResidentDetail(ResidentSummary Resident, WalletPage Wallet, IReadOnlyList<ResidentSignUpSummary> SignUps,
    IReadOnlyList<Declaration> Declarations, Domain.Credit.CreditProfile? Credit);

public sealed record ResidentSearch(string? Text, Guid? CommunityId, Guid? GridId, int Skip, int Take);

/// <summary>
/// Staff find residents (by name or full phone number) in the communities they administer, and open one. Community
/// staff see their community; town staff and admins their town.
/// </summary>
public sealed class ResidentDirectory(PointsDbContext db, PersonalDataProtector protector, LedgerReports reports)
{
    public static readonly DomainError CommunityOutOfScope = DomainError.Forbidden("residents.out_of_scope", "只能查看本村社的居民");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("residents.out_of_scope", "只能查看本村社（镇街）的居民");
    public static readonly DomainError NotFound = DomainError.NotFound("resident.not_found", "居民不存在");

    public async Task<Result<(IReadOnlyList<ResidentSummary> Items, int Total)>> SearchAsync(Actor me, ResidentSearch search, CancellationToken ct)
    {
        if (search.CommunityId is { } wanted && me.Role == Role.CommunityStaff && wanted != me.CommunityId)
        {
            return CommunityOutOfScope;
        }

        var query = db.Users.AsNoTracking().Where(u => u.Role == Role.Resident && u.TownId == me.TownId);
        if (me.Role == Role.CommunityStaff)
        {
            query = query.Where(u => u.CommunityId == me.CommunityId);
        }
        else if (me.Role == Role.GridWorker)
        {
            // a grid worker finds the residents of the grids they are assigned to (for proxy work), nobody else
            var grids = await Participation.HazardRouting.GridsOfAsync(db, me.Id, ct);
            query = query.Where(u => u.GridId != null && grids.Contains(u.GridId.Value));
        }

        if (search.CommunityId is { } c)
        {
            query = query.Where(u => u.CommunityId == c);
        }

        if (search.GridId is { } g)
        {
            query = query.Where(u => u.GridId == g);
        }

        var text = search.Text?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            if (text.Length is >= 5 and <= 20 && text.All(char.IsAsciiDigit))
            {
                var hash = protector.LookupHash(DataPurposes.Phone, $"86:{text}");
                query = query.Where(u => u.PhoneHash == hash);
            }
            else
            {
                query = query.Where(u => u.DisplayName.Contains(text));
            }
        }

        var total = await query.CountAsync(ct);
        var users = await query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Skip(search.Skip).Take(search.Take).ToListAsync(ct);
        return (await DescribeAsync(users, ct), total);
    }

    public async Task<Result<ResidentDetail>> DetailAsync(Actor me, Guid id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.Role == Role.Resident, ct);
        if (user is null)
        {
            return NotFound;
        }

        if (user.CommunityId is not { } communityId || !me.CanAdminister(user.TownId, communityId))
        {
            return OutOfScope;
        }

        var wallet = await reports.WalletAsync(id, null, 50, ct);
        var signUps = await db.SignUps.AsNoTracking().Where(s => s.ResidentId == id)
            .Join(db.Activities.AsNoTracking(), s => s.ActivityId, a => a.Id, (s, a) => new { s.Status, a.Id, a.Title, a.StartsAt, a.Points })
            .OrderByDescending(x => x.StartsAt).Take(50).ToListAsync(ct);
        var declarations = await db.Declarations.AsNoTracking().Where(d => d.ResidentId == id).OrderByDescending(d => d.SubmittedAt).Take(50).ToListAsync(ct);
        var credit = await db.CreditProfiles.AsNoTracking().Where(p => p.ResidentId == id).OrderByDescending(p => p.ComputedAt).FirstOrDefaultAsync(ct);
        return new ResidentDetail((await DescribeAsync([user], ct))[0], wallet,
            [.. signUps.Select(s => new ResidentSignUpSummary(s.Id, s.Title, s.StartsAt, s.Status, s.Points))], declarations, credit);
    }

    /// <summary>Residents as a list shows them: phone masked, community and grid by name.</summary>
    public async Task<List<ResidentSummary>> DescribeAsync(IReadOnlyList<UserAccount> users, CancellationToken ct)
    {
        var communityIds = users.Where(u => u.CommunityId is not null).Select(u => u.CommunityId!.Value).Distinct().ToList();
        var communities = await db.Communities.AsNoTracking().Where(c => communityIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var gridIds = users.Where(u => u.GridId is not null).Select(u => u.GridId!.Value).Distinct().ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => gridIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return [.. users.Select(u => new ResidentSummary(
            u.Id, u.DisplayName,
            u.PhoneVerifiedAt is not null && protector.Unprotect(u.PhoneCipher, DataPurposes.Phone, u.Id) is { } phone ? PhoneNumbers.Mask(phone) : null,
            u.CommunityId, u.CommunityId is { } c ? communities.GetValueOrDefault(c) : null,
            u.GridId, u.GridId is { } g ? grids.GetValueOrDefault(g) : null,
            u.IsActive))];
    }
}
