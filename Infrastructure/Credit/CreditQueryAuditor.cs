using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Credit;

/// <summary>
/// Writes the audit row of every bank query before the bank gets its answer, with group commit: requests
/// queue their row and wait; one writer takes everything queued, inserts it in one atomic batch and then
/// releases every waiting request. Nothing is answered unaudited (a failed write fails the waiting requests,
/// which then answer 503), and under load one round trip audits many queries instead of one each.
/// </summary>
public sealed partial class CreditQueryAuditor(IServiceScopeFactory scopes, ILogger<CreditQueryAuditor> logger) : BackgroundService
{
    /// <summary>Rows per batch at most (a batch is one round trip on PostgreSQL).</summary>
    public const int MaxBatch = 256;

    private readonly Channel<(CreditQuery Row, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(CreditQuery, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes once <paramref name="row"/> is committed; throws what the database threw.</summary>
    public Task RecordAsync(CreditQuery row, CancellationToken ct)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((row, written)))
        {
            // Shutting down: write it here rather than drop it.
            return WriteAsync([(row, written)], ct);
        }

        return written.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(CreditQuery Row, TaskCompletionSource Written)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: write what is already queued; later callers write their own row (see RecordAsync).
            _queue.Writer.TryComplete();
            await DrainAsync(batch, CancellationToken.None);
        }
    }

    private async Task DrainAsync(List<(CreditQuery Row, TaskCompletionSource Written)> batch, CancellationToken ct)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                return;
            }

            await WriteAsync(batch, ct);
        }
    }

    private async Task WriteAsync(IReadOnlyList<(CreditQuery Row, TaskCompletionSource Written)> batch, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var statements = new StatementBatch(scope.ServiceProvider.GetRequiredService<PointsDbContext>());
            foreach (var (row, _) in batch)
            {
                statements.Insert(row);
            }

            await statements.ExecuteAsync(ct);
            foreach (var (_, written) in batch)
            {
                written.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, batch.Count, ex);
            var failed = new CreditAuditUnavailableException(ex);
            foreach (var (_, written) in batch)
            {
                written.TrySetException(failed);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "audit of {Count} bank queries not written; those queries were refused")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}

/// <summary>The audit row of a bank query could not be written, so the query is not answered (503: the bank may retry).</summary>
public sealed class CreditAuditUnavailableException(Exception inner)
    : Exception("the audit of a bank query could not be written", inner);
