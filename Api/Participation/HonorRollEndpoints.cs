using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

public sealed record HonorRollEntry(int Rank, string Name, long Points);

public sealed record ParticipationStatistics(int ActiveResidents, long PointsEarned, int DeclarationsApproved, int HazardReportsClosed, int ArticlesCompleted);

public sealed record HonorRollResponse(Guid CommunityId, string CommunityName, string Month, IReadOnlyList<HonorRollEntry> Entries, ParticipationStatistics Statistics, DateTimeOffset GeneratedAt);

public static class HonorRollEndpoints
{
    public static void MapHonorRoll(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/public").WithTags("Public").AllowAnonymous();
        group.MapGet("/communities/{id:guid}/honor-roll", HonorRollAsync).WithName(nameof(HonorRollAsync))
            .WithSummary("公开查询：村社月度光荣榜（姓名脱敏，尊重不上榜选择）和参与统计");
    }

    public static async Task<Results<Ok<HonorRollResponse>, ProblemHttpResult, ValidationProblem>> HonorRollAsync(
        Guid id, string? month, PointsDbContext db, HybridCache cache, TimeProvider clock, IOptions<ParticipationOptions> options, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        int year, monthNumber;
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = ShanghaiTime.Today(now);
            (year, monthNumber) = (today.Year, today.Month);
        }
        else if (DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && parsed.Year >= 2000)
        {
            (year, monthNumber) = (parsed.Year, parsed.Month);
        }
        else
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM，例如 2026-11");
        }

        // Shared by every instance through Redis when configured. Nothing invalidates it: points are earned all the
        // time, so the board is allowed to be up to Participation:HonorRollCacheSeconds (60 s) old.
        var key = $"honor-roll:{id}:{year:D4}-{monthNumber:D2}";
        var lifetime = TimeSpan.FromSeconds(Math.Max(1, options.Value.HonorRollCacheSeconds));
        var size = options.Value.HonorRollSize;
        var response = await cache.GetOrCreateAsync(key, async token =>
        {
            var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, token);
            return community is null ? null : await BuildAsync(db, community.Id, community.Name, year, monthNumber, size, now, token);
        }, new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime }, cancellationToken: ct);
        if (response is null)
        {
            // An unknown community is not remembered: it may be created a moment later.
            await cache.RemoveAsync(key, ct);
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        return TypedResults.Ok(response);
    }

    /// <summary>Points earned (activities, declarations, hazard reports, learning; less reversals of those) in the Shanghai month.</summary>
    private static async Task<HonorRollResponse> BuildAsync(PointsDbContext db, Guid communityId, string communityName, int year, int month, int size, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = ShanghaiTime.Month(year, month);
        var reasons = EarningService.EarningReasons;
        // Points count where they were earned (the community each entry recorded), not where the resident lives now.
        var residents = db.Users.Where(u => u.Role == Role.Resident && u.IsActive);
        var wallets = db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet).Join(residents, a => a.OwnerId, u => u.Id, (a, u) => new { WalletId = a.Id, ResidentId = u.Id });
        var earned = await db.JournalEntries
            .Where(e => e.CommunityId == communityId && e.OccurredAt >= start && e.OccurredAt < end && reasons.Contains(e.Reason))
            .Join(wallets, e => e.CreditAccountId, w => w.WalletId, (e, w) => new { w.ResidentId, e.Points })
            .GroupBy(x => x.ResidentId).Select(g => new { ResidentId = g.Key, Points = g.Sum(x => x.Points) })
            .ToListAsync(ct);
        var reversed = await db.JournalEntries
            .Where(e => e.CommunityId == communityId && e.OccurredAt >= start && e.OccurredAt < end && e.Reason == TransferReason.Reversal && e.ReversesEntryId != null)
            .Join(db.JournalEntries.Where(o => reasons.Contains(o.Reason)), r => r.ReversesEntryId, o => o.Id, (r, o) => r)
            .Join(wallets, e => e.DebitAccountId, w => w.WalletId, (e, w) => new { w.ResidentId, e.Points })
            .GroupBy(x => x.ResidentId).Select(g => new { ResidentId = g.Key, Points = g.Sum(x => x.Points) })
            .ToListAsync(ct);
        var net = earned.ToDictionary(x => x.ResidentId, x => x.Points);
        foreach (var r in reversed)
        {
            net[r.ResidentId] = net.GetValueOrDefault(r.ResidentId) - r.Points;
        }

        var positive = net.Where(kv => kv.Value > 0).ToDictionary(kv => kv.Key, kv => kv.Value);
        var ids = positive.Keys.ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && !u.HonorRollOptOut)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var top = people.Select(p => (p.DisplayName, Points: positive[p.Id], p.Id))
            .OrderByDescending(x => x.Points).ThenBy(x => x.Id).Take(size).ToList();
        var ranks = HonorRanking.Ranks([.. top.Select(x => x.Points)]);
        var entries = top.Select((x, i) => new HonorRollEntry(ranks[i], Mask(x.DisplayName), x.Points)).ToList();

        var declarations = await db.Declarations.CountAsync(d => d.CommunityId == communityId && d.Status == DeclarationStatus.Approved && d.DecidedAt >= start && d.DecidedAt < end, ct);
        var hazards = await db.HazardReports.CountAsync(h => h.CommunityId == communityId && h.Status == HazardStatus.Closed && h.LastActionAt >= start && h.LastActionAt < end, ct);
        var articles = await db.ArticleReads.Where(r => r.CompletedAt >= start && r.CompletedAt < end)
            .Join(residents.Where(u => u.CommunityId == communityId), r => r.ResidentId, u => u.Id, (r, u) => r.Id).CountAsync(ct);
        var statistics = new ParticipationStatistics(positive.Count, positive.Values.Sum(), declarations, hazards, articles);
        return new HonorRollResponse(communityId, communityName, $"{year:D4}-{month:D2}", entries, statistics, now);
    }

    /// <summary>Keeps the surname only: 张伟 → 张*, 欧阳娜娜 → 欧*.</summary>
    public static string Mask(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            return "*";
        }

        var first = char.IsSurrogate(trimmed[0]) && trimmed.Length > 1 ? trimmed[..2] : trimmed[..1];
        return first + "*";
    }
}
