using Points.Infrastructure.Notifications;

namespace Points.Infrastructure.WeChat.Notifications;

/// <summary>
/// Lets the outbox drain deliver through WeChat subscribe messages: an outbox row becomes a
/// <see cref="WeChatNotification"/> (kind by name, payload as is, the recipient's openid looked up by
/// <see cref="WeChatSubscribeNotificationSender"/>), and its <see cref="DeliveryResult"/> becomes the drain's
/// outcome: Sent marks the row sent, RetryLater takes the drain's backoff, Undeliverable (43101, 47003,
/// no openid, no template for the kind) stops without retrying. Registered in place of the logging
/// sender whenever the real WeChat client is (not the Development stand-in).
/// </summary>
public sealed class WeChatOutboxNotificationSender(WeChatSubscribeNotificationSender weChat) : INotificationSender
{
    public async Task<SendOutcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = await weChat.SendAsync(new WeChatNotification(message.Id, message.RecipientId, message.Kind.ToString(), message.PayloadJson, message.CreatedAt), ct);
        return ToOutcome(result.Outcome);
    }

    public static SendOutcome ToOutcome(NotificationDelivery delivery) => delivery switch
    {
        NotificationDelivery.Sent => SendOutcome.Sent,
        NotificationDelivery.Undeliverable => SendOutcome.Undeliverable,
        _ => SendOutcome.RetryLater,
    };
}
