using Microsoft.Extensions.Logging;
using Points.Domain.Participation;

namespace Points.Infrastructure.Participation;

/// <summary>
/// NOTIFICATION HOOK: tells a resident that a negative record was written about them. No
/// notifications outbox table existed on main when this feature merged, so the default only logs;
/// when the outbox lands, implement this interface to insert an outbox row (in the same unit of work)
/// and replace the registration in <see cref="ParticipationSetup"/>.
/// </summary>
public interface IResidentNotifier
{
    Task NegativeRecordAddedAsync(NegativeRecord record, CancellationToken ct);
}

public sealed partial class LoggingResidentNotifier(ILogger<LoggingResidentNotifier> logger) : IResidentNotifier
{
    public Task NegativeRecordAddedAsync(NegativeRecord record, CancellationToken ct)
    {
        LogNegativeRecord(logger, record.Id, record.ResidentId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "negative record {RecordId} written for resident {ResidentId}: notification outbox not wired yet")]
    private static partial void LogNegativeRecord(ILogger logger, Guid recordId, Guid residentId);
}
