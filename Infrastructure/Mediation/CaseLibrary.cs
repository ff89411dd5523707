using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Mediation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Mediation;

public sealed record CaseSearch(MediationKind? Kind, string? Words, int Skip, int Take);

/// <summary>
/// The town's case library (和合案库) of closed, anonymised cases, searched by kind and by words (every word must
/// appear in the dispute or its settlement). Open to the town's staff and its active mediators.
/// </summary>
public sealed class CaseLibrary(PointsDbContext db, MediatorRegistry mediators)
{
    public const int MaxWords = 5;
    public const int WordsMaxLength = 50;

    public static readonly DomainError NotAllowed = DomainError.Forbidden("mediation.library_forbidden", "案例库仅对本镇街工作人员和调解员开放");

    public async Task<Result<(IReadOnlyList<CaseLibraryEntry> Items, int Total)>> SearchAsync(Domain.Identity.Actor me, CaseSearch search, CancellationToken ct)
    {
        var townId = me.TownId;
        if (!me.IsStaff)
        {
            townId = await mediators.OfResidentAsync(me.Id, ct) is { IsActive: true } mediator ? mediator.TownId : null;
        }

        if (townId is not { } town)
        {
            return NotAllowed;
        }

        var query = db.CaseLibrary.AsNoTracking().Where(c => c.TownId == town);
        if (search.Kind is { } kind)
        {
            query = query.Where(c => c.Kind == kind);
        }

        foreach (var word in Words(search.Words))
        {
            query = query.Where(c => c.Situation.Contains(word) || c.Settlement.Contains(word));
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.ClosedMonth).ThenByDescending(c => c.Id).Skip(search.Skip).Take(search.Take).ToListAsync(ct);
        return (items, total);
    }

    public static IReadOnlyList<string> Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split([' ', '\u3000', ',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(MaxWords)];
}
