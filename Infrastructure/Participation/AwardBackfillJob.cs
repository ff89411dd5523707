using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Ledger;
using Points.Domain.Mediation;
using Points.Domain.Participation;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Mediation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>
/// An approval commits before its award is posted (the ledger has its own transaction), so a crash
/// in between would leave an approved declaration or a closed hazard report unpaid. This job finds
/// recent decisions whose award key has no journal entry and posts them with the same key; the key
/// keeps it idempotent against the request that may still be finishing.
/// </summary>
public sealed class AwardBackfillJob(TimeProvider clock) : IntervalJob
{
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(7);
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public override string Name => "participation-award-backfill";

    public override TimeSpan Interval => TimeSpan.FromMinutes(5);

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        await BackfillAsync(services.GetRequiredService<PointsDbContext>(), services.GetRequiredService<EarningService>(), ct);

    public async Task<int> BackfillAsync(PointsDbContext db, EarningService earning, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var from = now - LookBack;
        var settled = now - Grace;

        var declarations = await db.Declarations.AsNoTracking()
            .Where(d => d.Status == DeclarationStatus.Approved && d.AwardedPoints > 0 && d.LastActionAt >= from && d.LastActionAt <= settled)
            .Select(d => new Candidate(d.Id, d.ResidentId, d.TownId, d.AwardedPoints!.Value, ParticipationAwards.DeclarationKey(d.Id)))
            .ToListAsync(ct);
        var hazards = await db.HazardReports.AsNoTracking()
            .Where(h => h.Status == HazardStatus.Closed && h.AwardedPoints > 0 && h.LastActionAt >= from && h.LastActionAt <= settled)
            .Select(h => new Candidate(h.Id, h.ReporterId, h.TownId, h.AwardedPoints!.Value, ParticipationAwards.HazardKey(h.Id)))
            .ToListAsync(ct);

        // A confirmed resolved mediation pays its mediator (the resident behind the mediator record).
        var mediations = await db.MediationRequests.AsNoTracking()
            .Where(r => r.Status == MediationStatus.Closed && r.AwardedPoints > 0 && r.ClosedAt >= from && r.ClosedAt <= settled)
            .Join(db.Mediators, r => r.MediatorId, m => m.Id, (r, m) => new Candidate(r.Id, m.ResidentId, r.TownId, r.AwardedPoints!.Value, MediationService.AwardKey(r.Id)))
            .ToListAsync(ct);

        // Keys are compared in .NET: SQLite keeps GUIDs as upper-case text, so building keys in SQL would not match.
        var keys = declarations.Concat(hazards).Concat(mediations).Select(c => c.Key).ToList();
        var paid = (await db.JournalEntries.AsNoTracking().Where(e => keys.Contains(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToListAsync(ct)).ToHashSet();

        const string Reviewed = "补发：审核通过后未入账的积分";
        var posted = 0;
        foreach (var (candidate, reason, sourceType, subject, note) in declarations.Select(c => (c, TransferReason.Declaration, ParticipationAwards.DeclarationSource, TimelineSubject.Declaration, Reviewed))
                     .Concat(hazards.Select(c => (c, TransferReason.HazardReport, ParticipationAwards.HazardSource, TimelineSubject.HazardReport, Reviewed)))
                     .Concat(mediations.Select(c => (c, TransferReason.Mediation, MediationService.AwardSource, TimelineSubject.Mediation, "补发：调解成功后未入账的积分")))
                     .Where(x => !paid.Contains(x.c.Key)))
        {
            var award = new EarnRequest(candidate.ResidentId, candidate.TownId, reason, candidate.Points, candidate.Key, sourceType, candidate.Id.ToString(), note);
            await ParticipationAwards.PayAsync(db, earning, subject, candidate.Id, award, now, ct);
            posted++;
        }

        return posted;
    }

    private sealed record Candidate(Guid Id, Guid ResidentId, Guid TownId, int Points, string Key);
}
