using System.Globalization;
using StackExchange.Redis;

namespace Points.Infrastructure.Quotas;

/// <summary>
/// Activity quotas in Redis, shared by every API instance. One activity's keys share the hash tag
/// <c>{act:&lt;id&gt;}</c> (so a Redis Cluster keeps them on one shard and one script may touch them
/// all) and carry the same TTL: <c>meta</c> (hash: capacity, open, opens, closes in Unix ms),
/// <c>members</c> (set of resident ids) and <c>remaining</c> (places left). A missing meta or
/// remaining key means "unknown", never "places left": a Redis that restarted empty admits nobody
/// until the state is rebuilt from the database. Each place the script hands out records the
/// attempt that took it (meta field <c>hold:&lt;resident&gt;</c>), so a reserve the client sends
/// again after a dropped connection, whose first run already took effect, gets the same answer.
/// </summary>
public sealed class RedisQuotaStore(IConnectionMultiplexer redis, string keyPrefix, TimeProvider clock) : IQuotaStore
{
    // ARGV: resident, eligible, now (Unix ms), attempt id. The same attempt run twice takes one place and hears "admitted" twice.
    private const string ReserveLua = """
        local meta = redis.call('HMGET', KEYS[1], 'open', 'opens', 'closes', 'hold:' .. ARGV[1])
        if not meta[1] then return -9 end
        local remaining = tonumber(redis.call('GET', KEYS[3]))
        if remaining == nil then return -9 end
        local member = redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1
        if member and meta[4] == ARGV[4] then return 1 end
        local now = tonumber(ARGV[3])
        if meta[1] ~= '1' or now < tonumber(meta[2]) or now >= tonumber(meta[3]) then return -2 end
        if ARGV[2] ~= '1' then return -3 end
        if member then return -1 end
        if remaining <= 0 then return 0 end
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[1], 'hold:' .. ARGV[1], ARGV[4])
        redis.call('DECR', KEYS[3])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        return 1
        """;

