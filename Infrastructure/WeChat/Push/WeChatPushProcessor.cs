using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Points.Domain.WeChat;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.WeChat.Push;

public enum PushOutcome
{
    Processed,

    /// <summary>A retry of a message already processed: answered "success" again, nothing done.</summary>
    Duplicate,
    NotConfigured,
    Malformed,
    BadSignature,
    Stale,
    Undecryptable,
    WrongApp,
}

/// <summary>The query string WeChat signs a push with.</summary>
public sealed record PushQuery(string? Timestamp, string? Nonce, string? MsgSignature, string? EncryptType);

/// <summary>
/// Safe-mode message push: checks <c>msg_signature</c> (constant time) and the timestamp (replays older
/// than <see cref="WeChatOptions.PushMaxAge"/> are refused), decrypts, checks the appid, then records the
/// event under its UNIQUE dedupe key and applies it in one transaction. WeChat retries a push up to three
/// times; the retries hit the unique key and are answered "success" without being processed again. If
/// applying fails the transaction rolls back, no row is kept, and WeChat's retry gets a second chance.
/// </summary>
public sealed partial class WeChatPushProcessor(
    PointsDbContext db, IOptions<WeChatOptions> options, IMediaCheckVerdictHandler verdicts, TimeProvider clock, ILogger<WeChatPushProcessor> logger)
{
    public const string MediaCheckEvent = "wxa_media_check";

    public async Task<PushOutcome> ProcessAsync(PushQuery query, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var o = options.Value;
        if (string.IsNullOrEmpty(o.PushToken) || o.GetPushConfigurationErrors().Count > 0)
        {
            return PushOutcome.NotConfigured;
        }

        // Plain-text mode signs only token/timestamp/nonce, not the body: a captured URL would let anyone
        // post any body within the window. Only safe mode (the body is signed and encrypted) is accepted.
        if (!string.Equals(query.EncryptType, "aes", StringComparison.OrdinalIgnoreCase) || WeChatPushMessage.ReadEncrypt(body) is not { Length: > 0 } encrypt)
        {
            return PushOutcome.Malformed;
        }

        var check = WeChatCrypto.VerifyMessageSignature(o.PushToken, query.Timestamp ?? "", query.Nonce ?? "", encrypt, query.MsgSignature ?? "", clock.GetUtcNow(), o.PushMaxAge);
        switch (check)
        {
            case SignatureCheck.Malformed:
                return PushOutcome.Malformed;
            case SignatureCheck.Mismatch:
                LogRefused(logger, "signature mismatch");
                return PushOutcome.BadSignature;
            case SignatureCheck.StaleTimestamp:
                LogRefused(logger, "stale timestamp");
                return PushOutcome.Stale;
        }

        var decrypted = WeChatCrypto.DecryptMessage(encrypt, o.EncodingAesKey, o.AppId);
        if (!decrypted.IsSuccess)
        {
            LogRefused(logger, decrypted.Error.ErrMsg);
            return decrypted.Error.ErrCode == WeChatErrorCodes.ClientWatermarkMismatch ? PushOutcome.WrongApp : PushOutcome.Undecryptable;
        }

        var message = WeChatPushMessage.Parse(decrypted.Value);
        if (message is null || string.IsNullOrEmpty(message.MsgType))
        {
            return PushOutcome.Malformed;
        }

        return await RecordAndApplyAsync(message, decrypted.Value, ct);
    }

    private async Task<PushOutcome> RecordAndApplyAsync(WeChatPushMessage message, string payload, CancellationToken ct)
    {
        var isMediaCheck = string.Equals(message.Event, MediaCheckEvent, StringComparison.Ordinal) && !string.IsNullOrEmpty(message.TraceId);
        var key = WeChatPushEvent.DedupeKeyFor(message.MsgType, message.Event, message.FromUserName, message.CreateTime, message.TraceId);
        DateTimeOffset? sentAt = long.TryParse(message.CreateTime, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        var row = new WeChatPushEvent(Guid.CreateVersion7(), key, message.MsgType!, message.Event, message.FromUserName, message.TraceId, sentAt, payload, clock.GetUtcNow());

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.WeChatPushEvents.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            LogDuplicate(logger, message.MsgType, message.Event);
            return PushOutcome.Duplicate;
        }

        if (isMediaCheck)
        {
            var errCode = int.TryParse(message.ErrCode, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e) ? e : 0;
            var label = int.TryParse(message.Label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : 0;
            var verdict = new MediaCheckVerdict(message.TraceId!, MediaCheckVerdict.SuggestFrom(message.Suggest, errCode), label, errCode);
            await verdicts.HandleAsync(verdict, ct);
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return PushOutcome.Processed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat push refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WeChat push {MsgType}/{Event} already processed (retry)")]
    private static partial void LogDuplicate(ILogger logger, string? msgType, string? @event);
}
