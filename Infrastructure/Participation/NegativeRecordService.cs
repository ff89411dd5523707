using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

public sealed record NewNegativeRecord(NegativeRecordKind Kind, string Description, int Severity, DateTimeOffset OccurredAt, DateTimeOffset? ExpiresAt, IReadOnlyList<Guid> EvidenceIds);

/// <summary>
/// 负面清单: staff record a resident's violation in their scope (with evidence), the resident explains or appeals
/// once, and staff other than the recorder decide the appeal or revoke the record. Every step is on the record's
/// timeline, and a change that alters what counts re-scores the resident's credit profile at once.
/// </summary>
public sealed class NegativeRecordService(PointsDbContext db, TimeProvider clock, IOptions<ParticipationOptions> options,
    IResidentNotifier notifier, IContentChecker checker, CreditProfileService credit)
{
    public async Task<Result<NegativeRecord>> RecordAsync(Actor me, Guid residentId, NewNegativeRecord request, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == residentId, ct);
        if (resident is null || resident.Role != Role.Resident || resident.CommunityId is not { } communityId)
        {
            return NegativeRecordErrors.ResidentNotFound;
        }

        if (!me.CanAdminister(resident.TownId, communityId))
        {
            return NegativeRecordErrors.OutOfScope;
        }

        if (!await Evidence.OwnedByAnyAsync(db, request.EvidenceIds, [residentId, me.Id], ct))
        {
            return NegativeRecordErrors.EvidenceInvalid;
        }

        var now = clock.GetUtcNow();
        var years = Math.Clamp(options.Value.NegativeRecordDefaultYears, 1, NegativeRecord.MaxYears);
        var expires = request.ExpiresAt ?? request.OccurredAt.AddYears(years);
        var created = NegativeRecord.Record(Guid.CreateVersion7(), residentId, resident.TownId, communityId, request.Kind, request.Description,
            request.Severity, request.EvidenceIds, request.OccurredAt, expires, me.Id, now);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        var record = created.Value;
        db.NegativeRecords.Add(record);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.NegativeRecord, record.Id, "Recorded", me.Id, null, null, now));
        notifier.NegativeRecordAdded(record, now);
        await db.SaveChangesAsync(ct);
        await credit.RescoreAsync(residentId, ct);
        return record;
    }

    /// <summary>A resident's records for staff in their scope, newest first.</summary>
    public async Task<Result<IReadOnlyList<NegativeRecord>>> OfResidentAsync(Actor me, Guid residentId, CancellationToken ct)
    {
        var resident = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == residentId, ct);
        if (resident is null || resident.Role != Role.Resident || resident.CommunityId is not { } communityId)
        {
            return NegativeRecordErrors.ResidentNotFound;
        }

        if (!me.CanAdminister(resident.TownId, communityId))
        {
            return NegativeRecordErrors.OutOfScope;
        }

        return await RecordsOfAsync(residentId, ct);
    }

    /// <summary>The caller's own records, expired ones included.</summary>
    public Task<List<NegativeRecord>> MineAsync(Actor me, CancellationToken ct) => RecordsOfAsync(me.Id, ct);

    /// <summary>One record, for the resident it concerns or staff in its scope.</summary>
    public async Task<Result<NegativeRecord>> GetAsync(Actor me, Guid id, CancellationToken ct)
    {
        var record = await db.NegativeRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (record is null || (record.ResidentId != me.Id && !me.IsStaff))
        {
            return NegativeRecordErrors.NotFound;
        }

        return record.ResidentId != me.Id && !me.CanAdminister(record.TownId, record.CommunityId) ? NegativeRecordErrors.OutOfScope : record;
    }

    /// <summary>Which communities a staff list may show: community staff their own; town staff any of their town, or one.</summary>
    public async Task<Result<(Guid TownId, Guid? CommunityId)>> ListScopeAsync(Actor me, Guid? community, CancellationToken ct)
    {
        if (me.TownId is not { } townId)
        {
            return NegativeRecordErrors.OutOfScope;
        }

        if (me.Role == Role.CommunityStaff && community is { } asked && asked != me.CommunityId)
        {
            return NegativeRecordErrors.OutOfScope;
        }

        var scope = me.Role == Role.CommunityStaff ? me.CommunityId : community;
        if (scope is { } c && !await db.Communities.AsNoTracking().AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return NegativeRecordErrors.OutOfScope;
        }

        return (townId, scope);
    }

    public Task<Result<NegativeRecord>> ExplainAsync(Actor me, Guid id, string text, CancellationToken ct) =>
        ResidentActAsync(me, id, "Explained", text, (r, _) => r.Explain(text), ct);

    public Task<Result<NegativeRecord>> AppealAsync(Actor me, Guid id, string reason, CancellationToken ct) =>
        ResidentActAsync(me, id, "Appealed", reason, (r, now) => r.Appeal(reason, now), ct);

    /// <summary>Upholding keeps the record; accepting the appeal lifts it. The resident is told either way.</summary>
    public Task<Result<NegativeRecord>> DecideAppealAsync(Actor me, Guid id, bool uphold, string? note, CancellationToken ct) =>
        StaffActAsync(me, id, uphold ? "AppealRejected" : "AppealAccepted", note, (r, now) =>
        {
            var decided = r.DecideAppeal(uphold, note, me.Id, now);
            if (decided.IsSuccess)
            {
                notifier.AppealDecided(r, uphold, now);
            }

            return decided;
        }, ct);

    public Task<Result<NegativeRecord>> RevokeAsync(Actor me, Guid id, string note, CancellationToken ct) =>
        StaffActAsync(me, id, "Revoked", note, (r, now) => r.Revoke(note, now), ct);

    private Task<List<NegativeRecord>> RecordsOfAsync(Guid residentId, CancellationToken ct) =>
        db.NegativeRecords.AsNoTracking().Where(r => r.ResidentId == residentId).OrderByDescending(r => r.OccurredAt).ToListAsync(ct);

    private async Task<Result<NegativeRecord>> ResidentActAsync(Actor me, Guid id, string action, string text,
        Func<NegativeRecord, DateTimeOffset, Result<NegativeRecord>> act, CancellationToken ct)
    {
        var record = await db.NegativeRecords.FirstOrDefaultAsync(r => r.Id == id && r.ResidentId == me.Id, ct);
        if (record is null)
        {
            return NegativeRecordErrors.NotFound;
        }

        return await checker.RefuseRiskyAsync(me.Id, ContentScene.SocialLog, ct, text) is { } risky
            ? risky
            : await ApplyAsync(record, me.Id, action, text, act, ct);
    }

    private async Task<Result<NegativeRecord>> StaffActAsync(Actor me, Guid id, string action, string? note,
        Func<NegativeRecord, DateTimeOffset, Result<NegativeRecord>> act, CancellationToken ct)
    {
        var record = await db.NegativeRecords.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            return NegativeRecordErrors.NotFound;
        }

        if (!me.CanAdminister(record.TownId, record.CommunityId))
        {
            return NegativeRecordErrors.OutOfScope;
        }

        var applied = await ApplyAsync(record, me.Id, action, note, act, ct);
        if (applied.IsSuccess)
        {
            // A revoked record stops weighing on the credit profile at once, not at the nightly re-score.
            await credit.RescoreAsync(record.ResidentId, ct);
        }

        return applied;
    }

    private async Task<Result<NegativeRecord>> ApplyAsync(NegativeRecord record, Guid actorId, string action, string? note,
        Func<NegativeRecord, DateTimeOffset, Result<NegativeRecord>> act, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var result = act(record, now);
        if (!result.IsSuccess)
        {
            return result.Error;
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.NegativeRecord, record.Id, action, actorId, note, null, now));
        // A concurrent decision loses on the version, or on the notification (its dedupe key) it queued first.
        return await db.TrySaveChangesAsync(ct) ? record : NegativeRecordErrors.Conflict;
    }
}
