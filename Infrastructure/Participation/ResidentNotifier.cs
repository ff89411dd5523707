using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

/// <summary>
/// Tells a resident what happened to them in participation: a negative record written about them, the
/// result of a declaration review, the decision on their appeal. Each call only ADDS an outbox row to the
/// scoped <see cref="PointsDbContext"/>; the caller's SaveChanges writes it together with the change that
/// caused it (one unit of work), and the notification drain delivers it later (WeChat subscribe message
/// when WeChat is configured). Each event has a stable dedupe key, so it never queues two messages.
/// </summary>
public interface IResidentNotifier
{
    void NegativeRecordAdded(NegativeRecord record, DateTimeOffset now);

    /// <summary>Only results the resident has to know about: approved, rejected, more information needed (not a forward to the town).</summary>
    void DeclarationReviewed(Declaration declaration, string action, DateTimeOffset now);

    void AppealDecided(NegativeRecord record, bool upheld, DateTimeOffset now);
}

public sealed class OutboxResidentNotifier(PointsDbContext db) : IResidentNotifier
{
    public static string NegativeRecordKey(Guid recordId) => $"negative-record:{recordId}";

    /// <summary>The version after the review: each review of a declaration is its own event.</summary>
    public static string DeclarationReviewKey(Guid declarationId, int version) => $"declaration-review:{declarationId}:{version}";

    public static string AppealKey(Guid recordId) => $"negative-record-appeal:{recordId}";

    public void NegativeRecordAdded(NegativeRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The description stays in the app: a subscribe message shows on the lock screen.
        var payload = new
        {
            negativeRecordId = record.Id,
            subject = record.Kind == NegativeRecordKind.Violation ? "违规行为记录" : "未化解纠纷记录",
            occurredAt = record.OccurredAt.ToOffset(TimeSpan.FromHours(8)),
        };
        db.Notifications.Add(Outbox.Create(record.ResidentId, NotificationKind.NegativeRecord, payload, NegativeRecordKey(record.Id), now));
    }

    public void DeclarationReviewed(Declaration declaration, string action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var decision = action switch
        {
            DeclarationAction.Approved => "Approved",
            DeclarationAction.Rejected => "Rejected",
            DeclarationAction.MoreInfoRequested => "NeedMoreInfo",
            _ => null,
        };
        if (decision is null)
        {
            return;
        }

        var payload = new
        {
            declarationId = declaration.Id,
            subject = declaration.Category switch
            {
                DeclarationCategory.GoodDeed => "好人好事申报",
                DeclarationCategory.Mediation => "矛盾调解申报",
                DeclarationCategory.SafetyInspection => "安全巡查申报",
                _ => "群众申报",
            },
            decision,
            reason = declaration.LastReason,
            points = action == DeclarationAction.Approved ? declaration.AwardedPoints : null,
            reviewedAt = now.ToOffset(TimeSpan.FromHours(8)),
        };
        db.Notifications.Add(Outbox.Create(declaration.ResidentId, NotificationKind.ReviewResult, payload, DeclarationReviewKey(declaration.Id, declaration.Version), now));
    }

    public void AppealDecided(NegativeRecord record, bool upheld, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var payload = new
        {
            negativeRecordId = record.Id,
            subject = "负面清单申诉",
            decision = upheld ? "维持原记录" : "记录已撤销",
            reason = record.DecisionNote,
            reviewedAt = now.ToOffset(TimeSpan.FromHours(8)),
        };
        db.Notifications.Add(Outbox.Create(record.ResidentId, NotificationKind.ReviewResult, payload, AppealKey(record.Id), now));
    }
}
