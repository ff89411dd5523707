namespace Points.Domain.Audit;

public enum AuditAction
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One write by staff, an admin, a merchant, a bank (or anyone acting in a proxy session): who, in which role, when
/// (UTC), on which entity, the values before and after (JSON), why, and through which proxy session. Append-only:
/// nothing in the application changes or deletes a row, and on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class AuditEntry
{
    public const int RoleMaxLength = 32;
    public const int EntityMaxLength = 64;
    public const int EntityIdMaxLength = 128;
    public const int ReasonMaxLength = 200;

    private AuditEntry()
    {
        ActorRole = string.Empty;
        Entity = string.Empty;
        EntityId = string.Empty;
    }

    public AuditEntry(Guid id, Guid? actorId, string actorRole, Guid? townId, DateTimeOffset occurredAt, string entity, string entityId,
        AuditAction action, string? before, string? after, string? reason, Guid? proxySessionId)
    {
        Id = id;
        ActorId = actorId;
        ActorRole = actorRole.Length > RoleMaxLength ? actorRole[..RoleMaxLength] : actorRole;
        TownId = townId;
        OccurredAt = occurredAt;
        Entity = entity.Length > EntityMaxLength ? entity[..EntityMaxLength] : entity;
        EntityId = entityId.Length > EntityIdMaxLength ? entityId[..EntityIdMaxLength] : entityId;
        Action = action;
        Before = before;
        After = after;
        Reason = reason is { Length: > ReasonMaxLength } ? reason[..ReasonMaxLength] : reason;
        ProxySessionId = proxySessionId;
    }

    public Guid Id { get; private set; }

    public Guid? ActorId { get; private set; }

    public string ActorRole { get; private set; }

    /// <summary>The actor's town (the scope town staff and admins read the log in).</summary>
    public Guid? TownId { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>The entity's type name, e.g. <c>Activity</c>.</summary>
    public string Entity { get; private set; }

    public string EntityId { get; private set; }

    public AuditAction Action { get; private set; }

    public string? Before { get; private set; }

    public string? After { get; private set; }

    public string? Reason { get; private set; }

    public Guid? ProxySessionId { get; private set; }
}