    // ARGV[1] leaving ('' for none), ARGV[2] joining ('' for none), ARGV[3] '1' when the leaver gives the place back.
    private const string AdjustLua = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then return -9 end
        local delta = 0
        if ARGV[1] ~= '' then redis.call('HDEL', KEYS[1], 'hold:' .. ARGV[1]) end
        if ARGV[1] ~= '' and redis.call('SREM', KEYS[2], ARGV[1]) == 1 and ARGV[3] == '1' then delta = delta + 1 end
        if ARGV[2] ~= '' and redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
          delta = delta - 1
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        if delta ~= 0 then redis.call('INCRBY', KEYS[3], delta) end
        return delta
        """;

    // ARGV: onlyIfMissing, capacity, open, opens, closes, ttlMs, members...
    private const string LoadLua = """
        if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 1 and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        redis.call('HSET', KEYS[1], 'capacity', ARGV[2], 'open', ARGV[3], 'opens', ARGV[4], 'closes', ARGV[5])
        local n = #ARGV - 6
        for i = 7, #ARGV, 1000 do
          redis.call('SADD', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        redis.call('SET', KEYS[3], tonumber(ARGV[2]) - n)
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('PEXPIRE', KEYS[3], ARGV[6])
        if n > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
        return 1
        """;

    // ARGV: capacity, open, opens, closes, ttlMs
    private const string SettingsLua = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then return -9 end
        local old = tonumber(redis.call('HGET', KEYS[1], 'capacity'))
        redis.call('HSET', KEYS[1], 'capacity', ARGV[1], 'open', ARGV[2], 'opens', ARGV[3], 'closes', ARGV[4])
        redis.call('INCRBY', KEYS[3], tonumber(ARGV[1]) - old)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[3], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        return 1
        """;

    private const string ReadLua = """
        local meta = redis.call('HMGET', KEYS[1], 'capacity', 'open', 'opens', 'closes')
        local remaining = redis.call('GET', KEYS[3])
        if not meta[1] or not remaining then return {} end
        return { meta[1], meta[2], meta[3], meta[4], remaining, redis.call('SMEMBERS', KEYS[2]) }
        """;

    /// <summary>The keys of one activity: meta, members, remaining (and the rebuild lock).</summary>
    public RedisKey[] Keys(Guid activityId)
    {
        var tag = $"{keyPrefix}{{act:{activityId:N}}}";
        return [tag + ":meta", tag + ":members", tag + ":remaining"];
    }

    private RedisKey LockKey(Guid activityId) => $"{keyPrefix}{{act:{activityId:N}}}:lock";

    /// <summary>
    /// Runs a script. The client sends EVALSHA for a script it has sent before and EVAL again by itself when the server
    /// answers NOSCRIPT (e.g. after a restart); this store used to do that by hand with StackExchange.Redis 1.2.6.
    /// </summary>
    private Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] values) =>
        redis.GetDatabase().ScriptEvaluateAsync(script, keys, values);

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static long TtlMs(DateTimeOffset expiresAt, DateTimeOffset now) => Math.Max(60_000, (long)(expiresAt - now).TotalMilliseconds);

    public async Task<ReserveOutcome> TryReserveAsync(Guid activityId, Guid residentId, bool eligible, DateTimeOffset now, Guid attemptId, CancellationToken ct = default)
    {
        var result = await RunAsync(ReserveLua, Keys(activityId), [residentId.ToString("N"), eligible ? "1" : "0", Ms(now), attemptId.ToString("N")]);
        return (ReserveOutcome)(int)result;
    }

    public Task ReleaseAsync(Guid activityId, Guid residentId, CancellationToken ct = default) =>
        RunAsync(AdjustLua, Keys(activityId), [residentId.ToString("N"), "", "1"]);

    public Task ForfeitAsync(Guid activityId, Guid residentId, CancellationToken ct = default) =>
        RunAsync(AdjustLua, Keys(activityId), [residentId.ToString("N"), "", "0"]);

    public Task AddAsync(Guid activityId, Guid residentId, CancellationToken ct = default) =>
        RunAsync(AdjustLua, Keys(activityId), ["", residentId.ToString("N"), "1"]);

    public Task TransferAsync(Guid activityId, Guid leaving, Guid joining, CancellationToken ct = default) =>
        RunAsync(AdjustLua, Keys(activityId), [leaving.ToString("N"), joining.ToString("N"), "1"]);

    public async Task<bool> LoadAsync(QuotaState state, bool onlyIfMissing, CancellationToken ct = default)
    {
        var values = new List<RedisValue>(state.Members.Count + 6)
        {
            onlyIfMissing ? "1" : "0",
            state.Capacity,
            state.Open ? "1" : "0",
            Ms(state.OpensAt),
            Ms(state.ClosesAt),
            TtlMs(state.ExpiresAt, clock.GetUtcNow()),
        };
        values.AddRange(state.Members.Select(m => (RedisValue)m.ToString("N")));
        return (int)await RunAsync(LoadLua, Keys(state.ActivityId), [.. values]) == 1;
    }

    public async Task<bool> UpdateSettingsAsync(Guid activityId, int capacity, bool open, DateTimeOffset opensAt, DateTimeOffset closesAt, DateTimeOffset expiresAt, CancellationToken ct = default) =>
        (int)await RunAsync(SettingsLua, Keys(activityId), [capacity, open ? "1" : "0", Ms(opensAt), Ms(closesAt), TtlMs(expiresAt, clock.GetUtcNow())]) == 1;

    public async Task<QuotaSnapshot?> ReadAsync(Guid activityId, CancellationToken ct = default)
    {
        var parts = (RedisResult[])(await RunAsync(ReadLua, Keys(activityId), []))!;
        if (parts.Length == 0)
        {
            return null;
        }

        static long L(RedisResult r) => long.Parse((string)r!, CultureInfo.InvariantCulture);
        var members = ((RedisResult[])parts[5]!).Select(m => Guid.ParseExact((string)m!, "N")).ToHashSet();
        return new QuotaSnapshot((int)L(parts[0]), (int)L(parts[4]), (string)parts[1]! == "1",
            DateTimeOffset.FromUnixTimeMilliseconds(L(parts[2])), DateTimeOffset.FromUnixTimeMilliseconds(L(parts[3])), members);
    }

    public async Task<IAsyncDisposable?> TryLockAsync(Guid activityId, TimeSpan ttl, CancellationToken ct = default)
    {
        var db = redis.GetDatabase();
        var key = LockKey(activityId);
        var token = Guid.NewGuid().ToString("N");
        return await db.LockTakeAsync(key, token, ttl) ? new Releaser(db, key, token) : null;
    }

    private sealed class Releaser(IDatabase db, RedisKey key, string token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.LockReleaseAsync(key, token);
            }
            catch (RedisException)
            {
                // The lock expires on its own.
            }
        }
    }
}
