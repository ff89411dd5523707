using Microsoft.EntityFrameworkCore;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>
/// Pays an approved declaration, a closed hazard report or a confirmed mediation. When a cap cuts the award,
/// the item records what was actually paid and its timeline says why — the same whether the review
/// request pays or the backfill job does.
/// </summary>
public static class ParticipationAwards
{
    public const string DeclarationSource = "declaration";

    public const string HazardSource = "hazard";

    /// <summary>The idempotency key of a declaration's award: the review request and the backfill job post with the same one.</summary>
    public static string DeclarationKey(Guid id) => $"declaration:{id}";

    public static string HazardKey(Guid id) => $"hazard:{id}";

    public static TimelineEvent Event(TimelineSubject subject, Guid subjectId, string action, Guid? actorId, string? note, int? points, DateTimeOffset now) =>
        new(Guid.CreateVersion7(), subject, subjectId, action, actorId, note, points, now);

    /// <returns>The points posted (0 when the cap left nothing).</returns>
    public static async Task<int> PayAsync(PointsDbContext db, EarningService earning, TimelineSubject subject, Guid id, EarnRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var award = await earning.AwardAsync(request, ct);
        var posted = award.IsSuccess ? (int)award.Value.Entry.Points : 0;
        if (posted == request.Points)
        {
            return posted;
        }

        db.ChangeTracker.Clear();
        _ = subject switch
        {
            TimelineSubject.Declaration => await db.Declarations.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.AwardedPoints, posted), ct),
            TimelineSubject.HazardReport => await db.HazardReports.Where(h => h.Id == id).ExecuteUpdateAsync(s => s.SetProperty(h => h.AwardedPoints, posted), ct),
            TimelineSubject.Mediation => await db.MediationRequests.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.AwardedPoints, posted), ct),
            _ => throw new ArgumentOutOfRangeException(nameof(subject), subject, "no award is paid for this subject"),
        };

        db.ParticipationEvents.Add(Event(subject, id, DeclarationAction.AwardCapped, null,
            award.IsSuccess ? $"已达每日积分上限，实得{posted}分" : award.Error.Title, posted, now));
        await db.SaveChangesAsync(ct);
        return posted;
    }
}
