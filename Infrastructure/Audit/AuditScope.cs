using Points.Domain.Identity;

namespace Points.Infrastructure.Audit;

/// <summary>Who is writing in this request (set by the API once the token is read), and why.</summary>
public sealed class AuditActor(Guid id, Role role, Guid? townId, Guid? proxySessionId = null)
{
    public Guid Id { get; } = id;

    public Role Role { get; } = role;

    public Guid? TownId { get; } = townId;

    public Guid? ProxySessionId { get; } = proxySessionId;

    /// <summary>The reason a write states (an adjustment's note, a proxy session's reason); the last one set wins.</summary>
    public string? Reason { get; set; }

    /// <summary>Staff, admins, merchants and banks are audited; residents only when someone acts for them.</summary>
    public bool IsAudited => ProxySessionId is not null || Role is not Role.Resident;
}

/// <summary>
/// The current actor for the async flow of one request. An AsyncLocal rather than a scoped service: the DbContext is
/// pooled and its interceptor is a singleton, and background jobs (no actor) must write unaudited.
/// </summary>
public static class AuditScope
{
    private static readonly AsyncLocal<AuditActor?> CurrentActor = new();

    public static AuditActor? Current => CurrentActor.Value;

    public static IDisposable Begin(AuditActor? actor)
    {
        var previous = CurrentActor.Value;
        CurrentActor.Value = actor;
        return new Restore(previous);
    }

    /// <summary>Records why the current write happens, if it is audited.</summary>
    public static void Because(string? reason)
    {
        if (CurrentActor.Value is { } actor && !string.IsNullOrWhiteSpace(reason))
        {
            actor.Reason = reason;
        }
    }

    private sealed class Restore(AuditActor? previous) : IDisposable
    {
        public void Dispose() => CurrentActor.Value = previous;
    }
}
