using Points.Domain.Common;

namespace Points.Domain.Mediation;

/// <summary>The kinds of dispute a mediation request is about.</summary>
public enum MediationKind
{
    Family,
    Neighbour,
    Property,
    Other,
}

/// <summary>
/// A volunteer mediator (老娘舅): a resident of the town registered by staff, with the communities they go to and the
/// kinds of dispute they take. Deactivating keeps the record (their closed cases still name them).
/// </summary>
public sealed class Mediator
{
    public const int MaxAreas = 50;
    public const int AreasMaxLength = 50 * 37;
    public const int KindsMaxLength = 64;

    public static readonly DomainError AreasInvalid = DomainError.Validation("mediator.areas_invalid", "请至少选择一个服务的村社（不超过50个），且须属于本镇街");
    public static readonly DomainError KindsInvalid = DomainError.Validation("mediator.kinds_invalid", "请至少选择一种调解类型");
    public static readonly DomainError NotAResident = DomainError.Validation("mediator.resident_invalid", "调解员须是本镇街已注册的居民");
    public static readonly DomainError AlreadyRegistered = DomainError.Conflict("mediator.already_registered", "该居民已是调解员");
    public static readonly DomainError NotFound = DomainError.NotFound("mediator.not_found", "调解员不存在或已停用");

    private Mediator()
    {
        Areas = string.Empty;
        Kinds = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>The community ids served, comma-separated.</summary>
    public string Areas { get; private set; }

    /// <summary>The <see cref="MediationKind"/> names taken, comma-separated.</summary>
    public string Kinds { get; private set; }

    public bool IsActive { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<Guid> AreaIds => Areas.Length == 0 ? [] : [.. Areas.Split(',').Select(Guid.Parse)];

    public IReadOnlyList<MediationKind> KindList => Kinds.Length == 0 ? [] : [.. Kinds.Split(',').Select(Enum.Parse<MediationKind>)];

    public bool Serves(Guid communityId) => AreaIds.Contains(communityId);

    public bool Takes(MediationKind kind) => KindList.Contains(kind);

    public static Result<Mediator> Register(Guid id, Guid residentId, Guid townId, IReadOnlyCollection<Guid> areas, IReadOnlyCollection<MediationKind> kinds, Guid staffId, DateTimeOffset now)
    {
        if (areas.Count is 0 or > MaxAreas || areas.Contains(Guid.Empty))
        {
            return AreasInvalid;
        }

        if (kinds.Count == 0 || kinds.Any(k => !Enum.IsDefined(k)))
        {
            return KindsInvalid;
        }

        return new Mediator
        {
            Id = id,
            ResidentId = residentId,
            TownId = townId,
            Areas = string.Join(',', areas.Distinct()),
            Kinds = string.Join(',', kinds.Distinct().Order()),
            IsActive = true,
            CreatedBy = staffId,
            CreatedAt = now,
        };
    }

    /// <summary>Changes what the mediator serves, or stops dispatching to them (their open cases stay theirs).</summary>
    public Result<Mediator> Update(IReadOnlyCollection<Guid>? areas, IReadOnlyCollection<MediationKind>? kinds, bool? active)
    {
        if (areas is not null && (areas.Count is 0 or > MaxAreas || areas.Contains(Guid.Empty)))
        {
            return AreasInvalid;
        }

        if (kinds is not null && (kinds.Count == 0 || kinds.Any(k => !Enum.IsDefined(k))))
        {
            return KindsInvalid;
        }

        Areas = areas is null ? Areas : string.Join(',', areas.Distinct());
        Kinds = kinds is null ? Kinds : string.Join(',', kinds.Distinct().Order());
        IsActive = active ?? IsActive;
        return this;
    }

    /// <summary>
    /// How well the mediator fits a case, for the dispatch suggestion: serving the case's community first, then taking
    /// its kind, then the fewest open cases.
    /// </summary>
    public static IReadOnlyList<T> Rank<T>(IEnumerable<T> candidates, Func<T, Mediator> mediator, Func<T, int> load, Guid communityId, MediationKind kind) =>
        [.. candidates
            .OrderByDescending(c => mediator(c).Serves(communityId))
            .ThenByDescending(c => mediator(c).Takes(kind))
            .ThenBy(load)
            .ThenBy(c => mediator(c).CreatedAt)];
}
