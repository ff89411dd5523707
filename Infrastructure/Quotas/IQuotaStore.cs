namespace Points.Infrastructure.Quotas;

/// <summary>What one admission attempt got. The numbers are what the Redis script returns.</summary>
public enum ReserveOutcome
{
    Admitted = 1,
    Full = 0,
    Duplicate = -1,
    NotOpen = -2,
    NotEligible = -3,

    /// <summary>The store has no (complete) state for the activity, e.g. Redis restarted empty: rebuild from the database first.</summary>
    Unknown = -9,
}

/// <summary>The admission state of one activity, as rebuilt from the database.</summary>
public sealed record QuotaState(
    Guid ActivityId,
    int Capacity,
    bool Open,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    IReadOnlyCollection<Guid> Members,
    DateTimeOffset ExpiresAt);

/// <summary>What the store holds for one activity right now.</summary>
public sealed record QuotaSnapshot(int Capacity, int Remaining, bool Open, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, IReadOnlySet<Guid> Members);

/// <summary>
/// Admission control for activity places: the fast, atomic "may this resident take a place" answer
/// that keeps a rush of attempts away from the database. It is never the source of truth: the
/// database is, and <see cref="LoadAsync"/> rebuilds the store from it. Every decision of
/// <see cref="TryReserveAsync"/> is one atomic step (one Lua script on Redis, one lock in process):
/// window open, eligible, not already in, a place left, then reserve.
/// </summary>
public interface IQuotaStore
{
    /// <summary>
    /// One admission decision. <paramref name="attemptId"/> names the sign-up attempt: the store remembers which attempt
    /// took a place, so the same attempt asking again (a command resent after a dropped connection, whose first run
    /// already took effect) hears <see cref="ReserveOutcome.Admitted"/> again and takes no second place, where any
    /// other attempt of that resident hears <see cref="ReserveOutcome.Duplicate"/>.
    /// </summary>
    Task<ReserveOutcome> TryReserveAsync(Guid activityId, Guid residentId, bool eligible, DateTimeOffset now, Guid attemptId, CancellationToken ct = default);

    /// <summary>A member gives the place back (cancelled, or the database write failed): removed, one place more.</summary>
    Task ReleaseAsync(Guid activityId, Guid residentId, CancellationToken ct = default);

    /// <summary>
    /// An admitted attempt found no place in the database (the store had overstated the places, e.g.
    /// after a rebuild raced in-flight writes): removed without giving a place back, which corrects the count.
    /// </summary>
    Task ForfeitAsync(Guid activityId, Guid residentId, CancellationToken ct = default);

    /// <summary>Records a member the database admitted (waitlist promotion, database fallback path): one place fewer if new.</summary>
    Task AddAsync(Guid activityId, Guid residentId, CancellationToken ct = default);

    /// <summary>A freed place passes straight to another resident (waitlist promotion): the count stays.</summary>
    Task TransferAsync(Guid activityId, Guid leaving, Guid joining, CancellationToken ct = default);

    /// <summary>Writes the whole state; with <paramref name="onlyIfMissing"/> it leaves an existing state alone. Returns whether it wrote.</summary>
    Task<bool> LoadAsync(QuotaState state, bool onlyIfMissing, CancellationToken ct = default);

    /// <summary>New capacity, window or open flag; the places left move by the capacity change. False when there is no state.</summary>
    Task<bool> UpdateSettingsAsync(Guid activityId, int capacity, bool open, DateTimeOffset opensAt, DateTimeOffset closesAt, DateTimeOffset expiresAt, CancellationToken ct = default);

    Task<QuotaSnapshot?> ReadAsync(Guid activityId, CancellationToken ct = default);

    /// <summary>A short exclusive lock on one activity's state, for rebuilding it; null when someone else holds it.</summary>
    Task<IAsyncDisposable?> TryLockAsync(Guid activityId, TimeSpan ttl, CancellationToken ct = default);
}
