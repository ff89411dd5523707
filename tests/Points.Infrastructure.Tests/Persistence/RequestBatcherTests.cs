using System.Collections.Concurrent;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Tests.Persistence;

public sealed class RequestBatcherTests
{
    [Fact]
    public async Task RunAsync_TwoHundredConcurrentCalls_EachGetsItsOwnResultInFewerBatches()
    {
        var batches = new ConcurrentBag<int>();
        var gate = new TaskCompletionSource();
        var batcher = new RequestBatcher<int, string>(async (items, ct) =>
        {
            batches.Add(items.Count);
            await gate.Task;
            return [.. items.Select(i => $"r{i}")];
        }, maxBatch: 64, workers: 2);
        using var stop = new CancellationTokenSource();
        var processing = batcher.ProcessAsync(stop.Token);

        var calls = Enumerable.Range(0, 200).Select(i => batcher.RunAsync(i, CancellationToken.None)).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"r{i}"), results);
        Assert.Equal(200, batches.Sum());
        Assert.True(batches.Count < 200, $"{batches.Count} batches for 200 calls");
        Assert.All(batches, size => Assert.InRange(size, 1, 64));
        await stop.CancelAsync();
        await processing;
    }

    [Fact]
    public async Task RunAsync_BatchFails_EveryWaitingCallSeesTheWrappedException()
    {
        var batcher = new RequestBatcher<int, int>(
            (_, _) => throw new InvalidOperationException("database down"),
            ex => new TimeoutException("wrapped", ex));
        using var stop = new CancellationTokenSource();
        var processing = batcher.ProcessAsync(stop.Token);

        var calls = Enumerable.Range(0, 10).Select(i => batcher.RunAsync(i, CancellationToken.None)).ToArray();

        foreach (var call in calls)
        {
            var thrown = await Assert.ThrowsAsync<TimeoutException>(() => call);
            Assert.IsType<InvalidOperationException>(thrown.InnerException);
        }

        await stop.CancelAsync();
        await processing;
    }

    [Fact]
    public async Task RunAsync_AfterStop_StillServedAlone()
    {
        var batcher = new RequestBatcher<int, int>((items, _) => Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 2)]));
        using var stop = new CancellationTokenSource();
        var processing = batcher.ProcessAsync(stop.Token);
        await stop.CancelAsync();
        await processing;

        Assert.Equal(42, await batcher.RunAsync(21, CancellationToken.None));
    }
}
