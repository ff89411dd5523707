using Microsoft.EntityFrameworkCore;
using Points.Domain.Activities;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;
using Points.Scoring;
using Points.Scoring.Synthetic;
using static Points.Scoring.Synthetic.BehaviourFeatures;

namespace Points.Infrastructure.Credit;

/// <summary>
/// Behaviour features of many residents at once, column-wise in <see cref="BehaviourFeatures.All"/> order.
/// NaN means missing (the scorecard's missing bin or neutral points).
/// </summary>
public sealed class FeatureMatrix
{
    private readonly Dictionary<Guid, int> _index;

    public FeatureMatrix(IReadOnlyList<ResidentRef> residents)
    {
        Residents = residents;
        _index = new Dictionary<Guid, int>(residents.Count);
        for (var i = 0; i < residents.Count; i++)
        {
            _index[residents[i].Id] = i;
        }

        Columns = new double[All.Count][];
        for (var c = 0; c < Columns.Length; c++)
        {
            Columns[c] = new double[residents.Count];
            Array.Fill(Columns[c], double.NaN);
        }
    }

    public IReadOnlyList<ResidentRef> Residents { get; }

    /// <summary>One array per feature of <see cref="BehaviourFeatures.All"/>, indexed like <see cref="Residents"/>.</summary>
    public double[][] Columns { get; }

    public int Count => Residents.Count;

    public static IReadOnlyList<string> FeatureNames => All;

    public int IndexOf(Guid residentId) => _index.TryGetValue(residentId, out var i) ? i : -1;

    public void Set(string feature, Guid residentId, double value)
    {
        if (_index.TryGetValue(residentId, out var i))
        {
            Columns[Column(feature)][i] = value;
        }
    }

    /// <summary>Sets a feature to a value for every resident (e.g. 0 once its source table exists).</summary>
    public void Fill(string feature, double value) => Array.Fill(Columns[Column(feature)], value);

    public double Get(string feature, int row) => Columns[Column(feature)][row];

    public FeatureRow Row(int row)
    {
        var r = new FeatureRow();
        for (var c = 0; c < Columns.Length; c++)
        {
            r.Set(All[c], Columns[c][row]);
        }

        return r;
    }

    public IReadOnlyDictionary<string, double> Values(int row) =>
        All.Select((name, c) => (name, c)).ToDictionary(x => x.name, x => Columns[x.c][row], StringComparer.Ordinal);

    /// <summary>A scoring-library table of these rows (optionally a subset, with labels for fitting).</summary>
    public DataTable ToTable(IReadOnlyList<int>? rows = null, int[]? labels = null)
    {
        var take = rows ?? Enumerable.Range(0, Count).ToArray();
        var columns = All.Select((name, c) => DataColumn.Numeric(name, [.. take.Select(r => Columns[c][r])]));
        return new DataTable(columns, labels);
    }

    private static int Column(string feature)
    {
        for (var c = 0; c < All.Count; c++)
        {
            if (string.Equals(All[c], feature, StringComparison.Ordinal))
            {
                return c;
            }
        }

        throw new ArgumentException($"unknown feature {feature}", nameof(feature));
    }
}

/// <summary>A resident being scored, with the community used for group comparisons in model cards.</summary>
public sealed record ResidentRef(Guid Id, Guid TownId, Guid? CommunityId, DateTimeOffset CreatedAt);

/// <summary>
/// Computes the behaviour features of residents from the database AS OF an instant: only events strictly
/// before <c>asOf</c> count. Every feature group is one set-based query grouped by resident (never one query
/// per resident), so the whole population is extracted in a handful of statements.
/// Never reads sex, age, marital status, ethnicity, religion or health data: there are no such features.
/// </summary>
public sealed class BehaviourFeatureExtractor(PointsDbContext db)
{
    /// <summary>Journal reasons that are earnings from behaviour (not adjustments, refunds or expiry): the ledger's own list.</summary>
    public static IReadOnlyList<TransferReason> EarningReasons => EarningService.EarningReasons;

