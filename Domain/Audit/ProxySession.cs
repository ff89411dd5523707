using Points.Domain.Common;
using Points.Domain.Identity;

namespace Points.Domain.Audit;

/// <summary>
/// Staff acting for a resident who has no phone (代办): 30 minutes at most, ended early by the proxy, refused when
/// the resident has turned proxy work off. Every write in the session is audited with the session's id.
/// </summary>
public sealed class ProxySession
{
    public const int ReasonMaxLength = 200;

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public static readonly DomainError ReasonRequired = DomainError.Validation("proxy.reason_required", "请填写代办事由（不超过200字）");
    public static readonly DomainError RefusedByResident = DomainError.Conflict("proxy.refused_by_resident", "该居民已设置不接受代办");
    public static readonly DomainError NotAResident = DomainError.NotFound("proxy.resident_not_found", "居民不存在");
    public static readonly DomainError NotYours = DomainError.Forbidden("proxy.not_yours", "只能结束自己开启的代办会话");

    private ProxySession()
    {
        Reason = string.Empty;
    }

    private ProxySession(Guid id, Guid residentId, Guid proxyId, Guid townId, string reason, DateTimeOffset now)
    {
        Id = id;
        ResidentId = residentId;
        ProxyId = proxyId;
        TownId = townId;
        Reason = reason;
        StartedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid ProxyId { get; private set; }

    public Guid TownId { get; private set; }

    public string Reason { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsActive(DateTimeOffset now) => EndedAt is null && now < ExpiresAt;

    public static Result<ProxySession> Open(Guid id, UserAccount resident, Guid proxyId, string? reason, DateTimeOffset now)
    {
        if (resident.Role != Role.Resident || !resident.IsActive)
        {
            return NotAResident;
        }

        if (resident.ProxyRefused)
        {
            return RefusedByResident;
        }

        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > ReasonMaxLength)
        {
            return ReasonRequired;
        }

        return new ProxySession(id, resident.Id, proxyId, resident.TownId, text, now);
    }

    public Result<ProxySession> End(Guid by, DateTimeOffset now)
    {
        if (by != ProxyId)
        {
            return NotYours;
        }

        if (IsActive(now))
        {
            EndedAt = now;
        }

        return this;
    }
}
