namespace Points.Domain.Notifications;

public enum NotificationKind
{
    ActivityReminder,
    WaitlistPromoted,
    ActivityCancelled,
    ReviewResult,
    RedemptionReceipt,

    /// <summary>A negative record (负面清单) was written about the resident.</summary>
    NegativeRecord,
}

public enum NotificationStatus
{
    /// <summary>Not tried yet.</summary>
    Pending,
    Sent,

    /// <summary>The last attempt failed; tried again at <see cref="Notification.NextAttemptAt"/>.</summary>
    Failed,

    /// <summary>Given up: the sender said it can never be delivered, or attempts ran out.</summary>
    Undeliverable,
}

/// <summary>
/// One message to a user in the outbox, written in the same transaction as the change that causes
/// it (so a committed change always has its notification) and sent later by the drain job.
/// </summary>
public sealed class Notification
{
    public const int DedupeKeyMaxLength = 200;
    public const int PayloadMaxLength = 4000;
    public const int ErrorMaxLength = 500;
    public const int MaxAttempts = 8;

    private Notification()
    {
        PayloadJson = "{}";
        DedupeKey = string.Empty;
    }

    public Notification(Guid id, Guid recipientId, NotificationKind kind, string payloadJson, string dedupeKey, DateTimeOffset now)
    {
        Id = id;
        RecipientId = recipientId;
        Kind = kind;
        PayloadJson = payloadJson;
        DedupeKey = dedupeKey;
        Status = NotificationStatus.Pending;
        NextAttemptAt = now;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid RecipientId { get; private set; }

    public NotificationKind Kind { get; private set; }

    /// <summary>Template data as JSON.</summary>
    public string PayloadJson { get; private set; }

    /// <summary>The same event never queues two messages.</summary>
    public string DedupeKey { get; private set; }

    public NotificationStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>The drain run that holds the row until <see cref="NextAttemptAt"/> (a lease).</summary>
    public Guid? ClaimToken { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>Exponential backoff: 30 s, 1 min, 2 min ... capped at one hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));
}
