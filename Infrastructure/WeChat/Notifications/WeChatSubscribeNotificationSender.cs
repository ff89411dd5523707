using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.WeChat.Notifications;

/// <summary>One outbox notification as the sender needs it. <see cref="Kind"/> is the notification kind's name.</summary>
public sealed record WeChatNotification(Guid Id, Guid RecipientId, string Kind, string PayloadJson, DateTimeOffset CreatedAt);

public enum NotificationDelivery
{
    Sent,

    /// <summary>Passing failure (busy, timeout, network, token): the drain job tries again with backoff.</summary>
    RetryLater,

    /// <summary>Never deliverable (refused/unsubscribed 43101, bad data 47003, no openid): no retry.</summary>
    Undeliverable,
}

/// <summary>The outcome and, for failures, what to record (errcode, the offending field, rid), never personal data.</summary>
public sealed record DeliveryResult(NotificationDelivery Outcome, string? Detail = null);

/// <summary>
/// Delivers outbox notifications as WeChat subscribe messages: template id from
/// <c>WeChat:Templates:&lt;Kind&gt;</c>, data from <see cref="SubscribeMessageComposer"/> (fitted to WeChat's
/// limits), recipient's openid from the users table. Sending exactly once across instances is the outbox's
/// job (its conditional-UPDATE claim); this class never retries on its own beyond the client's busy retries.
/// </summary>
public sealed partial class WeChatSubscribeNotificationSender(
    PointsDbContext db, IWeChatClient weChat, IOptions<WeChatOptions> options, ILogger<WeChatSubscribeNotificationSender> logger)
{
    public async Task<DeliveryResult> SendAsync(WeChatNotification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var o = options.Value;
        // The recipient's town may set its own template ids (town settings); the configured ones are the fallback.
        var recipient = await db.Users.AsNoTracking().Where(u => u.Id == notification.RecipientId)
            .Select(u => new { u.WeChatOpenId, Templates = db.Towns.Where(t => t.Id == u.TownId).Select(t => t.WeChatTemplates).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (Town.TemplateFor(recipient?.Templates, notification.Kind, o.Templates) is not { } templateId)
        {
            LogUndeliverable(logger, notification.Id, notification.Kind, $"no template configured (WeChat:Templates:{notification.Kind})");
            return new DeliveryResult(NotificationDelivery.Undeliverable, $"no template for {notification.Kind}");
        }

        var openId = recipient?.WeChatOpenId;
        if (string.IsNullOrEmpty(openId))
        {
            LogUndeliverable(logger, notification.Id, notification.Kind, "recipient has no WeChat openid");
            return new DeliveryResult(NotificationDelivery.Undeliverable, "recipient has no openid");
        }

        Dictionary<string, string>? data;
        string? activityId;
        try
        {
            data = SubscribeMessageComposer.Compose(notification.Kind, notification.PayloadJson, notification.CreatedAt);
            activityId = SubscribeMessageComposer.ActivityId(notification.PayloadJson);
        }
        catch (JsonException)
        {
            data = null;
            activityId = null;
        }

        if (data is null)
        {
            LogUndeliverable(logger, notification.Id, notification.Kind, "payload unreadable or kind unknown");
            return new DeliveryResult(NotificationDelivery.Undeliverable, "payload unreadable or kind unknown");
        }

        var page = activityId is null ? null : $"{o.ActivityPage.TrimStart('/')}?id={activityId}";
        var result = await weChat.SendSubscribeMessageAsync(new SubscribeMessage(openId, templateId, data, page, o.MiniProgramState, "zh_CN"), ct);
        if (result.IsSuccess)
        {
            return new DeliveryResult(NotificationDelivery.Sent);
        }

        var error = result.Error;
        var detail = error.Field is null ? $"errcode {error.ErrCode} rid {error.Rid}" : $"errcode {error.ErrCode} field {error.Field} rid {error.Rid}";
        switch (error.Kind)
        {
            case WeChatErrorKind.Undeliverable:
            case WeChatErrorKind.InvalidData:
            case WeChatErrorKind.Rejected:
                LogUndeliverable(logger, notification.Id, notification.Kind, detail);
                return new DeliveryResult(NotificationDelivery.Undeliverable, detail);
            default:
                LogRetry(logger, notification.Id, notification.Kind, detail);
                return new DeliveryResult(NotificationDelivery.RetryLater, detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "notification {NotificationId} ({Kind}) undeliverable: {Detail}")]
    private static partial void LogUndeliverable(ILogger logger, Guid notificationId, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "notification {NotificationId} ({Kind}) to be retried: {Detail}")]
    private static partial void LogRetry(ILogger logger, Guid notificationId, string kind, string detail);
}
