using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Domain.Premises;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Participation;

namespace Points.Infrastructure.Premises;

public sealed record SelfCheckOutcome(PremisesSelfCheck Check, PremisesView Premises, long PointsAwarded);

public sealed partial class PremisesService
{
    private static readonly DomainError NoRule = DomainError.Unprocessable("premises.no_earning_rule", "本镇街未设置场所自查积分");

    /// <summary>
    /// The responsible resident's self-check of the current Shanghai month against the current checklist. The first
    /// one of a month earns the town's PremisesSelfCheck points once (key per premises and month); a cap reached
    /// leaves the check standing without points.
    /// </summary>
    public async Task<Result<SelfCheckOutcome>> SelfCheckAsync(
        Guid premisesId, Guid residentId, string? month, IReadOnlyList<SelfCheckAnswer>? answers, IReadOnlyList<Guid>? photoIds, CancellationToken ct)
    {
        var premises = await db.Premises.AsNoTracking().FirstOrDefaultAsync(p => p.Id == premisesId, ct);
        if (premises is null)
        {
            return KeyPremises.NotFound;
        }

        if (premises.ResponsibleResidentId != residentId)
        {
            return KeyPremises.NotResponsible;
        }

        var checklist = await CurrentChecklistAsync(premises.TownId, premises.Kind, ct);
        if (checklist is null)
        {
            return PremisesChecklist.Missing;
        }

        if (photoIds is { Count: > 0 } && !await Evidence.OwnedByAnyAsync(db, photoIds, [residentId], ct))
        {
            return PremisesSelfCheck.PhotosInvalid;
        }

        var now = clock.GetUtcNow();
        var made = PremisesSelfCheck.Make(Guid.CreateVersion7(), premises, checklist, residentId, month, answers, photoIds, now);
        if (!made.IsSuccess)
        {
            return made.Error;
        }

        db.PremisesSelfChecks.Add(made.Value);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        long awarded = 0;
        var paid = await db.EarningRules.AsNoTracking()
            .AnyAsync(r => r.TownId == premises.TownId && r.Source == TransferReason.PremisesSelfCheck && r.DefaultPoints > 0, ct);
        var award = !paid ? Result<PostedTransfer>.Fail(NoRule) : await earning.AwardAsync(new EarnRequest(residentId, premises.TownId, TransferReason.PremisesSelfCheck, 0,
            $"premises-self-check:{premises.Id}:{made.Value.Month}", "premises", premises.Id.ToString(), $"{premises.Name} {made.Value.Month} 自查"), ct);
        if (award.IsSuccess)
        {
            awarded = award.Value.Replayed ? 0 : award.Value.Entry.Points;
        }
        else
        {
            LogNoAward(logger, premises.Id, made.Value.Month, award.Error.Code);
        }

        var view = (await ViewsAsync(db.Premises.Where(p => p.Id == premisesId), ct))[0];
        return new SelfCheckOutcome(made.Value, view, awarded);
    }

    /// <summary>Colours now, last self-checks and names for a page of premises (this month's checks, the last month's close).</summary>
    private async Task<List<PremisesView>> ViewsAsync(IQueryable<KeyPremises> query, CancellationToken ct)
    {
        var premises = await query.AsNoTracking().ToListAsync(ct);
        var ids = premises.Select(p => p.Id).ToList();
        var now = clock.GetUtcNow();
        var month = PremisesMonths.Of(now);
        var previous = PremisesMonths.Previous(month);
        var checks = await db.PremisesSelfChecks.AsNoTracking().Where(c => ids.Contains(c.PremisesId) && (c.Month == month || c.Month == previous))
            .Select(c => new { c.PremisesId, c.Month, c.Colour, c.CheckedAt }).ToListAsync(ct);
        var closed = await db.ClosedPremisesMonths.AsNoTracking().Where(m => ids.Contains(m.PremisesId) && m.Month == previous)
            .ToDictionaryAsync(m => m.PremisesId, m => m.Colour, ct);
        var last = await db.PremisesSelfChecks.AsNoTracking().Where(c => ids.Contains(c.PremisesId)).GroupBy(c => c.PremisesId)
            .Select(g => new { g.Key, At = g.Max(c => c.CheckedAt) }).ToDictionaryAsync(x => x.Key, x => x.At, ct);
        var residentIds = premises.Select(p => p.ResponsibleResidentId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => residentIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var gridIds = premises.Where(p => p.GridId != null).Select(p => p.GridId!.Value).Distinct().ToList();
        var grids = await db.Grids.AsNoTracking().Where(g => gridIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return [.. premises.Select(p =>
        {
            var mine = checks.Where(c => c.PremisesId == p.Id).ToList();
            var thisMonth = mine.Where(c => c.Month == month).MaxBy(c => c.CheckedAt)?.Colour;
            PremisesColour? lastMonth = closed.TryGetValue(p.Id, out var frozen) ? frozen
                : p.ListedBy(PremisesMonths.Bounds(previous).End) ? PremisesMonths.Final(mine.Where(c => c.Month == previous).MaxBy(c => c.CheckedAt)?.Colour) : null;
            return new PremisesView(p, PremisesMonths.Current(thisMonth, lastMonth), last.TryGetValue(p.Id, out var at) ? at : null,
                names.GetValueOrDefault(p.ResponsibleResidentId, ""), p.GridId is { } g ? grids.GetValueOrDefault(g) : null);
        })];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Premises {PremisesId} self-check of {Month} earned no points: {Code}")]
    private static partial void LogNoAward(ILogger logger, Guid premisesId, string month, string code);
}
