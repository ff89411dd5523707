using Points.Domain.Common;

namespace Points.Domain.Premises;

/// <summary>What a key premises (重点场所) is; each kind has its own checklist per town.</summary>
public enum PremisesKind
{
    Shop,
    Enterprise,
    Rental,
    Restaurant,
    Other,
}

/// <summary>The colour of a premises' code (一单一码): green all passed, yellow a non-critical item failed, red a critical one failed or no check.</summary>
public enum PremisesColour
{
    Green,
    Yellow,
    Red,
}

/// <summary>What staff ask for when they put a premises on the list.</summary>
public sealed record PremisesDraft(string? Name, PremisesKind Kind, string? Address);

/// <summary>
/// A key premises on the town's list (一单一码): one public code posted at the door, one responsible resident who
/// self-checks it monthly. Its colour is not stored here: it follows from the self-checks and the closed months
/// (<see cref="PremisesRules.CurrentColour"/>).
/// </summary>
public sealed class KeyPremises
{
    public const int NameMaxLength = 64;
    public const int AddressMaxLength = 200;
    public const int CodeLength = 10;

    public static readonly DomainError NameInvalid = DomainError.Validation("premises.name_invalid", "场所名称不能为空且不超过64个字");
    public static readonly DomainError AddressInvalid = DomainError.Validation("premises.address_invalid", "地址不能为空且不超过200个字");
    public static readonly DomainError KindInvalid = DomainError.Validation("premises.kind_invalid", "场所类型须为 Shop、Enterprise、Rental、Restaurant 或 Other");
    public static readonly DomainError NotFound = DomainError.NotFound("premises.not_found", "场所不存在");
    public static readonly DomainError ResponsibleInvalid = DomainError.Unprocessable("premises.responsible_invalid", "责任人须是本镇街在册的居民");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("premises.out_of_scope", "只能管理本镇街（村社、网格）的场所");
    public static readonly DomainError NotResponsible = DomainError.Forbidden("premises.not_responsible", "只有场所责任人可以提交自查");

    private KeyPremises()
    {
        Name = Address = Code = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    public string Name { get; private set; }

    public PremisesKind Kind { get; private set; }

    public string Address { get; private set; }

    /// <summary>The public code (场所码) the door poster's QR carries; unique, says nothing about anyone.</summary>
    public string Code { get; private set; }

    public Guid ResponsibleResidentId { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<KeyPremises> Create(
        Guid id, PremisesDraft draft, Guid townId, Guid communityId, Guid? gridId, Guid responsibleResidentId, string code, Guid staffId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Trim().Length > NameMaxLength)
        {
            return NameInvalid;
        }

        if (string.IsNullOrWhiteSpace(draft.Address) || draft.Address.Trim().Length > AddressMaxLength)
        {
            return AddressInvalid;
        }

        if (!Enum.IsDefined(draft.Kind))
        {
            return KindInvalid;
        }

        return new KeyPremises
        {
            Id = id,
            TownId = townId,
            CommunityId = communityId,
            GridId = gridId,
            Name = draft.Name.Trim(),
            Kind = draft.Kind,
            Address = draft.Address.Trim(),
            Code = code,
            ResponsibleResidentId = responsibleResidentId,
            CreatedBy = staffId,
            CreatedAt = now,
        };
    }

    /// <summary>The Shanghai months this premises is judged for: from the month it was listed on.</summary>
    public bool ListedBy(DateTimeOffset monthEnd) => CreatedAt < monthEnd;
}