    /// <summary>Residents whose accounts existed before <paramref name="asOf"/>; all of them when <paramref name="residentIds"/> is null.</summary>
    public async Task<FeatureMatrix> ExtractAsync(IReadOnlyCollection<Guid>? residentIds, DateTimeOffset asOf, CancellationToken ct)
    {
        var residents = await ResidentsAsync(residentIds, asOf, ct);
        var matrix = new FeatureMatrix(residents);
        if (matrix.Count == 0)
        {
            return matrix;
        }

        var ids = residentIds is null ? null : residents.Select(r => r.Id).ToList();
        AccountAge(matrix, asOf);
        await PointsEarnedAsync(matrix, ids, asOf, ct);
        await AttendanceAsync(matrix, ids, asOf, ct);
        await ParticipationAsync(matrix, ids, asOf, ct);
        await NegativeRecordsAsync(matrix, ids, asOf, ct);
        return matrix;
    }

    /// <summary>Features of residents at several instants (training: each loan at its own date), one extraction per distinct instant.</summary>
    public async Task<Dictionary<(Guid Resident, DateTimeOffset AsOf), IReadOnlyDictionary<string, double>>> ExtractManyAsync(
        IEnumerable<(Guid Resident, DateTimeOffset AsOf)> requests, CancellationToken ct)
    {
        var result = new Dictionary<(Guid, DateTimeOffset), IReadOnlyDictionary<string, double>>();
        foreach (var group in requests.GroupBy(r => r.AsOf))
        {
            foreach (var chunk in group.Select(g => g.Resident).Distinct().Chunk(5000))
            {
                var matrix = await ExtractAsync(chunk, group.Key, ct);
                for (var i = 0; i < matrix.Count; i++)
                {
                    result[(matrix.Residents[i].Id, group.Key)] = matrix.Values(i);
                }
            }
        }

        return result;
    }

    private async Task<List<ResidentRef>> ResidentsAsync(IReadOnlyCollection<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking().Where(u => u.Role == Role.Resident && u.CreatedAt < asOf);
        if (ids is not null)
        {
            query = query.Where(u => ids.Contains(u.Id));
        }

        return await query.Select(u => new ResidentRef(u.Id, u.TownId, u.CommunityId, u.CreatedAt)).ToListAsync(ct);
    }

    private static void AccountAge(FeatureMatrix m, DateTimeOffset asOf)
    {
        var column = m.Columns[Index(AccountAgeDays)];
        for (var i = 0; i < m.Count; i++)
        {
            column[i] = Math.Floor((asOf - m.Residents[i].CreatedAt).TotalDays);
        }
    }

    /// <summary>
    /// Points earned in the 365 days before as-of: earning credits to the wallet, less reversals of those
    /// credits made before as-of. Redemptions and the balance play no part.
    /// </summary>
    private async Task PointsEarnedAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        var from = asOf.AddDays(-365);
        var wallets = db.LedgerAccounts.AsNoTracking().Where(a => a.Kind == AccountKind.ResidentWallet);
        if (ids is not null)
        {
            wallets = wallets.Where(a => ids.Contains(a.OwnerId));
        }

        var reasons = EarningService.EarningReasons;
        var earned = db.JournalEntries.AsNoTracking()
            .Where(j => reasons.Contains(j.Reason) && j.OccurredAt >= from && j.OccurredAt < asOf);
        var credits = await earned
            .Join(wallets, j => j.CreditAccountId, a => a.Id, (j, a) => new { a.OwnerId, j.Points })
            .GroupBy(x => x.OwnerId)
            .Select(g => new { Resident = g.Key, Points = g.Sum(x => x.Points) })
            .ToListAsync(ct);
        var reversals = await db.JournalEntries.AsNoTracking()
            .Where(r => r.Reason == TransferReason.Reversal && r.OccurredAt < asOf && r.ReversesEntryId != null)
            .Join(earned, r => r.ReversesEntryId, j => (Guid?)j.Id, (r, j) => new { r.DebitAccountId, r.Points })
            .Join(wallets, x => x.DebitAccountId, a => a.Id, (x, a) => new { a.OwnerId, x.Points })
            .GroupBy(x => x.OwnerId)
            .Select(g => new { Resident = g.Key, Points = g.Sum(x => x.Points) })
            .ToListAsync(ct);

