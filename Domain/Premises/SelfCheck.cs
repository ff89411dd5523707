using System.Globalization;
using Points.Domain.Common;

namespace Points.Domain.Premises;

/// <summary>One answer of a self-check: the checklist item by index, and whether it passed.</summary>
public sealed record SelfCheckAnswer(int Item, bool Pass);

/// <summary>
/// A monthly self-check (自查) by the premises' responsible resident against one checklist version. Immutable once
/// made: a re-check after rectification is another self-check, and the month's colour is its latest one's.
/// </summary>
public sealed class PremisesSelfCheck
{
    public const int MaxPhotos = 9;

    public static readonly DomainError AnswersInvalid = DomainError.Validation("premises.answers_invalid", "须逐项回答检查标准的每一项（item 为检查项序号，从 0 开始，各一次）");
    public static readonly DomainError PhotosInvalid = DomainError.Validation("premises.photos_invalid", "照片最多9张，且须是本人上传的图片");

    private PremisesSelfCheck()
    {
        Month = Answers = PhotoIds = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid PremisesId { get; private set; }

    /// <summary>The Shanghai month checked, yyyy-MM.</summary>
    public string Month { get; private set; }

    public Guid ChecklistId { get; private set; }

    public int ChecklistVersion { get; private set; }

    public Guid ResidentId { get; private set; }

    /// <summary>One character per checklist item in index order: P passed, F failed.</summary>
    public string Answers { get; private set; }

    /// <summary>Comma-separated upload ids.</summary>
    public string PhotoIds { get; private set; }

    public PremisesColour Colour { get; private set; }

    public DateTimeOffset CheckedAt { get; private set; }

    public IReadOnlyList<Guid> Photos => PhotoIds.Length == 0 ? [] : [.. PhotoIds.Split(',').Select(s => Guid.Parse(s, CultureInfo.InvariantCulture))];

    public static Result<PremisesSelfCheck> Make(
        Guid id, KeyPremises premises, PremisesChecklist checklist, Guid residentId, string? month, IReadOnlyList<SelfCheckAnswer>? answers,
        IReadOnlyList<Guid>? photoIds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(premises);
        ArgumentNullException.ThrowIfNull(checklist);
        if (residentId != premises.ResponsibleResidentId)
        {
            return KeyPremises.NotResponsible;
        }

        if (PremisesMonths.CheckOpen(month, now) is { } closed)
        {
            return closed;
        }

        var items = checklist.Ordered;
        if (answers is null || answers.Count != items.Count || answers.Select(a => a.Item).Distinct().Count() != items.Count
            || answers.Any(a => a.Item < 0 || a.Item >= items.Count))
        {
            return AnswersInvalid;
        }

        var photos = photoIds ?? [];
        if (photos.Count > MaxPhotos || photos.Distinct().Count() != photos.Count)
        {
            return PhotosInvalid;
        }

        var passes = answers.OrderBy(a => a.Item).Select(a => a.Pass).ToList();
        return new PremisesSelfCheck
        {
            Id = id,
            PremisesId = premises.Id,
            Month = month!,
            ChecklistId = checklist.Id,
            ChecklistVersion = checklist.Version,
            ResidentId = residentId,
            Answers = string.Concat(passes.Select(p => p ? 'P' : 'F')),
            PhotoIds = string.Join(',', photos),
            Colour = PremisesMonths.ColourOf(items.Select(i => i.Critical).ToList(), passes),
            CheckedAt = now,
        };
    }
}

/// <summary>
/// The month rules of 一单一码, all in Asia/Shanghai months: a self-check's colour, the month's final colour, the
/// code's colour now, and when three reds in a row call for joint enforcement.
/// </summary>
public static class PremisesMonths
{
    public const int MonthLength = 7;

    /// <summary>Consecutive red months that bring a joint enforcement visit (联合执法).</summary>
    public const int RedsForEnforcement = 3;

    public static readonly DomainError MonthInvalid = DomainError.Validation("premises.month_invalid", "月份格式应为 yyyy-MM");
    public static readonly DomainError MonthNotOpen = DomainError.Unprocessable("premises.month_not_open", "只能提交本月（北京时间）的自查");

    /// <summary>A failed critical item: red. A failed other item: yellow (rectify and check again). All passed: green.</summary>
    public static PremisesColour ColourOf(IReadOnlyList<bool> critical, IReadOnlyList<bool> passes)
    {
        ArgumentNullException.ThrowIfNull(critical);
        ArgumentNullException.ThrowIfNull(passes);
        if (critical.Count != passes.Count)
        {
            throw new ArgumentException("one answer per item", nameof(passes));
        }

        var failed = Enumerable.Range(0, passes.Count).Where(i => !passes[i]).ToList();
        return failed.Any(i => critical[i]) ? PremisesColour.Red : failed.Count > 0 ? PremisesColour.Yellow : PremisesColour.Green;
    }

    /// <summary>The month's final colour at its close: its latest self-check's, or red when there was none.</summary>
    public static PremisesColour Final(PremisesColour? latestCheck) => latestCheck ?? PremisesColour.Red;

    /// <summary>
    /// The colour the door code shows now: this month's latest self-check; before it, the last closed month's final
    /// colour; a premises never checked nor closed is red.
    /// </summary>
    public static PremisesColour Current(PremisesColour? latestCheckThisMonth, PremisesColour? lastClosedMonth) =>
        latestCheckThisMonth ?? lastClosedMonth ?? PremisesColour.Red;

    /// <summary>Whether the month ending with <paramref name="finals"/> (oldest first) completes three reds in a row.</summary>
    public static bool CallsForEnforcement(IReadOnlyList<PremisesColour> finals)
    {
        ArgumentNullException.ThrowIfNull(finals);
        return finals.Count >= RedsForEnforcement && finals.TakeLast(RedsForEnforcement).All(c => c == PremisesColour.Red);
    }

    public static string Of(DateTimeOffset instant)
    {
        var day = ShanghaiTime.Today(instant);
        return Format(day.Year, day.Month);
    }

    public static string Format(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}");

    public static bool TryParse(string? month, out int year, out int monthOfYear)
    {
        year = monthOfYear = 0;
        if (month is not { Length: MonthLength } || month[4] != '-'
            || !int.TryParse(month.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out year)
            || !int.TryParse(month.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out monthOfYear)
            || year is < 2000 or > 9998 || monthOfYear is < 1 or > 12)
        {
            year = monthOfYear = 0;
            return false;
        }

        return true;
    }

    /// <summary>[start, end) of a yyyy-MM Shanghai month.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(string month) =>
        TryParse(month, out var y, out var m) ? ShanghaiTime.Month(y, m) : throw new ArgumentException("not a yyyy-MM month", nameof(month));

    public static string Previous(string month, int back = 1)
    {
        var (start, _) = Bounds(month);
        return Of(start.AddMonths(-back));
    }

    /// <summary>A self-check is taken for the current Shanghai month only: a past month is closed, a future one not open.</summary>
    public static DomainError? CheckOpen(string? month, DateTimeOffset now)
    {
        if (!TryParse(month, out _, out _))
        {
            return MonthInvalid;
        }

        return month == Of(now) ? null : MonthNotOpen;
    }

    /// <summary>A month closes once it has ended in Shanghai.</summary>
    public static bool HasEnded(string month, DateTimeOffset now) => now >= Bounds(month).End;
}
