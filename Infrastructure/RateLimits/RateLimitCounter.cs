using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Points.Infrastructure.RateLimits;

/// <summary>One hit counted against a fixed window: allowed or not, and when the window ends.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Fixed-window request counters keyed by a partition (a client address, an account, a token family).
/// With Redis every instance counts in the same key, so adding instances does not multiply the budget;
/// without it the counts live in this process.
/// </summary>
public interface IRateLimitCounter
{
    Task<RateLimitDecision> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct);
}

/// <summary>Counters in this process (the embedded default: one instance).</summary>
public sealed class InProcessRateLimitCounter(TimeProvider clock) : IRateLimitCounter
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window(DateTimeOffset endsAt)
    {
        public DateTimeOffset EndsAt = endsAt;
        public int Count;
    }

    public Task<RateLimitDecision> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_windows.Count > PruneAbove)
        {
            foreach (var (k, w) in _windows)
            {
                if (w.EndsAt <= now)
                {
                    _windows.TryRemove(k, out _);
                }
            }
        }

        var entry = _windows.GetOrAdd(key, _ => new Window(now + window));
        lock (entry)
        {
            if (entry.EndsAt <= now)
            {
                entry.EndsAt = now + window;
                entry.Count = 0;
            }

            entry.Count++;
            return Task.FromResult(new RateLimitDecision(entry.Count <= limit, entry.EndsAt - now));
        }
    }
}

/// <summary>
/// Counters in Redis: one script increments the key and starts its window (a TTL) on the first hit, so
/// every instance shares the count. Redis keeps the time. If Redis cannot be reached the hit is counted in
/// this process instead: sign-in keeps working, with per-instance budgets until Redis is back.
/// </summary>
public sealed partial class RedisRateLimitCounter(IConnectionMultiplexer redis, string keyPrefix, InProcessRateLimitCounter fallback, ILogger<RedisRateLimitCounter> logger) : IRateLimitCounter
{
    private const string HitLua = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if n == 1 or ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        """;

    public async Task<RateLimitDecision> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(HitLua, [(RedisKey)(keyPrefix + "rl:" + key)], [(long)window.TotalMilliseconds]))!;
            var count = (long)result[0];
            var ttl = (long)result[1];
            return new RateLimitDecision(count <= limit, TimeSpan.FromMilliseconds(Math.Max(0, ttl)));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogFallback(logger, ex.GetType().Name);
            return await fallback.HitAsync(key, limit, window, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "rate limit counted in process: Redis unavailable ({Error})")]
    private static partial void LogFallback(ILogger logger, string error);
}
