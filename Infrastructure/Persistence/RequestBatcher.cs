using System.Threading.Channels;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// Coalesces the same small database operation of concurrent requests into one round trip (group commit for
/// writes, one <c>IN (…)</c> query for reads): each request queues its item and waits; a worker takes whatever
/// is queued (up to <see cref="MaxBatch"/>), runs it once for all, and completes every waiting request with its
/// own result or with the batch's exception. Nothing is cached: an item is only ever served by a batch that
/// started after it was queued. With no load a batch holds one item and costs what the single call would.
/// </summary>
public sealed class RequestBatcher<TItem, TResult>
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>();

    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _run;
    private readonly Func<Exception, Exception> _wrap;

    /// <param name="run">Runs one batch; returns one result per item, in order.</param>
    /// <param name="wrap">Turns a failed batch's exception into the one each waiting request sees.</param>
    public RequestBatcher(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> run, Func<Exception, Exception>? wrap = null, int maxBatch = 256, int workers = 2)
    {
        _run = run;
        _wrap = wrap ?? (ex => ex);
        MaxBatch = maxBatch;
        Workers = workers;
    }

    public int MaxBatch { get; }

    /// <summary>Batches in flight at once: while one runs, the next forms and leaves without waiting for it.</summary>
    public int Workers { get; }

    public Task<TResult> RunAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            // Stopped: run it alone rather than refuse it.
            return RunAloneAsync(item, ct);
        }

        return done.Task.WaitAsync(ct);
    }

    /// <summary>Runs the workers until <paramref name="stoppingToken"/> fires, then serves what is still queued.</summary>
    public async Task ProcessAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));
        _queue.Writer.TryComplete();
        await DrainAsync(new List<(TItem, TaskCompletionSource<TResult>)>(MaxBatch));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
            {
                batch.Add(queued);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                var results = await _run([.. batch.Select(b => b.Item)], CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                var failed = _wrap(ex);
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(failed);
                }
            }
        }
    }

    private async Task<TResult> RunAloneAsync(TItem item, CancellationToken ct)
    {
        try
        {
            return (await _run([item], ct))[0];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _wrap(ex);
        }
    }
}
