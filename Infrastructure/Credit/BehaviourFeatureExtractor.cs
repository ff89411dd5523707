using Microsoft.EntityFrameworkCore;
using Points.Domain.Identity;
using Points.Domain.Ledger;
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
    /// Attendance group: activitiesAttended90d/365d, volunteerHours365d, noShowRate365d, noShowCount365d,
    /// lateCancels365d. Missing until the sign-up/attendance tables exist.
    /// </summary>
    private static Task AttendanceAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        _ = (m, ids, asOf, ct);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Participation group: approvedDeclarations365d, verifiedHazardReports365d, learningReads90d.
    /// Missing until the declaration/hazard/article-read tables exist.
    /// </summary>
    private static Task ParticipationAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        _ = (m, ids, asOf, ct);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Negative records group: negativeRecordCount, negativeRecordMaxSeverity, daysSinceLastNegativeRecord
    /// (expired and revoked records excluded). Missing until the negative-records table exists.
    /// </summary>
    private static Task NegativeRecordsAsync(FeatureMatrix m, List<Guid>? ids, DateTimeOffset asOf, CancellationToken ct)
    {
        _ = (m, ids, asOf, ct);
        return Task.CompletedTask;
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
