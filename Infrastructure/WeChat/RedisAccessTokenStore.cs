using System.Globalization;
using StackExchange.Redis;

namespace Points.Infrastructure.WeChat;

/// <summary>
/// Token store shared by every instance through Redis. Keys: <c>{prefix}{appid}:token</c> (value
/// <c>{expiresAtUnixMs}|{token}</c>, TTL = expiry), <c>:lock</c>, <c>:force:last</c>, <c>:force:{yyyyMMdd}</c>.
/// The expiry is kept in the value so an injected TimeProvider decides, not only the Redis clock.
/// </summary>
public sealed class RedisAccessTokenStore : IAccessTokenStore
{
    private const string ExpireIfMatchesScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then return 0 end
        local sep = string.find(v, '|', 1, true)
        if sep and string.sub(v, sep + 1) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;

    private const string ReleaseLockScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // KEYS: last, day counter. ARGV: now ms, min interval ms, daily limit, day key ttl ms.
    private const string ReserveForceScript = """
        local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
        local now = tonumber(ARGV[1])
        if last >= 0 and now - last < tonumber(ARGV[2]) then return 0 end
        local count = tonumber(redis.call('GET', KEYS[2]) or '0')
        if count >= tonumber(ARGV[3]) then return -1 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
        redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return 1
        """;

    private static readonly TimeSpan MinimumTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CounterTtl = TimeSpan.FromHours(48);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;

    public RedisAccessTokenStore(IConnectionMultiplexer redis, string keyPrefix = "wx:")
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _prefix = keyPrefix ?? "";
    }

    public string TokenKey(string appId) => $"{_prefix}{appId}:token";

    private string LockKey(string appId) => $"{_prefix}{appId}:lock";

    private IDatabase Db => _redis.GetDatabase();

    public async Task<CachedAccessToken?> GetAsync(string appId, CancellationToken ct)
    {
        var value = await Db.StringGetAsync(TokenKey(appId)).WaitAsync(ct).ConfigureAwait(false);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var text = (string)value!;
        var sep = text.IndexOf('|', StringComparison.Ordinal);
        if (sep <= 0 || !long.TryParse(text.AsSpan(0, sep), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresMs))
        {
            return null;
        }

        return new CachedAccessToken(text[(sep + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(expiresMs));
    }

    public async Task SetAsync(string appId, CachedAccessToken token, DateTimeOffset now, CancellationToken ct)
    {
        var ttl = token.ExpiresAt - now;
        var value = $"{token.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}|{token.Token}";
        await Db.StringSetAsync(TokenKey(appId), value, ttl < MinimumTtl ? MinimumTtl : ttl).WaitAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> ExpireIfMatchesAsync(string appId, string failedToken, CancellationToken ct)
    {
        var result = await Db.ScriptEvaluateAsync(ExpireIfMatchesScript, [TokenKey(appId)], [failedToken]).WaitAsync(ct).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task<string?> TryAcquireLockAsync(string appId, TimeSpan lease, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var taken = await Db.StringSetAsync(LockKey(appId), id, lease, When.NotExists).WaitAsync(ct).ConfigureAwait(false);
        return taken ? id : null;
    }

    public async Task ReleaseLockAsync(string appId, string lockId, CancellationToken ct) =>
        await Db.ScriptEvaluateAsync(ReleaseLockScript, [LockKey(appId)], [lockId]).WaitAsync(ct).ConfigureAwait(false);

    public async Task<bool> TryReserveForceRefreshAsync(string appId, DateTimeOffset now, TimeSpan minInterval, int dailyLimit, CancellationToken ct)
    {
        RedisKey[] keys = [$"{_prefix}{appId}:force:last", $"{_prefix}{appId}:force:{AccessTokenStoreDay.Of(now)}"];
        RedisValue[] args =
        [
            now.ToUnixTimeMilliseconds(),
            (long)minInterval.TotalMilliseconds,
            dailyLimit,
            (long)CounterTtl.TotalMilliseconds,
        ];
        var result = await Db.ScriptEvaluateAsync(ReserveForceScript, keys, args).WaitAsync(ct).ConfigureAwait(false);
        return (long)result == 1;
    }
}