        m.Fill(PointsEarned365d, 0);
        var column = m.Columns[Index(PointsEarned365d)];
        foreach (var c in credits)
        {
            if (m.IndexOf(c.Resident) is var i and >= 0)
            {
                column[i] += c.Points;
            }
        }

        foreach (var r in reversals)
        {
            if (m.IndexOf(r.Resident) is var i and >= 0)
            {
                column[i] = Math.Max(0, column[i] - r.Points);
            }
        }
    }

    /// <summary>
    /// Attendance group over sign-ups of activities that started in the window before as-of: activitiesAttended90d/365d,
    /// volunteerHours365d (attended minutes / 60), noShowCount365d, noShowRate365d (no-shows / (attended + no-shows),
    /// missing without either), lateCancels365d (late cancellations made in the window). One GROUP BY per resident.
    /// Each sign-up counts as it stood at as-of, not by its current status: attended only when staff confirmed it
    /// before as-of (<c>confirmed_at</c>), a no-show only when recorded before as-of (<c>no_show_at</c>) and not yet
    /// corrected to attended by then, a late cancellation only when made before as-of (<c>late_cancelled_at</c>, kept when
    /// the resident signs up again).
    /// </summary>
    private async Task AttendanceAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        var year = asOf.AddDays(-365);
        var quarter = asOf.AddDays(-90);
        var signUps = db.SignUps.AsNoTracking().AsQueryable();
        if (ids is not null)
        {
            signUps = signUps.Where(s => ids.Contains(s.ResidentId));
        }

        var rows = await signUps
            .Join(db.Activities.AsNoTracking(), s => s.ActivityId, a => a.Id, (s, a) => new
            {
                s.ResidentId,
                s.AttendedMinutes,
                s.LateCancelledAt,
                a.StartsAt,
                Attended = s.Status == SignUpStatus.Attended && s.ConfirmedAt < asOf,
                NoShow = s.NoShowAt < asOf && !(s.Status == SignUpStatus.Attended && s.ConfirmedAt < asOf),
            })
            .Where(x => (x.StartsAt >= year && x.StartsAt < asOf) || (x.LateCancelledAt >= year && x.LateCancelledAt < asOf))
            .GroupBy(x => x.ResidentId)
            .Select(g => new
            {
                Resident = g.Key,
                Attended365 = g.Count(x => x.Attended && x.StartsAt >= year && x.StartsAt < asOf),
                Attended90 = g.Count(x => x.Attended && x.StartsAt >= quarter && x.StartsAt < asOf),
                Minutes = g.Sum(x => x.Attended && x.StartsAt >= year && x.StartsAt < asOf ? x.AttendedMinutes ?? 0 : 0),
                NoShows = g.Count(x => x.NoShow && x.StartsAt >= year && x.StartsAt < asOf),
                LateCancels = g.Count(x => x.LateCancelledAt >= year && x.LateCancelledAt < asOf),
            })
            .ToListAsync(ct);
        foreach (var f in new[] { ActivitiesAttended90d, ActivitiesAttended365d, VolunteerHours365d, NoShowCount365d, LateCancels365d })
        {
            m.Fill(f, 0);
        }

        foreach (var r in rows)
        {
            m.Set(ActivitiesAttended90d, r.Resident, r.Attended90);
            m.Set(ActivitiesAttended365d, r.Resident, r.Attended365);
            m.Set(VolunteerHours365d, r.Resident, Math.Round(r.Minutes / 60.0, 1));
            m.Set(NoShowCount365d, r.Resident, r.NoShows);
            m.Set(LateCancels365d, r.Resident, r.LateCancels);
            if (r.Attended365 + r.NoShows > 0)
            {
                m.Set(NoShowRate365d, r.Resident, Math.Round((double)r.NoShows / (r.Attended365 + r.NoShows), 4));
            }
        }
    }

    /// <summary>
    /// Participation group: approvedDeclarations365d (approved, decided in the window), verifiedHazardReports365d
    /// (reported in the window and accepted, being fixed or closed by staff), learningReads90d (articles read to the
    /// end in the window). Zero when a resident has none. As it stood at as-of: a declaration revoked after as-of
    /// still counts (a revoked declaration's last action is its revocation), and a hazard report counts when its
    /// timeline shows it accepted (or further) before as-of and not rejected before as-of.
    /// </summary>
    private async Task ParticipationAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        var year = asOf.AddDays(-365);
        var quarter = asOf.AddDays(-90);
        var declarations = db.Declarations.AsNoTracking()
            .Where(d => d.DecidedAt >= year && d.DecidedAt < asOf
                && (d.Status == DeclarationStatus.Approved || (d.Status == DeclarationStatus.Revoked && d.LastActionAt >= asOf)));
        string[] verified = [nameof(HazardStatus.Accepted), nameof(HazardStatus.Fixing), nameof(HazardStatus.Closed)];
        var steps = db.ParticipationEvents.AsNoTracking().Where(e => e.Subject == TimelineSubject.HazardReport && e.At < asOf);
        var hazards = db.HazardReports.AsNoTracking()
            .Where(h => h.ReportedAt >= year && h.ReportedAt < asOf
                && steps.Any(e => e.SubjectId == h.Id && verified.Contains(e.Action))
                && !steps.Any(e => e.SubjectId == h.Id && e.Action == nameof(HazardStatus.Rejected)));
        var reads = db.ArticleReads.AsNoTracking().Where(r => r.CompletedAt >= quarter && r.CompletedAt < asOf);
        if (ids is not null)
        {
            declarations = declarations.Where(d => ids.Contains(d.ResidentId));
            hazards = hazards.Where(h => ids.Contains(h.ReporterId));
            reads = reads.Where(r => ids.Contains(r.ResidentId));
        }

        Put(m, ApprovedDeclarations365d, await declarations.GroupBy(d => d.ResidentId).Select(g => new Count(g.Key, g.Count())).ToListAsync(ct));
        Put(m, VerifiedHazardReports365d, await hazards.GroupBy(h => h.ReporterId).Select(g => new Count(g.Key, g.Count())).ToListAsync(ct));
        Put(m, LearningReads90d, await reads.GroupBy(r => r.ResidentId).Select(g => new Count(g.Key, g.Count())).ToListAsync(ct));
    }

    /// <summary>
    /// Negative records group over records known before as-of that still count at as-of: not expired (they expire at
    /// most 5 years after the event) and not revoked before as-of. negativeRecordCount and negativeRecordMaxSeverity
    /// are 0 without records; daysSinceLastNegativeRecord is missing then.
    /// </summary>
    private async Task NegativeRecordsAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        var records = db.NegativeRecords.AsNoTracking()
            .Where(r => r.CreatedAt < asOf && r.OccurredAt < asOf && r.ExpiresAt > asOf && (r.RevokedAt == null || r.RevokedAt >= asOf));
        if (ids is not null)
        {
            records = records.Where(r => ids.Contains(r.ResidentId));
        }

        var rows = await records.GroupBy(r => r.ResidentId)
            .Select(g => new { Resident = g.Key, Count = g.Count(), MaxSeverity = g.Max(r => r.Severity), Last = g.Max(r => r.OccurredAt) })
            .ToListAsync(ct);
        m.Fill(NegativeRecordCount, 0);
        m.Fill(NegativeRecordMaxSeverity, 0);
        foreach (var r in rows)
        {
            m.Set(NegativeRecordCount, r.Resident, r.Count);
            m.Set(NegativeRecordMaxSeverity, r.Resident, r.MaxSeverity);
            m.Set(DaysSinceLastNegativeRecord, r.Resident, Math.Max(0, Math.Floor((asOf - r.Last).TotalDays)));
        }
    }

    private sealed record Count(Guid Resident, int Value);

    private static void Put(FeatureMatrix m, string feature, List<Count> counts)
    {
        m.Fill(feature, 0);
        foreach (var c in counts)
        {
            m.Set(feature, c.Resident, c.Value);
        }
    }

    private static int Index(string feature)
    {
        for (var c = 0; c < All.Count; c++)
        {
            if (string.Equals(All[c], feature, StringComparison.Ordinal))
            {
                return c;
            }
        }

        throw new ArgumentException($"unknown feature {feature}", nameof(feature));
    }
}
