namespace Points.Domain.Identity;

/// <summary>
/// Password attempts on one staff account from one source address, or from every source at once
/// (<see cref="AllSources"/>). An attempt is admitted before its password is checked, by one
/// conditional update on this row, so parallel guesses cannot outrun the limit. A source where the
/// account signed in successfully is trusted for <see cref="TrustDuration"/> and skips the account-wide
/// limit: an attacker guessing from elsewhere then locks only their own addresses, not the real user's.
/// </summary>
public sealed class LoginThrottle
{
    public const string AllSources = "*";
    public const int SourceMaxLength = 64;

    /// <summary>Failed passwords from one address within <see cref="Window"/> that lock that address out.</summary>
    public const int PerSourceLimit = 5;

    /// <summary>Failed passwords from untrusted addresses within <see cref="Window"/> that lock every untrusted address out.</summary>
    public const int AllSourcesLimit = 20;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan TrustDuration = TimeSpan.FromDays(30);

    private LoginThrottle()
    {
        Source = AllSources;
    }

    public LoginThrottle(Guid userId, string source, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        UserId = userId;
        Source = source.Length > SourceMaxLength ? source[..SourceMaxLength] : source;
        WindowStartedAt = now;
    }

    public Guid UserId { get; private set; }

    /// <summary>The client address, or <see cref="AllSources"/>.</summary>
    public string Source { get; private set; }

    /// <summary>Attempts admitted in the window: those still being checked plus those that failed.</summary>
    public int Attempts { get; private set; }

    /// <summary>Attempts in the window whose password was wrong.</summary>
    public int Failures { get; private set; }

    public DateTimeOffset WindowStartedAt { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>Per-source rows only: until when this address counts as the account's usual network.</summary>
    public DateTimeOffset? TrustedUntil { get; private set; }

    public static int LimitFor(string source) => source == AllSources ? AllSourcesLimit : PerSourceLimit;
}

public enum AccountLockEventKind
{
    Locked,
    Unlocked,
}

/// <summary>Audit trail: a lock taken by failed passwords, or an unlock by staff.</summary>
public sealed class AccountLockEvent
{
    public const int KindMaxLength = 16;

    private AccountLockEvent()
    {
        Source = LoginThrottle.AllSources;
    }

    private AccountLockEvent(Guid id, Guid userId, AccountLockEventKind kind, string source, DateTimeOffset at, DateTimeOffset? lockedUntil, Guid? actorId)
    {
        Id = id;
        UserId = userId;
        Kind = kind;
        Source = source.Length > LoginThrottle.SourceMaxLength ? source[..LoginThrottle.SourceMaxLength] : source;
        At = at;
        LockedUntil = lockedUntil;
        ActorId = actorId;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public AccountLockEventKind Kind { get; private set; }

    /// <summary>The address that was locked out, or <see cref="LoginThrottle.AllSources"/>.</summary>
    public string Source { get; private set; }

    public DateTimeOffset At { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>Who unlocked; null for locks (taken by failed passwords).</summary>
    public Guid? ActorId { get; private set; }

    public static AccountLockEvent Locked(Guid id, Guid userId, string source, DateTimeOffset at, DateTimeOffset until) =>
        new(id, userId, AccountLockEventKind.Locked, source, at, until, null);

    public static AccountLockEvent Unlocked(Guid id, Guid userId, Guid actorId, DateTimeOffset at) =>
        new(id, userId, AccountLockEventKind.Unlocked, LoginThrottle.AllSources, at, null, actorId);
}
