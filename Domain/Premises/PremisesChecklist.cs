using Points.Domain.Common;

namespace Points.Domain.Premises;

/// <summary>One item of the published standard; a failed critical item turns the month red.</summary>
public sealed record ChecklistItemDraft(string? Text, bool Critical);

/// <summary>
/// One version of a town's checklist (检查标准) for a kind of premises. Publishing a changed list adds a version; a
/// self-check keeps the version it answered, so its answers (by index) keep their meaning.
/// </summary>
public sealed class PremisesChecklist
{
    public const int MaxItems = 50;
    public const int ItemTextMaxLength = 100;

    public static readonly DomainError ItemsInvalid = DomainError.Validation("premises.checklist_invalid", "检查标准须有1到50项，每项内容不能为空且不超过100个字");
    public static readonly DomainError Missing = DomainError.Unprocessable("premises.checklist_missing", "本镇街尚未发布该类场所的检查标准");

    private readonly List<PremisesChecklistItem> _items = [];

    private PremisesChecklist()
    {
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public PremisesKind Kind { get; private set; }

    /// <summary>1 for the first list of a town and kind, then +1 per publication (unique per town and kind).</summary>
    public int Version { get; private set; }

    public Guid PublishedBy { get; private set; }

    public DateTimeOffset PublishedAt { get; private set; }

    public IReadOnlyCollection<PremisesChecklistItem> Items => _items;

    public IReadOnlyList<PremisesChecklistItem> Ordered => [.. _items.OrderBy(i => i.Index)];

    public static Result<PremisesChecklist> Publish(
        Guid id, Guid townId, PremisesKind kind, IReadOnlyList<ChecklistItemDraft>? items, int? previousVersion, Guid staffId, DateTimeOffset now)
    {
        if (!Enum.IsDefined(kind))
        {
            return KeyPremises.KindInvalid;
        }

        if (items is null || items.Count is 0 or > MaxItems || items.Any(i => string.IsNullOrWhiteSpace(i?.Text) || i.Text.Trim().Length > ItemTextMaxLength))
        {
            return ItemsInvalid;
        }

        var list = new PremisesChecklist { Id = id, TownId = townId, Kind = kind, Version = (previousVersion ?? 0) + 1, PublishedBy = staffId, PublishedAt = now };
        list._items.AddRange(items.Select((item, index) => new PremisesChecklistItem(id, index, item.Text!.Trim(), item.Critical)));
        return list;
    }
}

public sealed class PremisesChecklistItem(Guid checklistId, int index, string text, bool critical)
{
    public Guid ChecklistId { get; private set; } = checklistId;

    public int Index { get; private set; } = index;

    public string Text { get; private set; } = text;

    public bool Critical { get; private set; } = critical;
}
