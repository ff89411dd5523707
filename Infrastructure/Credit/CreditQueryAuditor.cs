using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Points.Domain.Credit;
using Npgsql;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Credit;

/// <summary>
/// Writes the audit row of every bank query before the bank gets its answer, with group commit
/// (<see cref="RequestBatcher{TItem, TResult}"/>): the rows of concurrent queries go in one atomic batch,
/// and each query is released only once its row is committed. Nothing is answered unaudited: a failed
/// write fails the waiting queries with <see cref="CreditAuditUnavailableException"/> (503).
/// </summary>
public sealed partial class CreditQueryAuditor : BackgroundService
{
    private readonly RequestBatcher<CreditQuery, bool> _batcher;

    public CreditQueryAuditor(IServiceScopeFactory scopes, ILogger<CreditQueryAuditor> logger) =>
        _batcher = new RequestBatcher<CreditQuery, bool>(
            async (rows, ct) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var statements = new StatementBatch(scope.ServiceProvider.GetRequiredService<PointsDbContext>());
                foreach (var row in rows)
                {
                    statements.Insert(row);
                }

                await statements.ExecuteAsync(ct);
                return [.. rows.Select(_ => true)];
            },
            ex =>
            {
                LogWriteFailed(logger, ex);
                return new CreditAuditUnavailableException(ex);
            });

    /// <summary>Completes once <paramref name="row"/> is committed.</summary>
    public Task RecordAsync(CreditQuery row, CancellationToken ct) => _batcher.RunAsync(row, ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _batcher.ProcessAsync(stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit of bank queries not written; those queries were refused")]
    internal static partial void LogWriteFailed(ILogger logger, Exception exception);
}

/// <summary>The audit row of a bank query could not be written, so the query is not answered (503: the bank may retry).</summary>
public sealed class CreditAuditUnavailableException(Exception inner)
    : Exception("the audit of a bank query could not be written", inner);

/// <summary>A resident's latest profile as a bank may see it.</summary>
public sealed record BankProfileView(string Tier, string Band, DateTimeOffset AsOf, string ModelVersion);

/// <summary>One bank query as the lookup sees it: its audit row's id, the asking bank, the token's hash and the time.</summary>
public sealed record BankQueryAttempt(Guid QueryId, Guid BankId, string TokenHash, DateTimeOffset At);

/// <summary>
/// What a bank query found. <see cref="ConsentId"/> and <see cref="ResidentId"/> are set only when the token is the
/// asking bank's own (another bank's token must not be linked to it). <see cref="Allowed"/>: the consent is live and
/// the bank's (<see cref="CreditConsent.AllowsBank"/>). <see cref="Audited"/>: the query's audit row, with the outcome
/// these fields imply, is already committed.
/// </summary>
public sealed record BankQueryFound(Guid? ConsentId, Guid? ResidentId, bool Allowed, BankProfileView? Profile, bool Audited)
{
    public static BankQueryFound From(CreditConsent? consent, BankProfileView? profile, BankQueryAttempt attempt)
    {
        var mine = consent is not null && consent.BankId == attempt.BankId;
        return new BankQueryFound(mine ? consent!.Id : null, mine ? consent!.ResidentId : null, consent?.AllowsBank(attempt.BankId, attempt.At) == true, profile, false);
    }
}

/// <summary>
/// Finds the consents of bank queries by token hash, with each resident's latest profile, the lookups of concurrent
/// queries coalesced into one statement (<see cref="RequestBatcher{TItem, TResult}"/>). No cache: every lookup is
/// served by a statement that started after it was asked, so a revocation holds from the very next bank query.
/// <para>
/// On PostgreSQL that one statement also writes the audit rows of every query it can decide (refused, or answered
/// from a profile) and commits them before any of those queries is answered: one round trip per batch instead of a
/// lookup and then a write. Only a live consent of a resident never scored is left undecided (and unaudited) for
/// the caller. Other providers look up here and audit through <see cref="CreditQueryAuditor"/>.
/// </para>
/// </summary>
public sealed class CreditConsentLookup : BackgroundService
{
    private readonly RequestBatcher<BankQueryAttempt, BankQueryFound> _batcher;

    public CreditConsentLookup(IServiceScopeFactory scopes, ILogger<CreditQueryAuditor> logger) =>
        _batcher = new RequestBatcher<BankQueryAttempt, BankQueryFound>(
            async (attempts, ct) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PointsDbContext>();
                return db.Database.GetDbConnection() is NpgsqlConnection
                    ? await FindAndAuditAsync(db, attempts, ct)
                    : await FindAsync(db, attempts, ct);
            },
            ex =>
            {
                CreditQueryAuditor.LogWriteFailed(logger, ex);
                return new CreditAuditUnavailableException(ex);
            });

    public Task<BankQueryFound> FindAsync(BankQueryAttempt attempt, CancellationToken ct) => _batcher.RunAsync(attempt, ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _batcher.ProcessAsync(stoppingToken);

    /// <summary>
    /// Other providers: the consents by hash, then each resident's latest profile (no newer one exists). Two plain
    /// queries, since SQLite cannot take the lateral join PostgreSQL uses.
    /// </summary>
    private static async Task<IReadOnlyList<BankQueryFound>> FindAsync(PointsDbContext db, IReadOnlyList<BankQueryAttempt> attempts, CancellationToken ct)
    {
        var hashes = attempts.Select(a => a.TokenHash).Distinct(StringComparer.Ordinal).ToArray();
        var consents = (await db.CreditConsents.AsNoTracking().Where(c => hashes.Contains(c.TokenHash)).ToListAsync(ct))
            .ToDictionary(c => c.TokenHash, StringComparer.Ordinal);
        var residents = consents.Values.Select(c => c.ResidentId).Distinct().ToArray();
        var latest = (await db.CreditProfiles.AsNoTracking()
                .Where(p => residents.Contains(p.ResidentId)
                    && !db.CreditProfiles.Any(q => q.ResidentId == p.ResidentId && (q.AsOf > p.AsOf || (q.AsOf == p.AsOf && q.ComputedAt > p.ComputedAt))))
                .Select(p => new { p.ResidentId, View = new BankProfileView(p.Tier, p.Band, p.AsOf, p.ModelVersion) })
                .ToListAsync(ct))
            .DistinctBy(p => p.ResidentId).ToDictionary(p => p.ResidentId, p => p.View);

        return [.. attempts.Select(a => consents.GetValueOrDefault(a.TokenHash) is { } c
            ? BankQueryFound.From(c, latest.GetValueOrDefault(c.ResidentId), a)
            : BankQueryFound.From(null, null, a))];
    }

    /// <summary>
    /// Looks up and audits in one statement. <c>allowed</c> is <see cref="CreditConsent.AllowsBank"/> in SQL (the
    /// bank's own consent, not revoked, not expired at the query's time); a test holds the two to the same answers.
    /// The rows are read to the end, so the implicit transaction, audit rows included, has committed before any
    /// query is answered; if it fails, every query of the batch fails unanswered.
    /// </summary>
    private static async Task<IReadOnlyList<BankQueryFound>> FindAndAuditAsync(PointsDbContext db, IReadOnlyList<BankQueryAttempt> attempts, CancellationToken ct)
    {
        var n = attempts.Count;
        var ids = new Guid[n];
        var banks = new Guid[n];
        var hashes = new string[n];
        var times = new DateTimeOffset[n];
        for (var i = 0; i < n; i++)
        {
            (ids[i], banks[i], hashes[i], times[i]) = (attempts[i].QueryId, attempts[i].BankId, attempts[i].TokenHash, attempts[i].At);
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = ((NpgsqlConnection)db.Database.GetDbConnection()).CreateCommand();
            cmd.CommandText = FindAndAuditSql;
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = banks });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = hashes });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = times });
            var results = new BankQueryFound[n];
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var mine = !reader.IsDBNull(1);
                    var allowed = reader.GetBoolean(3);
                    var profile = reader.IsDBNull(4) ? null
                        : new BankProfileView(reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7));
                    results[reader.GetInt32(0)] = new BankQueryFound(
                        mine ? reader.GetGuid(1) : null, mine ? reader.GetGuid(2) : null, allowed, profile, Audited: !allowed || profile is not null);
                }

                // Reads up to the server's ReadyForQuery: a failed commit surfaces here, before anyone is answered.
                await reader.NextResultAsync(ct);
            }

            return results.Any(r => r is null) ? throw new InvalidOperationException("bank query lookup returned fewer rows than queries") : results;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const string FindAndAuditSql = $"""
        WITH attempt AS (
            SELECT a.ord::int - 1 AS ord, a.query_id, a.bank_id, a.token_hash, a.at
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS a(query_id, bank_id, token_hash, at, ord)
        ), found AS (
            SELECT a.ord, a.query_id, a.bank_id, a.at,
                   CASE WHEN c.bank_id = a.bank_id THEN c.id END AS consent_id,
                   CASE WHEN c.bank_id = a.bank_id THEN c.resident_id END AS resident_id,
                   COALESCE(c.bank_id = a.bank_id AND c.revoked_at IS NULL AND a.at < c.expires_at, false) AS allowed,
                   p.tier, p.band, p.as_of, p.model_version
            FROM attempt a
            LEFT JOIN credit_consents c ON c.token_hash = a.token_hash
            LEFT JOIN LATERAL (
                SELECT p.tier, p.band, p.as_of, p.model_version FROM credit_profiles p
                WHERE p.resident_id = c.resident_id
                ORDER BY p.as_of DESC, p.computed_at DESC LIMIT 1) p ON true
        ), audit AS (
            INSERT INTO credit_queries (id, bank_id, consent_id, resident_id, outcome, model_version, at)
            SELECT query_id, bank_id, consent_id, resident_id,
                   CASE WHEN allowed THEN '{nameof(CreditQueryOutcome.Granted)}' ELSE '{nameof(CreditQueryOutcome.Denied)}' END,
                   CASE WHEN allowed THEN model_version END, at
            FROM found WHERE NOT allowed OR tier IS NOT NULL
        )
        SELECT ord, consent_id, resident_id, allowed, tier, band, as_of, model_version FROM found
        """;
}
