using System.Collections.Concurrent;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Quotas;
using StackExchange.Redis;

namespace Points.Api.Tests.Activities;

/// <summary>
/// The contract every <see cref="IQuotaStore"/> honours, run against Redis and the in-process store.
/// The "database" here is a guarded set (at most capacity members), written after each admission the
/// way the sign-up service writes its row; a flushed store is rebuilt from it under the store's lock.
/// The instants are fixed, so the store reads <see cref="Clock"/> (at <see cref="Now"/>), never the
/// system clock: its states expire a day after <see cref="Closes"/> on that clock.
/// </summary>
public abstract class QuotaStoreContractTests
{
    protected static readonly DateTimeOffset Opens = TestClocks.DefaultStart;
    protected static readonly DateTimeOffset Closes = Opens.AddHours(2);
    protected static readonly DateTimeOffset Now = Opens.AddMinutes(5);

    /// <summary>The clock the store under test reads.</summary>
    protected FakeTimeProvider Clock { get; } = TestClocks.At(Now);

    protected abstract IQuotaStore Store { get; }

    /// <summary>Loses every state, as a Redis restarted empty would.</summary>
    protected abstract Task FlushAsync();

    private static QuotaState State(Guid id, int capacity, IReadOnlyCollection<Guid>? members = null, bool open = true) =>
        new(id, capacity, open, Opens, Closes, members ?? [], Closes.AddDays(1));

    /// <summary>The database's role: a set that never exceeds capacity.</summary>
    private sealed class Truth(int capacity)
    {
        private readonly object _gate = new();
        public readonly HashSet<Guid> Members = [];
        public int Capacity = capacity;

        public bool TryInsert(Guid resident)
        {
            lock (_gate)
            {
                return Members.Count < Capacity && Members.Add(resident);
            }
        }

        public bool Remove(Guid resident)
        {
            lock (_gate)
            {
                return Members.Remove(resident);
            }
        }

        public List<Guid> Snapshot()
        {
            lock (_gate)
            {
                return [.. Members];
            }
        }
    }

    /// <summary>One sign-up attempt as the service makes it: reserve (rebuilding a lost state), write, forfeit on no place.</summary>
    private async Task<ReserveOutcome> AttemptAsync(Guid id, Guid resident, Truth truth)
    {
        var attempt = Guid.NewGuid();
        var outcome = await Store.TryReserveAsync(id, resident, eligible: true, Now, attempt);
        for (var i = 0; outcome == ReserveOutcome.Unknown && i < 50; i++)
        {
            await using (var held = await Store.TryLockAsync(id, TimeSpan.FromSeconds(5)))
            {
                if (held is not null)
                {
                    await Store.LoadAsync(State(id, truth.Capacity, truth.Snapshot()), onlyIfMissing: true);
                }
            }

            await Task.Delay(5);
            outcome = await Store.TryReserveAsync(id, resident, eligible: true, Now, attempt);
        }

        if (outcome == ReserveOutcome.Admitted && !truth.TryInsert(resident))
        {
            await Store.ForfeitAsync(id, resident);
            return ReserveOutcome.Full;
        }

        return outcome;
    }

    private static Guid[] Residents(int n) => Enumerable.Range(0, n).Select(_ => Guid.NewGuid()).ToArray();

    private static Task<T[]> Parallel<T>(IEnumerable<Func<Task<T>>> work) => Task.WhenAll(work.Select(w => Task.Run(w)));

