using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;
using System.Runtime.CompilerServices;

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
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}

/// <summary>The audit row of a bank query could not be written, so the query is not answered (503: the bank may retry).</summary>
public sealed class CreditAuditUnavailableException(Exception inner)
    : Exception("the audit of a bank query could not be written", inner);

/// <summary>A resident's latest profile as a bank may see it.</summary>
public sealed record BankProfileView(string Tier, string Band, DateTimeOffset AsOf, string ModelVersion);

/// <summary>A consent found by its token hash, with the resident's latest profile (null when never scored).</summary>
public sealed record ConsentWithProfile(CreditConsent Consent, BankProfileView? Profile);

/// <summary>
/// Finds consents by token hash with the resident's latest profile, the lookups of concurrent bank queries
/// coalesced into one query (<see cref="RequestBatcher{TItem, TResult}"/>). No cache: every lookup is served
/// by a query that started after it was asked, so a revocation holds from the very next bank query.
/// </summary>
public sealed class CreditConsentLookup : BackgroundService
{
    /// <summary>Compiled once per model (a compiled query binds to the model it first ran with; test hosts each build their own).</summary>
    private static readonly ConditionalWeakTable<IModel, Func<PointsDbContext, string[], IAsyncEnumerable<ConsentWithProfile>>> Queries = [];

    private readonly RequestBatcher<string, ConsentWithProfile?> _batcher;

    public CreditConsentLookup(IServiceScopeFactory scopes) =>
        _batcher = new RequestBatcher<string, ConsentWithProfile?>(async (hashes, ct) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PointsDbContext>();
            var distinct = hashes.Distinct(StringComparer.Ordinal).ToArray();
            var found = new Dictionary<string, ConsentWithProfile>(StringComparer.Ordinal);
            await foreach (var row in Queries.GetValue(db.Model, _ => Compile())(db, distinct).WithCancellation(ct))
            {
                found[row.Consent.TokenHash] = row;
            }

            return [.. hashes.Select(h => found.GetValueOrDefault(h))];
        });

    public Task<ConsentWithProfile?> FindAsync(string tokenHash, CancellationToken ct) => _batcher.RunAsync(tokenHash, ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _batcher.ProcessAsync(stoppingToken);

    /// <summary>
    /// The consents and each resident's latest profile: the latest profile's id by one probe of the (resident, as_of,
    /// computed_at) index, then that row by its key. (Projecting the row with FirstOrDefault makes EF number every
    /// profile of every resident instead.)
    /// </summary>
    private static Func<PointsDbContext, string[], IAsyncEnumerable<ConsentWithProfile>> Compile() =>
        EF.CompileAsyncQuery((PointsDbContext db, string[] tokenHashes) =>
            from c in db.CreditConsents.AsNoTracking()
            where tokenHashes.Contains(c.TokenHash)
            let latest = db.CreditProfiles.Where(p => p.ResidentId == c.ResidentId)
                .OrderByDescending(p => p.AsOf).ThenByDescending(p => p.ComputedAt).Select(p => (Guid?)p.Id).FirstOrDefault()
            from p in db.CreditProfiles.Where(p => p.Id == latest).DefaultIfEmpty()
            select new ConsentWithProfile(c, p == null ? null : new BankProfileView(p.Tier, p.Band, p.AsOf, p.ModelVersion)));
}
