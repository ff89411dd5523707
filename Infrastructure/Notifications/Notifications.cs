using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Points.Domain.Activities;
using Points.Domain.Notifications;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Notifications;

/// <summary>One outbox row handed to a sender.</summary>
public sealed record NotificationMessage(Guid Id, Guid RecipientId, NotificationKind Kind, string PayloadJson, int Attempt, DateTimeOffset CreatedAt);

public enum SendOutcome
{
    Sent,

    /// <summary>A passing failure (network, rate limit): try again later.</summary>
    RetryLater,

    /// <summary>Can never be delivered (no subscription, unknown user): stop trying.</summary>
    Undeliverable,
}

/// <summary>Delivers one notification (the WeChat subscribe-message sender implements this). Throwing counts as <see cref="SendOutcome.RetryLater"/>.</summary>
public interface INotificationSender
{
    Task<SendOutcome> SendAsync(NotificationMessage message, CancellationToken ct);
}

/// <summary>The default sender: writes the message to the log and calls it sent.</summary>
public sealed partial class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task<SendOutcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        LogSent(logger, message.Kind, message.RecipientId, message.PayloadJson);
        return Task.FromResult(SendOutcome.Sent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "notification {Kind} to {RecipientId}: {Payload}")]
    private static partial void LogSent(ILogger logger, NotificationKind kind, Guid recipientId, string payload);
}

public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A new outbox row; add it to the same DbContext (and transaction) as the change that causes it.</summary>
    public static Notification Create(Guid recipientId, NotificationKind kind, object payload, string dedupeKey, DateTimeOffset now) =>
        new(Guid.CreateVersion7(), recipientId, kind, JsonSerializer.Serialize(payload, Json), dedupeKey, now);

    public static object ActivityPayload(Activity activity) => new
    {
        activityId = activity.Id,
        title = activity.Title,
        startsAt = activity.StartsAt.ToOffset(TimeSpan.FromHours(8)),
        address = activity.Address,
    };
}

/// <summary>
/// Sends due outbox rows. Each row is claimed with a conditional UPDATE (still due, still unclaimed
/// or its claim expired) that stamps a claim token and pushes <c>next_attempt_at</c> out by the lease,
/// so two drains on two instances never send the same row at once, and a drain that dies mid-way
/// leaves the row due again when the lease runs out. Nothing is lost when sending fails: the row
/// goes back to Failed with a backoff, and becomes Undeliverable only after the last attempt.
/// </summary>
public sealed class NotificationDrainer(PointsDbContext db, INotificationSender sender, TimeProvider clock)
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    public async Task<int> DrainAsync(int max, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.Notifications.AsNoTracking()
            .Where(n => (n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Failed) && n.NextAttemptAt <= now)
            .OrderBy(n => n.NextAttemptAt)
            .Take(max)
            .ToListAsync(ct);
        var handled = 0;
        foreach (var row in due)
        {
            var token = Guid.NewGuid();
            var leaseUntil = now + ClaimLease;
            var claimed = await db.Notifications
                .Where(n => n.Id == row.Id && (n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Failed) && n.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.ClaimToken, token).SetProperty(n => n.NextAttemptAt, leaseUntil).SetProperty(n => n.Attempts, n => n.Attempts + 1), ct);
            if (claimed != 1)
            {
                continue;
            }

            var attempt = row.Attempts + 1;
            SendOutcome outcome;
            string? error = null;
            try
            {
                outcome = await sender.SendAsync(new NotificationMessage(row.Id, row.RecipientId, row.Kind, row.PayloadJson, attempt, row.CreatedAt), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                outcome = SendOutcome.RetryLater;
                error = ex.GetType().Name + ": " + ex.Message;
            }

            var at = clock.GetUtcNow();
            var mine = db.Notifications.Where(n => n.Id == row.Id && n.ClaimToken == token);
            if (outcome == SendOutcome.Sent)
            {
                await mine.ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NotificationStatus.Sent).SetProperty(n => n.SentAt, at).SetProperty(n => n.ClaimToken, (Guid?)null), CancellationToken.None);
            }
            else
            {
                var giveUp = outcome == SendOutcome.Undeliverable || attempt >= Notification.MaxAttempts;
                error ??= outcome.ToString();
                error = error.Length > Notification.ErrorMaxLength ? error[..Notification.ErrorMaxLength] : error;
                var next = at + Notification.Backoff(attempt);
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(n => n.Status, giveUp ? NotificationStatus.Undeliverable : NotificationStatus.Failed)
                    .SetProperty(n => n.NextAttemptAt, next)
                    .SetProperty(n => n.LastError, error)
                    .SetProperty(n => n.ClaimToken, (Guid?)null), CancellationToken.None);
            }

            handled++;
        }

        return handled;
    }
}

public sealed class NotificationDrainJob : IntervalJob
{
    public override string Name => "notification-drain";

    public override TimeSpan Interval => TimeSpan.FromSeconds(10);

    public override Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<NotificationDrainer>().DrainAsync(200, ct);
}

/// <summary>Queues a reminder to every signed-up resident of activities starting within the next hour (once per sign-up).</summary>
public sealed class ActivityReminderJob : IntervalJob
{
    public static readonly TimeSpan Lead = TimeSpan.FromHours(1);

    public override string Name => "activity-reminders";

    public override TimeSpan Interval => TimeSpan.FromMinutes(5);

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PointsDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var until = now + Lead;
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.Status == ActivityStatus.Published && a.StartsAt > now && a.StartsAt <= until)
            .ToListAsync(ct);
        foreach (var activity in activities)
        {
            var signUps = await db.SignUps.AsNoTracking()
                .Where(s => s.ActivityId == activity.Id && s.Status == SignUpStatus.Active)
                .Select(s => new { s.Id, s.ResidentId })
                .ToListAsync(ct);
            var keys = signUps.Select(s => $"reminder:{s.Id}").ToList();
            var existing = (await db.Notifications.AsNoTracking().Where(n => keys.Contains(n.DedupeKey)).Select(n => n.DedupeKey).ToListAsync(ct)).ToHashSet();
            foreach (var s in signUps.Where(s => !existing.Contains($"reminder:{s.Id}")))
            {
                db.Notifications.Add(Outbox.Create(s.ResidentId, NotificationKind.ActivityReminder, Outbox.ActivityPayload(activity), $"reminder:{s.Id}", now));
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
            {
                // Another run queued them meanwhile; the dedupe key kept it to one.
                db.ChangeTracker.Clear();
            }
        }
    }
}

public static class NotificationServiceCollectionExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.TryAddSingleton<INotificationSender, LoggingNotificationSender>();
        services.AddScoped<NotificationDrainer>();
        services.AddScheduledJob<NotificationDrainJob>();
        services.AddScheduledJob<ActivityReminderJob>();
        return services;
    }
}
