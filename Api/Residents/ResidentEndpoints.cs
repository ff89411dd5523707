using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Identity;

namespace Points.Api.Residents;

public sealed record ResidentListItem(Guid Id, string DisplayName, string? PhoneMasked, Guid? CommunityId, string? CommunityName, Guid? GridId, string? GridName, bool IsActive);

public sealed record ResidentPage(IReadOnlyList<ResidentListItem> Items, int Page, int PageSize, int Total);

public sealed record ResidentEntryResponse(Guid Id, long Points, TransferReason Reason, string? Note, DateTimeOffset At);

public sealed record ResidentSignUpResponse(Guid ActivityId, string Title, DateTimeOffset StartsAt, SignUpStatus Status, int Points);

public sealed record ResidentDeclarationResponse(Guid Id, DeclarationCategory Category, string Text, DeclarationStatus Status, int? AwardedPoints, DateTimeOffset SubmittedAt);

public sealed record ResidentCreditResponse(int Score, string Tier, string Band, DateTimeOffset AsOf);

public sealed record ResidentDetailResponse(
    ResidentListItem Resident, long Balance, IReadOnlyList<ResidentEntryResponse> Entries, IReadOnlyList<ResidentSignUpResponse> SignUps,
    IReadOnlyList<ResidentDeclarationResponse> Declarations, ResidentCreditResponse? Credit);

/// <summary>Staff find residents (by name or full phone number) in the communities they administer, and open one.</summary>
public static class ResidentEndpoints
{
    public const int PageSize = 20;

    public static void MapResidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/residents").WithTags("Residents").RequireAuthorization(Policies.Staff);
        group.MapGet("/", SearchResidentsAsync).WithName(nameof(SearchResidentsAsync))
            .WithSummary("查找居民：q 为姓名（包含）或完整手机号；可按村社、网格筛选；每页20条，只含本村社（镇街）");
        group.MapGet("/{id:guid}", GetResidentAsync).WithName(nameof(GetResidentAsync))
            .WithSummary("居民概况：积分余额与最近明细、报名、申报、信用等级");
    }

    public static async Task<Results<Ok<ResidentPage>, ProblemHttpResult, ValidationProblem>> SearchResidentsAsync(
        ClaimsPrincipal principal, PointsDbContext db, PersonalDataProtector protector, CancellationToken ct,
        string? q = null, Guid? community = null, Guid? grid = null, int page = 1)
    {
        if (!Paging.TryCreate(page, PageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        if (q is { Length: > UserAccount.DisplayNameMaxLength })
        {
            return Problems.Validation("q", "搜索内容不能超过32个字");
        }

        var me = principal.Me();
        if (community is { } wanted && me.Role == Role.CommunityStaff && wanted != me.CommunityId)
        {
            return Problems.Forbidden("residents.out_of_scope", "只能查看本村社的居民");
        }

        var query = Scoped(db, me);
        if (community is { } c)
        {
            query = query.Where(u => u.CommunityId == c);
        }

        if (grid is { } g)
        {
            query = query.Where(u => u.GridId == g);
        }

        var text = q?.Trim();
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
        var users = await query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var items = await DescribeAsync(db, protector, users, ct);
        return TypedResults.Ok(new ResidentPage(items, page, PageSize, total));
    }

    public static async Task<Results<Ok<ResidentDetailResponse>, ProblemHttpResult>> GetResidentAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, PersonalDataProtector protector, LedgerReports reports, CancellationToken ct)
    {
        var me = principal.Me();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.Role == Role.Resident, ct);
        if (user is null)
        {
            return Problems.NotFound("resident.not_found", "居民不存在");
        }

        if (user.CommunityId is not { } communityId || !me.CanAdminister(user.TownId, communityId))
        {
            return Problems.Forbidden("residents.out_of_scope", "只能查看本村社（镇街）的居民");
        }

        var wallet = await reports.WalletAsync(id, null, 50, ct);
        var signUps = await db.SignUps.AsNoTracking().Where(s => s.ResidentId == id)
            .Join(db.Activities.AsNoTracking(), s => s.ActivityId, a => a.Id, (s, a) => new { s.Status, a.Id, a.Title, a.StartsAt, a.Points })
            .OrderByDescending(x => x.StartsAt).Take(50).ToListAsync(ct);
        var declarations = await db.Declarations.AsNoTracking().Where(d => d.ResidentId == id).OrderByDescending(d => d.SubmittedAt).Take(50).ToListAsync(ct);
        var credit = await db.CreditProfiles.AsNoTracking().Where(p => p.ResidentId == id).OrderByDescending(p => p.ComputedAt).FirstOrDefaultAsync(ct);
        var described = (await DescribeAsync(db, protector, [user], ct))[0];
        return TypedResults.Ok(new ResidentDetailResponse(
            described,
            wallet.Balance,
            wallet.Entries.Select(e => new ResidentEntryResponse(e.Id, e.Points, e.Reason, e.Note, ShanghaiTime.ToShanghai(e.At))).ToList(),
            signUps.Select(s => new ResidentSignUpResponse(s.Id, s.Title, s.StartsAt, s.Status, s.Points)).ToList(),
            declarations.Select(d => new ResidentDeclarationResponse(d.Id, d.Category, d.Text, d.Status, d.AwardedPoints, d.SubmittedAt)).ToList(),
            credit is null ? null : new ResidentCreditResponse(credit.Score, credit.Tier, credit.Band, credit.AsOf)));
    }

    private static IQueryable<UserAccount> Scoped(PointsDbContext db, CurrentUser me)
    {
        var query = db.Users.AsNoTracking().Where(u => u.Role == Role.Resident && u.TownId == me.TownId);
        return me.Role == Role.CommunityStaff ? query.Where(u => u.CommunityId == me.CommunityId) : query;
    }

    private static async Task<List<ResidentListItem>> DescribeAsync(PointsDbContext db, PersonalDataProtector protector, IReadOnlyList<UserAccount> users, CancellationToken ct)
    {
        var communityIds = users.Where(u => u.CommunityId is not null).Select(u => u.CommunityId!.Value).Distinct().ToList();
        var communities = await db.Communities.AsNoTracking().Where(c => communityIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var gridIds = users.Where(u => u.GridId is not null).Select(u => u.GridId!.Value).Distinct().ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => gridIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return users.Select(u => new ResidentListItem(
            u.Id, u.DisplayName,
            u.PhoneVerifiedAt is not null && protector.Unprotect(u.PhoneCipher, DataPurposes.Phone, u.Id) is { } phone ? PhoneNumbers.Mask(phone) : null,
            u.CommunityId, u.CommunityId is { } c ? communities.GetValueOrDefault(c) : null,
            u.GridId, u.GridId is { } g ? grids.GetValueOrDefault(g) : null,
            u.IsActive)).ToList();
    }
}
