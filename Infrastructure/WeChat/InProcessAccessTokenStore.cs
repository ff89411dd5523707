namespace Points.Infrastructure.WeChat;

/// <summary>Token store for a single instance without Redis (the embedded default).</summary>
public sealed class InProcessAccessTokenStore : IAccessTokenStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CachedAccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _locks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Last, string Day, int Count)> _forced = new(StringComparer.Ordinal);

    public Task<CachedAccessToken?> GetAsync(string appId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_tokens.GetValueOrDefault(appId));
        }
    }

    public Task SetAsync(string appId, CachedAccessToken token, DateTimeOffset now, CancellationToken ct)
    {
        lock (_gate)
        {
            _tokens[appId] = token;
        }

        return Task.CompletedTask;
    }

    public Task<bool> ExpireIfMatchesAsync(string appId, string failedToken, CancellationToken ct)
    {
        lock (_gate)
        {
            var matches = _tokens.TryGetValue(appId, out var current) && current.Token == failedToken;
            if (matches)
            {
                _tokens.Remove(appId);
            }

            return Task.FromResult(matches);
        }
    }

    public Task<string?> TryAcquireLockAsync(string appId, TimeSpan lease, CancellationToken ct)
    {
        // In one process the provider's semaphore already serialises refreshes; the lease is not needed.
        lock (_gate)
        {
            if (_locks.ContainsKey(appId))
            {
                return Task.FromResult<string?>(null);
            }

            var id = Guid.NewGuid().ToString("N");
            _locks[appId] = id;
            return Task.FromResult<string?>(id);
        }
    }

    public Task ReleaseLockAsync(string appId, string lockId, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_locks.TryGetValue(appId, out var owner) && owner == lockId)
            {
                _locks.Remove(appId);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryReserveForceRefreshAsync(string appId, DateTimeOffset now, TimeSpan minInterval, int dailyLimit, CancellationToken ct)
    {
        var day = AccessTokenStoreDay.Of(now);
        lock (_gate)
        {
            if (_forced.TryGetValue(appId, out var state))
            {
                if (now - state.Last < minInterval)
                {
                    return Task.FromResult(false);
                }

                var count = state.Day == day ? state.Count : 0;
                if (count >= dailyLimit)
                {
                    return Task.FromResult(false);
                }

                _forced[appId] = (now, day, count + 1);
                return Task.FromResult(true);
            }

            if (dailyLimit <= 0)
            {
                return Task.FromResult(false);
            }

            _forced[appId] = (now, day, 1);
            return Task.FromResult(true);
        }
    }
}
