using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Premises;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Premises;

public sealed record PremisesMonthCloseRun(string Month, int Closed, int Red, int Inspections, int EnforcementCases);

/// <summary>
/// Closes a Shanghai month once it has ended: every premises listed by then gets its frozen final colour (its latest
/// self-check's, red without one); a red month brings an inspection for the grid's worker, the third red in a row a
/// joint enforcement case for the town. Running again closes nothing twice: the frozen row is unique per premises and
/// month and is written in one transaction with the follow-ups it brings (unique per premises, kind and month).
/// </summary>
public sealed class PremisesMonthCloser(PointsDbContext db, TimeProvider clock)
{
    private const int ChunkSize = 500;

    public async Task<PremisesMonthCloseRun> CloseAsync(string month, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var run = new PremisesMonthCloseRun(month, 0, 0, 0, 0);
        if (!PremisesMonths.HasEnded(month, now))
        {
            return run;
        }

        var end = PremisesMonths.Bounds(month).End;
        for (var stalls = 0; stalls < 5;)
        {
            var chunk = await db.Premises.AsNoTracking()
                .Where(p => p.CreatedAt < end && !db.ClosedPremisesMonths.Any(m => m.PremisesId == p.Id && m.Month == month))
                .OrderBy(p => p.Id).Take(ChunkSize).ToListAsync(ct);
            if (chunk.Count == 0)
            {
                return run;
            }

            var done = await CloseChunkAsync(month, chunk, ct);
            if (done is null)
            {
                stalls++;
                continue;
            }

            run = run with
            {
                Closed = run.Closed + done.Closed,
                Red = run.Red + done.Red,
                Inspections = run.Inspections + done.Inspections,
                EnforcementCases = run.EnforcementCases + done.EnforcementCases,
            };
        }

        return run;
    }

    /// <summary>The previous Shanghai month (the one the job closes), and the one before it when a run was missed.</summary>
    public async Task<IReadOnlyList<PremisesMonthCloseRun>> CloseDueAsync(CancellationToken ct)
    {
        var last = PremisesMonths.Previous(PremisesMonths.Of(clock.GetUtcNow()));
        return [await CloseAsync(PremisesMonths.Previous(last), ct), await CloseAsync(last, ct)];
    }

    private async Task<PremisesMonthCloseRun?> CloseChunkAsync(string month, List<KeyPremises> chunk, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ids = chunk.Select(p => p.Id).ToList();
        var before = PremisesMonths.Previous(month);
        var twoBefore = PremisesMonths.Previous(month, 2);
        var months = new[] { month, before, twoBefore };
        var checks = await db.PremisesSelfChecks.AsNoTracking().Where(c => ids.Contains(c.PremisesId) && months.Contains(c.Month))
            .Select(c => new { c.PremisesId, c.Month, c.Colour, c.CheckedAt }).ToListAsync(ct);
        var frozen = await db.ClosedPremisesMonths.AsNoTracking().Where(m => ids.Contains(m.PremisesId) && (m.Month == before || m.Month == twoBefore))
            .Select(m => new { m.PremisesId, m.Month, m.Colour }).ToListAsync(ct);
        var gridIds = chunk.Where(p => p.GridId != null).Select(p => p.GridId!.Value).Distinct().ToList();
        var workers = (await db.GridAssignments.AsNoTracking().Where(a => gridIds.Contains(a.GridId))
                .Join(db.Users.Where(u => u.IsActive), a => a.WorkerId, u => u.Id, (a, u) => new { a.GridId, a.WorkerId, a.AssignedAt }).ToListAsync(ct))
            .GroupBy(a => a.GridId).ToDictionary(g => g.Key, g => g.OrderBy(a => a.AssignedAt).ThenBy(a => a.WorkerId).First().WorkerId);

        PremisesColour? FinalOf(KeyPremises p, string m)
        {
            if (frozen.FirstOrDefault(f => f.PremisesId == p.Id && f.Month == m) is { } row)
            {
                return row.Colour;
            }

            return p.ListedBy(PremisesMonths.Bounds(m).End)
                ? PremisesMonths.Final(checks.Where(c => c.PremisesId == p.Id && c.Month == m).MaxBy(c => c.CheckedAt)?.Colour)
                : null;
        }

        var rows = new List<PremisesMonth>();
        var followUps = new List<PremisesFollowUp>();
        foreach (var p in chunk)
        {
            var latest = checks.Where(c => c.PremisesId == p.Id && c.Month == month).MaxBy(c => c.CheckedAt);
            var colour = PremisesMonths.Final(latest?.Colour);
            rows.Add(new PremisesMonth(p.Id, month, p.TownId, p.CommunityId, p.GridId, colour, latest?.CheckedAt, now));
            if (colour != PremisesColour.Red)
            {
                continue;
            }

            var assignee = p.GridId is { } g && workers.TryGetValue(g, out var w) ? w : (Guid?)null;
            followUps.Add(new PremisesFollowUp(Guid.CreateVersion7(), FollowUpKind.Inspection, p, month, assignee, now));
            var history = new[] { FinalOf(p, twoBefore), FinalOf(p, before), colour };
            if (history.All(c => c is not null) && PremisesMonths.CallsForEnforcement([.. history.Select(c => c!.Value)]))
            {
                followUps.Add(new PremisesFollowUp(Guid.CreateVersion7(), FollowUpKind.JointEnforcement, p, month, null, now));
            }
        }

        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.ClosedPremisesMonths.AddRange(rows);
                db.PremisesFollowUps.AddRange(followUps);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // Another run closed some of these first: read again, the next chunk leaves them out.
            db.ChangeTracker.Clear();
            return null;
        }

        db.ChangeTracker.Clear();
        return new PremisesMonthCloseRun(month, rows.Count, rows.Count(r => r.Colour == PremisesColour.Red),
            followUps.Count(f => f.Kind == FollowUpKind.Inspection), followUps.Count(f => f.Kind == FollowUpKind.JointEnforcement));
    }
}

/// <summary>Closes the previous Shanghai month once a day from 00:30 under the job lease (a later run closes nothing new).</summary>
public sealed class PremisesMonthCloseJob : DailyJob
{
    public override string Name => "premises-month-close";

    public override TimeOnly RunAt => new(0, 30);

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<PremisesMonthCloser>().CloseDueAsync(ct);
}