    [Fact]
    public async Task Rush_1000AttemptsFor30Places_AdmitsExactly30()
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 30), onlyIfMissing: false);
        var residents = Residents(1000);

        var outcomes = await Parallel(residents.Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));

        Assert.Equal(30, outcomes.Count(o => o == ReserveOutcome.Admitted));
        Assert.Equal(970, outcomes.Count(o => o == ReserveOutcome.Full));
        var snapshot = await Store.ReadAsync(id);
        Assert.Equal(0, snapshot!.Remaining);
        Assert.Equal(30, snapshot.Members.Count);
        Assert.True(snapshot.Members.SetEquals(residents.Where((_, i) => outcomes[i] == ReserveOutcome.Admitted)));
    }

    [Fact]
    public async Task Reserve_SameResidentManyTimesAtOnce_AdmitsOnceThenDuplicate()
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 5), onlyIfMissing: false);
        var resident = Guid.NewGuid();

        var outcomes = await Parallel(Enumerable.Range(0, 50).Select(_ => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, resident, true, Now, Guid.NewGuid()))));

        Assert.Equal(1, outcomes.Count(o => o == ReserveOutcome.Admitted));
        Assert.Equal(49, outcomes.Count(o => o == ReserveOutcome.Duplicate));
        Assert.Equal(4, (await Store.ReadAsync(id))!.Remaining);
    }

    /// <summary>
    /// A client that resends a reserve after a dropped connection, when the first run already took the place, must
    /// hear the same answer: a second "admitted" for the same attempt, one place taken; any other attempt: duplicate.
    /// </summary>
    [Fact]
    public async Task Reserve_SameAttemptResent_AdmittedAgainAndTakesOnePlace()
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 2), onlyIfMissing: false);
        var resident = Guid.NewGuid();
        var attempt = Guid.NewGuid();

        var resent = await Parallel(Enumerable.Range(0, 20).Select(_ => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, resident, true, Now, attempt))));

        Assert.All(resent, o => Assert.Equal(ReserveOutcome.Admitted, o));
        Assert.Equal(ReserveOutcome.Duplicate, await Store.TryReserveAsync(id, resident, true, Now, Guid.NewGuid()));
        var snapshot = (await Store.ReadAsync(id))!;
        Assert.Equal(1, snapshot.Remaining);
        Assert.Equal([resident], snapshot.Members);

        // Once the place is given back, the old attempt's resend is a new request: it takes a place like any other.
        await Store.ReleaseAsync(id, resident);
        Assert.Equal(2, (await Store.ReadAsync(id))!.Remaining);
        Assert.Equal(ReserveOutcome.Admitted, await Store.TryReserveAsync(id, resident, true, Now, Guid.NewGuid()));
        Assert.Equal(ReserveOutcome.Duplicate, await Store.TryReserveAsync(id, resident, true, Now, attempt));
        Assert.Equal(1, (await Store.ReadAsync(id))!.Remaining);
    }

    [Fact]
    public async Task Reserve_AttemptOfAMemberLoadedFromTheDatabase_IsDuplicate()
    {
        var id = Guid.NewGuid();
        var resident = Guid.NewGuid();
        var attempt = Guid.NewGuid();
        await Store.LoadAsync(State(id, 3), onlyIfMissing: false);
        Assert.Equal(ReserveOutcome.Admitted, await Store.TryReserveAsync(id, resident, true, Now, attempt));

        // A rebuild forgets which attempt held the place: the resident is a member, every attempt of theirs a duplicate.
        await Store.LoadAsync(State(id, 3, [resident]), onlyIfMissing: false);

        Assert.Equal(ReserveOutcome.Duplicate, await Store.TryReserveAsync(id, resident, true, Now, attempt));
        Assert.Equal(2, (await Store.ReadAsync(id))!.Remaining);
    }

    [Fact]
    public async Task Reserve_WhenFullAndAlreadyIn_SaysDuplicateNotFull()
    {
        var id = Guid.NewGuid();
        var resident = Guid.NewGuid();
        await Store.LoadAsync(State(id, 1, [resident]), onlyIfMissing: false);

        Assert.Equal(ReserveOutcome.Duplicate, await Store.TryReserveAsync(id, resident, true, Now, Guid.NewGuid()));
        Assert.Equal(ReserveOutcome.Full, await Store.TryReserveAsync(id, Guid.NewGuid(), true, Now, Guid.NewGuid()));
    }

    public static TheoryData<int, bool, bool, ReserveOutcome> WindowEdges => new()
    {
        { -1, true, true, ReserveOutcome.NotOpen },
        { 0, true, true, ReserveOutcome.Admitted },
        { 7_199_999, true, true, ReserveOutcome.Admitted },
        { 7_200_000, true, true, ReserveOutcome.NotOpen },
        { 60_000, false, true, ReserveOutcome.NotOpen },
        { 60_000, true, false, ReserveOutcome.NotEligible },
    };

    [Theory]
    [MemberData(nameof(WindowEdges))]
    public async Task Reserve_AtWindowEdges_FollowsHalfOpenWindow(int msAfterOpening, bool open, bool eligible, ReserveOutcome expected)
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 3, open: open), onlyIfMissing: false);
        Clock.Set(Opens.AddMilliseconds(msAfterOpening));

        var outcome = await Store.TryReserveAsync(id, Guid.NewGuid(), eligible, Clock.GetUtcNow(), Guid.NewGuid());

        Assert.Equal(expected, outcome);
        Assert.Equal(expected == ReserveOutcome.Admitted ? 2 : 3, (await Store.ReadAsync(id))!.Remaining);
    }

    [Fact]
    public async Task Reserve_WithNoState_IsUnknownAndAdmitsNobody()
    {
        var id = Guid.NewGuid();

        Assert.Equal(ReserveOutcome.Unknown, await Store.TryReserveAsync(id, Guid.NewGuid(), true, Now, Guid.NewGuid()));
        Assert.Null(await Store.ReadAsync(id));
    }

    [Fact]
    public async Task Load_OnlyIfMissing_LeavesExistingStateAlone()
    {
        var id = Guid.NewGuid();
        var first = Guid.NewGuid();
        await Store.LoadAsync(State(id, 10, [first]), onlyIfMissing: false);

        var wrote = await Store.LoadAsync(State(id, 99), onlyIfMissing: true);

        Assert.False(wrote);
        var snapshot = await Store.ReadAsync(id);
        Assert.Equal(10, snapshot!.Capacity);
        Assert.Equal(9, snapshot.Remaining);
        Assert.Contains(first, snapshot.Members);
    }

    [Fact]
    public async Task CapacityRaisedDuringRush_AdmitsExactlyTheNewCapacity()
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 30), onlyIfMissing: false);
        var residents = Residents(1000);

        var first = Parallel(residents.Take(500).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        await Store.UpdateSettingsAsync(id, 50, true, Opens, Closes, Closes.AddDays(1));
        var second = Parallel(residents.Skip(500).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        var outcomes = (await first).Concat(await second).ToArray();

        Assert.Equal(50, outcomes.Count(o => o == ReserveOutcome.Admitted));
        var snapshot = await Store.ReadAsync(id);
        Assert.Equal(50, snapshot!.Members.Count);
        Assert.Equal(0, snapshot.Remaining);
    }

    [Fact]
    public async Task CapacityLoweredDuringRush_NeverAdmitsBeyondTheLargerOfNewCapacityAndThoseAlreadyIn()
    {
        var id = Guid.NewGuid();
        await Store.LoadAsync(State(id, 30), onlyIfMissing: false);
        var before = await Parallel(Residents(10).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        Assert.All(before, o => Assert.Equal(ReserveOutcome.Admitted, o));

        var lowered = Store.UpdateSettingsAsync(id, 15, true, Opens, Closes, Closes.AddDays(1));
        var outcomes = await Parallel(Residents(500).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        await lowered;

        var snapshot = await Store.ReadAsync(id);
        Assert.True(snapshot!.Members.Count <= 30);
        Assert.Equal(15, snapshot.Capacity);
        Assert.Equal(snapshot.Capacity - snapshot.Members.Count, snapshot.Remaining);
        Assert.Equal(snapshot.Members.Count - 10, outcomes.Count(o => o == ReserveOutcome.Admitted));
    }

    [Fact]
    public async Task CancelAndWaitlistTransferDuringRush_KeepsExactlyCapacityMembers()
    {
        var id = Guid.NewGuid();
        var holders = Residents(30);
        await Store.LoadAsync(State(id, 30, holders), onlyIfMissing: false);
        var waiting = Residents(10);
        var leavers = holders.Take(10).ToArray();
        var freed = Residents(5);

        var transfers = Parallel(leavers.Select((l, i) => (Func<Task<bool>>)(async () =>
        {
            await Store.TransferAsync(id, l, waiting[i]);
            return true;
        })));
        var rush = Parallel(Residents(500).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        await transfers;
        var outcomes = await rush;

        Assert.DoesNotContain(ReserveOutcome.Admitted, outcomes);
        var snapshot = await Store.ReadAsync(id);
        Assert.Equal(30, snapshot!.Members.Count);
        Assert.True(snapshot.Members.SetEquals(holders.Skip(10).Concat(waiting)));
        Assert.Equal(0, snapshot.Remaining);

        // A plain release frees exactly one place, which exactly one of many takes.
        await Store.ReleaseAsync(id, holders[29]);
        await Store.ReleaseAsync(id, holders[29]);
        var second = await Parallel(freed.Concat(Residents(200)).Select(r => (Func<Task<ReserveOutcome>>)(() => Store.TryReserveAsync(id, r, true, Now, Guid.NewGuid()))));
        Assert.Equal(1, second.Count(o => o == ReserveOutcome.Admitted));
        Assert.Equal(30, (await Store.ReadAsync(id))!.Members.Count);
    }

    [Fact]
    public async Task FlushMidRush_RebuiltFromTheDatabase_AdmitsExactlyCapacity()
    {
        var id = Guid.NewGuid();
        var truth = new Truth(30);
        await Store.LoadAsync(State(id, 30), onlyIfMissing: false);
        var residents = Residents(1000);
        var started = 0;

        var outcomes = await Parallel(residents.Select(r => (Func<Task<ReserveOutcome>>)(async () =>
        {
            if (Interlocked.Increment(ref started) == 15)
            {
                await FlushAsync();
            }

            return await AttemptAsync(id, r, truth);
        })));

        var admitted = residents.Where((_, i) => outcomes[i] == ReserveOutcome.Admitted).ToHashSet();
        Assert.Equal(30, admitted.Count);
        Assert.True(admitted.SetEquals(truth.Snapshot()));
        Assert.DoesNotContain(ReserveOutcome.Unknown, outcomes);
        await Store.LoadAsync(State(id, 30, truth.Snapshot()), onlyIfMissing: false);
        var repaired = await Store.ReadAsync(id);
        Assert.True(repaired!.Members.SetEquals(admitted));
        Assert.Equal(0, repaired.Remaining);
    }
}

public sealed class InProcessQuotaStoreTests : QuotaStoreContractTests
{
    private readonly InProcessQuotaStore _store;

    public InProcessQuotaStoreTests()
    {
        _store = new InProcessQuotaStore(Clock);
    }

    protected override IQuotaStore Store => _store;

    protected override Task FlushAsync()
    {
        _store.Clear();
        return Task.CompletedTask;
    }
}

public sealed class RedisQuotaStoreTests : QuotaStoreContractTests, IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(TestServers.Redis + ",abortConnect=false");
    private readonly string _prefix = $"test:{Guid.NewGuid():N}:";
    private readonly RedisQuotaStore _store;

    public RedisQuotaStoreTests()
    {
        _store = new RedisQuotaStore(_redis, _prefix, Clock);
    }

    protected override IQuotaStore Store => _store;

    /// <summary>Deletes this test's keys only (other test classes share the server).</summary>
    protected override async Task FlushAsync()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var keys = server.Keys(pattern: _prefix + "*", pageSize: 1000).ToArray();
        if (keys.Length > 0)
        {
            await _redis.GetDatabase().KeyDeleteAsync(keys);
        }
    }

    [Fact]
    public async Task Keys_OfOneActivity_ShareAHashTagAndExpireByTheInjectedClock()
    {
        var id = Guid.NewGuid();
        await _store.LoadAsync(new QuotaState(id, 5, true, Opens, Closes, [Guid.NewGuid()], Clock.GetUtcNow().AddDays(2)), onlyIfMissing: false);
        var db = _redis.GetDatabase();

        foreach (var key in _store.Keys(id))
        {
            Assert.StartsWith(_prefix + "{act:" + id.ToString("N") + "}", (string)key!, StringComparison.Ordinal);
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
        }
    }

    public void Dispose() => _redis.Dispose();
}
