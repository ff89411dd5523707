using System.Text.RegularExpressions;

namespace Points.Domain.Mediation;

/// <summary>
/// A closed case in the town's case library (和合案库), for mediators and staff to learn from: its kind, outcome, how
/// many visits it took, and the dispute and its settlement with names, phone numbers, addresses and other numbers
/// taken out. It keeps no link a reader could follow back to the people.
/// </summary>
public sealed class CaseLibraryEntry
{
    private CaseLibraryEntry()
    {
        Situation = string.Empty;
        Settlement = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public MediationKind Kind { get; private set; }

    public MediationOutcome Outcome { get; private set; }

    public int Visits { get; private set; }

    /// <summary>The dispute, anonymised.</summary>
    public string Situation { get; private set; }

    /// <summary>How it was settled, anonymised.</summary>
    public string Settlement { get; private set; }

    /// <summary>True when every party agreed with the outcome.</summary>
    public bool Agreed { get; private set; }

    /// <summary>The Shanghai month the case closed, "yyyy-MM" (no finer date, so a reader cannot match it to an event).</summary>
    public string ClosedMonth { get; private set; } = string.Empty;

    /// <summary>The library entry of a closed case; <paramref name="names"/> are the people's names known to the system.</summary>
    public static CaseLibraryEntry From(Guid id, MediationRequest closed, IEnumerable<string> names, string closedMonth) => new()
    {
        Id = id,
        TownId = closed.TownId,
        Kind = closed.Kind,
        Outcome = closed.Outcome ?? MediationOutcome.Unresolved,
        Visits = closed.Visits,
        Situation = CaseAnonymiser.Anonymise(closed.Description, names),
        Settlement = CaseAnonymiser.Anonymise(closed.Summary ?? string.Empty, names),
        Agreed = closed.Confirmed == true,
        ClosedMonth = closedMonth,
    };
}

/// <summary>
/// Takes the personal details out of a case's text: the known names of the parties and the mediator, phone numbers
/// and any other run of digits (ID cards, plates, house numbers), the numbers of buildings, units and rooms, and the
/// names of roads and lanes given with a house number.
/// </summary>
public static partial class CaseAnonymiser
{
    public const string PersonMark = "某某";

    public static string Anonymise(string text, IEnumerable<string> names)
    {
        var result = text;
        foreach (var name in names.Where(n => n.Trim().Length >= 2).Select(n => n.Trim()).Distinct().OrderByDescending(n => n.Length))
        {
            result = result.Replace(name, PersonMark, StringComparison.Ordinal);

            // A Chinese name is often shortened to the family name with 老/小 or a title (老王, 王阿姨, 王师傅).
            var family = name[..1];
            if (IsHan(family[0]))
            {
                result = result.Replace("老" + family, "老某", StringComparison.Ordinal).Replace("小" + family, "小某", StringComparison.Ordinal);
                result = Titles().Replace(result, m => m.Value.StartsWith(family, StringComparison.Ordinal) ? "某" + m.Value[1..] : m.Value);
            }
        }

        result = Phone().Replace(result, "***");
        result = Places().Replace(result, m => "某" + m.Groups["suffix"].Value);
        result = Numbered().Replace(result, m => "*" + m.Groups["unit"].Value);
        return Digits().Replace(result, "*");
    }

    private static bool IsHan(char c) => c is >= '\u4e00' and <= '\u9fff';

    [GeneratedRegex(@"\+?\d[\d\- ]{6,}\d")]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<=^|[\s，。、；：,.;:（(在住到于从往至近])(?![在住到于从往至近])[\u4e00-\u9fff]{2,4}?(?<suffix>路|街|巷|弄|大道)(?=\s*[0-9０-９一二三四五六七八九十百]+号)")]
    private static partial Regex Places();

    [GeneratedRegex(@"[0-9０-９一二三四五六七八九十百零]+(?<unit>号楼|幢|栋|单元|室|号|楼|层|组)")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"[0-9０-９]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"[\u4e00-\u9fff](阿姨|叔叔|大爷|大妈|师傅|老师|先生|女士|伯伯|奶奶|爷爷)")]
    private static partial Regex Titles();
}
