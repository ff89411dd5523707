namespace Points.Domain.WeChat;

/// <summary>
/// A message WeChat pushed to us, kept once per <see cref="DedupeKey"/> (UNIQUE): WeChat retries a
/// push three times when the answer is late, and each retry must not be processed again.
/// </summary>
public sealed class WeChatPushEvent
{
    public const int DedupeKeyMaxLength = 200;
    public const int MsgTypeMaxLength = 32;
    public const int EventMaxLength = 64;
    public const int UserMaxLength = 64;
    public const int TraceIdMaxLength = 128;
    public const int PayloadMaxLength = 4000;

    private WeChatPushEvent()
    {
        DedupeKey = string.Empty;
        MsgType = string.Empty;
        Payload = string.Empty;
    }

    public WeChatPushEvent(Guid id, string dedupeKey, string msgType, string? eventName, string? fromUserName, string? traceId, DateTimeOffset? sentAt, string payload, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupeKey);
        Id = id;
        DedupeKey = Cut(dedupeKey, DedupeKeyMaxLength)!;
        MsgType = Cut(msgType, MsgTypeMaxLength) ?? string.Empty;
        Event = Cut(eventName, EventMaxLength);
        FromUserName = Cut(fromUserName, UserMaxLength);
        TraceId = Cut(traceId, TraceIdMaxLength);
        SentAt = sentAt;
        Payload = Cut(payload, PayloadMaxLength) ?? string.Empty;
        ReceivedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary><c>trace_id</c> for media checks, else FromUserName + CreateTime + MsgType + Event.</summary>
    public string DedupeKey { get; private set; }

    public string MsgType { get; private set; }

    public string? Event { get; private set; }

    public string? FromUserName { get; private set; }

    public string? TraceId { get; private set; }

    /// <summary>The message's own CreateTime.</summary>
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>The decrypted message (cut to <see cref="PayloadMaxLength"/>), for audit.</summary>
    public string Payload { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    /// <summary>The key that makes WeChat's retries of one message a single row.</summary>
    public static string DedupeKeyFor(string? msgType, string? eventName, string? fromUserName, string? createTime, string? traceId) =>
        !string.IsNullOrEmpty(traceId) && string.Equals(eventName, "wxa_media_check", StringComparison.Ordinal)
            ? "trace:" + traceId
            : $"msg:{fromUserName}:{createTime}:{msgType}:{eventName}";

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
