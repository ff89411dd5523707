using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Coupons;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Coupons;

public sealed record CouponIssueRun(string Month, int Templates, int Issued);

/// <summary>
/// The monthly issue run: every template of the month (not voided, valid at some instant of it) gives one coupon to
/// each eligible resident of its town (attended at least N activities in the previous Shanghai month), within the
/// per-resident limit and the total cap. Running again gives nothing new: a coupon is unique on template, resident
/// and month, and the cap moves by a guarded UPDATE in the same transaction as the coupons it pays for.
/// </summary>
public sealed class CouponIssuer(PointsDbContext db, TimeProvider clock)
{
    private const int ChunkSize = 500;

    /// <summary>Digits and capitals without 0/O and 1/I: 32 symbols, 5 bits each, 60 random bits in 12.</summary>
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public async Task<CouponIssueRun> IssueMonthAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = ShanghaiTime.Today(now);
        var (start, end) = ShanghaiTime.Month(today.Year, today.Month);
        var previous = today.AddMonths(-1);
        var (lastStart, lastEnd) = ShanghaiTime.Month(previous.Year, previous.Month);
        var month = MerchantSettlement.FormatPeriod(today.Year, today.Month);

        var templates = await db.CouponTemplates.AsNoTracking()
            .Where(CouponTemplate.IssuesIn(start, end)).Where(t => t.ValidTo > now && t.Issued < t.TotalCap)
            .OrderBy(t => t.CreatedAt).Select(t => t.Id).ToListAsync(ct);
        var issued = 0;
        foreach (var id in templates)
        {
            issued += await IssueTemplateAsync(id, month, lastStart, lastEnd, ct);
        }

        return new CouponIssueRun(month, templates.Count, issued);
    }

    private async Task<int> IssueTemplateAsync(Guid templateId, string month, DateTimeOffset lastStart, DateTimeOffset lastEnd, CancellationToken ct)
    {
        var total = 0;
        for (var stalls = 0; stalls < 5;)
        {
            var template = await db.CouponTemplates.AsNoTracking().FirstAsync(t => t.Id == templateId, ct);
            var room = template.TotalCap - template.Issued;
            if (template.IsVoided || room <= 0)
            {
                return total;
            }

            var candidates = await CandidatesAsync(template, month, lastStart, lastEnd, Math.Min(room, ChunkSize), ct);
            if (candidates.Count == 0)
            {
                return total;
            }

            var added = await IssueChunkAsync(template, month, candidates, ct);
            total += added;
            if (added == 0)
            {
                // Another run took the same residents or the cap first: read again, it either finds nothing left or goes on.
                stalls++;
            }
        }

        return total;
    }

    /// <summary>Eligible residents without this month's coupon and under the per-resident limit, in id order.</summary>
    private Task<List<Guid>> CandidatesAsync(CouponTemplate t, string month, DateTimeOffset lastStart, DateTimeOffset lastEnd, int take, CancellationToken ct)
    {
        var residents = db.Users.AsNoTracking().Where(u => u.TownId == t.TownId && u.Role == Role.Resident && u.IsActive);
        if (t.MinActivitiesLastMonth > 0)
        {
            var attended = from s in db.SignUps
                           join a in db.Activities on s.ActivityId equals a.Id
                           where s.Status == SignUpStatus.Attended && a.TownId == t.TownId && a.StartsAt >= lastStart && a.StartsAt < lastEnd
                           group s by s.ResidentId into g
                           where g.Count() >= t.MinActivitiesLastMonth
                           select g.Key;
            residents = residents.Where(u => attended.Contains(u.Id));
        }

        var coupons = db.Coupons.Where(c => c.TemplateId == t.Id);
        return residents
            .Where(u => !coupons.Any(c => c.ResidentId == u.Id && c.Month == month))
            .Where(u => coupons.Count(c => c.ResidentId == u.Id) < t.PerResidentLimit)
            .OrderBy(u => u.Id).Select(u => u.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>One transaction: the cap moves by n only if n still fit, then the n coupons; a concurrent run's coupon aborts it (0 issued).</summary>
    private async Task<int> IssueChunkAsync(CouponTemplate template, string month, List<Guid> residents, CancellationToken ct)
    {
        var n = residents.Count;
        var now = clock.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var moved = await db.CouponTemplates.Where(t => t.Id == template.Id && t.VoidedAt == null && t.Issued + n <= t.TotalCap)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Issued, t => t.Issued + n), ct);
                if (moved != 1)
                {
                    await tx.RollbackAsync(ct);
                    return 0;
                }

                db.Coupons.AddRange(residents.Select(r => new Coupon(Guid.CreateVersion7(), template.Id, template.TownId, r, month, NewCode(), now)));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                return n;
            });
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return 0;
        }
    }

    public static string NewCode() => string.Create(Coupon.CodeLength, 0, static (span, _) =>
    {
        Span<byte> bytes = stackalloc byte[Coupon.CodeLength];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[bytes[i] % 32];
        }
    });
}

/// <summary>
/// Runs the issue run once a Shanghai day from 01:00 under the job lease, for the current month: the first run of a
/// month gives that month's coupons; later runs give only what a template created since (or a raised cap) allows.
/// </summary>
public sealed class CouponIssueJob : DailyJob
{
    public override string Name => "coupon-issue";

    public override TimeOnly RunAt => new(1, 0);

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<CouponIssuer>().IssueMonthAsync(ct);
}
