using System.Collections.Concurrent;

namespace Points.Infrastructure.Quotas;

/// <summary>
/// The quota store of the embedded default (no Redis configured): one process, one lock per
/// activity, the same contract as <see cref="RedisQuotaStore"/>. Only valid for a single instance.
/// </summary>
public sealed class InProcessQuotaStore(TimeProvider clock) : IQuotaStore
{
    private readonly ConcurrentDictionary<Guid, State> _states = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _locks = new();

    private sealed class State
    {
        public int Capacity;
        public int Remaining;
        public bool Open;
        public DateTimeOffset OpensAt;
        public DateTimeOffset ClosesAt;
        public DateTimeOffset ExpiresAt;
        public readonly HashSet<Guid> Members = [];

        /// <summary>The attempt that took each member's place through <see cref="TryReserveAsync"/>.</summary>
        public readonly Dictionary<Guid, Guid> Holds = [];
    }

    /// <summary>Forgets everything, as a restarted Redis would (tests).</summary>
    public void Clear() => _states.Clear();

    private State? Get(Guid id)
    {
        if (_states.TryGetValue(id, out var state))
        {
            if (state.ExpiresAt > clock.GetUtcNow())
            {
                return state;
            }

            _states.TryRemove(new KeyValuePair<Guid, State>(id, state));
        }

        return null;
    }

    public Task<ReserveOutcome> TryReserveAsync(Guid activityId, Guid residentId, bool eligible, DateTimeOffset now, Guid attemptId, CancellationToken ct = default)
    {
        var state = Get(activityId);
        if (state is null)
        {
            return Task.FromResult(ReserveOutcome.Unknown);
        }

        lock (state)
        {
            ReserveOutcome outcome;
            if (state.Members.Contains(residentId) && state.Holds.TryGetValue(residentId, out var holder) && holder == attemptId)
            {
                outcome = ReserveOutcome.Admitted;
            }
            else if (!state.Open || now < state.OpensAt || now >= state.ClosesAt)
            {
                outcome = ReserveOutcome.NotOpen;
            }
            else if (!eligible)
            {
                outcome = ReserveOutcome.NotEligible;
            }
            else if (state.Members.Contains(residentId))
            {
                outcome = ReserveOutcome.Duplicate;
            }
            else if (state.Remaining <= 0)
            {
                outcome = ReserveOutcome.Full;
            }
            else
            {
                state.Members.Add(residentId);
                state.Holds[residentId] = attemptId;
                state.Remaining--;
                outcome = ReserveOutcome.Admitted;
            }

            return Task.FromResult(outcome);
        }
    }

    public Task ReleaseAsync(Guid activityId, Guid residentId, CancellationToken ct = default) => Adjust(activityId, residentId, null, giveBack: true);

    public Task ForfeitAsync(Guid activityId, Guid residentId, CancellationToken ct = default) => Adjust(activityId, residentId, null, giveBack: false);

    public Task AddAsync(Guid activityId, Guid residentId, CancellationToken ct = default) => Adjust(activityId, null, residentId, giveBack: true);

    public Task TransferAsync(Guid activityId, Guid leaving, Guid joining, CancellationToken ct = default) => Adjust(activityId, leaving, joining, giveBack: true);

    private Task Adjust(Guid activityId, Guid? leaving, Guid? joining, bool giveBack)
    {
        var state = Get(activityId);
        if (state is null)
        {
            return Task.CompletedTask;
        }

        lock (state)
        {
            if (leaving is { } l)
            {
                state.Holds.Remove(l);
                if (state.Members.Remove(l) && giveBack)
                {
                    state.Remaining++;
                }
            }

            if (joining is { } j && state.Members.Add(j))
            {
                state.Remaining--;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> LoadAsync(QuotaState state, bool onlyIfMissing, CancellationToken ct = default)
    {
        var fresh = new State
        {
            Capacity = state.Capacity,
            Open = state.Open,
            OpensAt = state.OpensAt,
            ClosesAt = state.ClosesAt,
            ExpiresAt = state.ExpiresAt,
        };
        fresh.Members.UnionWith(state.Members);
        fresh.Remaining = state.Capacity - fresh.Members.Count;
        if (onlyIfMissing)
        {
            if (Get(state.ActivityId) is not null)
            {
                return Task.FromResult(false);
            }

            return Task.FromResult(_states.TryAdd(state.ActivityId, fresh));
        }

        _states[state.ActivityId] = fresh;
        return Task.FromResult(true);
    }

    public Task<bool> UpdateSettingsAsync(Guid activityId, int capacity, bool open, DateTimeOffset opensAt, DateTimeOffset closesAt, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        var state = Get(activityId);
        if (state is null)
        {
            return Task.FromResult(false);
        }

        lock (state)
        {
            state.Remaining += capacity - state.Capacity;
            state.Capacity = capacity;
            state.Open = open;
            state.OpensAt = opensAt;
            state.ClosesAt = closesAt;
            state.ExpiresAt = expiresAt;
        }

        return Task.FromResult(true);
    }

    public Task<QuotaSnapshot?> ReadAsync(Guid activityId, CancellationToken ct = default)
    {
        var state = Get(activityId);
        if (state is null)
        {
            return Task.FromResult<QuotaSnapshot?>(null);
        }

        lock (state)
        {
            return Task.FromResult<QuotaSnapshot?>(new QuotaSnapshot(state.Capacity, state.Remaining, state.Open, state.OpensAt, state.ClosesAt, state.Members.ToHashSet()));
        }
    }

    public Task<IAsyncDisposable?> TryLockAsync(Guid activityId, TimeSpan ttl, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var until = now + ttl;
        while (true)
        {
            if (_locks.TryAdd(activityId, until))
            {
                return Task.FromResult<IAsyncDisposable?>(new Releaser(() => _locks.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(activityId, until))));
            }

            if (_locks.TryGetValue(activityId, out var held) && held <= now && _locks.TryUpdate(activityId, until, held))
            {
                return Task.FromResult<IAsyncDisposable?>(new Releaser(() => _locks.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(activityId, until))));
            }

            if (_locks.ContainsKey(activityId))
            {
                return Task.FromResult<IAsyncDisposable?>(null);
            }
        }
    }

    private sealed class Releaser(Action release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            release();
            return ValueTask.CompletedTask;
        }
    }
}
