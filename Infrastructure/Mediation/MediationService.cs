using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Mediation;
using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Mediation;

/// <summary>What a resident asks for: the kind of dispute, what happened, and who it is with.</summary>
public sealed record MediationAsk(MediationKind Kind, string Description, string? OtherParty, Guid? OtherPartyResidentId);

/// <summary>A case with the names a reader needs and its steps.</summary>
public sealed record MediationView(
    MediationRequest Request, string RequesterName, string? OtherPartyName, string? MediatorName, IReadOnlyList<TimelineEvent> Steps);

public sealed record MediationQueueFilter(MediationStatus? Status, Guid? CommunityId, int Skip, int Take);

/// <summary>
/// 老娘舅 mediation: a resident asks; staff of the case's community (or town) dispatch it to a mediator; the mediator
/// accepts or declines, records visits and the outcome; the parties confirm. A closed case enters the town's case
/// library anonymised, and a confirmed resolved case pays the mediator under the town's earning rule for
/// <see cref="TransferReason.Mediation"/> (key mediation:{id}, so a retry or the backfill never pays twice). Every
/// step tells the people it concerns through the outbox.
/// </summary>
public sealed class MediationService(PointsDbContext db, MediatorRegistry mediators, EarningService earning, TimeProvider clock)
{
    public const string AwardSource = "mediation";

    public static readonly DomainError NoCommunity = DomainError.Unprocessable("mediation.no_community", "请先在“我的”里选择所属村社");
    public static readonly DomainError Changed = DomainError.Conflict("mediation.changed", "该案件刚被其他人处理过，请刷新后重试");
    public static readonly DomainError NotAMediator = DomainError.Forbidden("mediation.not_mediator", "您还不是调解员");
    public static readonly DomainError OtherPartyUnknown = DomainError.Validation("mediation.other_party_invalid", "对方当事人须是本镇街的居民");

    public static string AwardKey(Guid id) => $"mediation:{id}";

    public async Task<Result<MediationView>> RequestAsync(Actor me, MediationAsk ask, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user?.CommunityId is not { } communityId)
        {
            return NoCommunity;
        }

        if (ask.OtherPartyResidentId is { } other && other != me.Id
            && !await db.Users.AnyAsync(u => u.Id == other && u.Role == Role.Resident && u.TownId == user.TownId, ct))
        {
            return OtherPartyUnknown;
        }

        var now = clock.GetUtcNow();
        var created = MediationRequest.Request(Guid.CreateVersion7(), me.Id, user.TownId, communityId, ask.Kind, ask.Description, ask.OtherParty, ask.OtherPartyResidentId, now);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.MediationRequests.Add(created.Value);
        db.ParticipationEvents.Add(Step(created.Value, MediationSteps.Requested, me.Id, null, now));
        await NotifyStaffAsync(created.Value, now, ct);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(created.Value, ct);
    }

    /// <summary>The resident's own cases: asked for by them, or naming them as the other party.</summary>
    public async Task<IReadOnlyList<MediationView>> MineAsync(Actor me, CancellationToken ct)
    {
        var mine = await db.MediationRequests.AsNoTracking().Where(r => r.RequesterId == me.Id || r.OtherPartyResidentId == me.Id)
            .OrderByDescending(r => r.CreatedAt).Take(100).ToListAsync(ct);
        return await ViewsAsync(mine, withSteps: false, ct);
    }

    /// <summary>The cases in the mediator's hands, open ones first.</summary>
    public async Task<Result<IReadOnlyList<MediationView>>> AssignedAsync(Actor me, CancellationToken ct)
    {
        if (await mediators.OfResidentAsync(me.Id, ct) is not { } mediator)
        {
            return NotAMediator;
        }

        var cases = await db.MediationRequests.AsNoTracking().Where(r => r.MediatorId == mediator.Id)
            .OrderBy(r => r.Status == MediationStatus.Closed).ThenByDescending(r => r.DispatchedAt).Take(200).ToListAsync(ct);
        return Result<IReadOnlyList<MediationView>>.Ok(await ViewsAsync(cases, withSteps: false, ct));
    }

    /// <summary>Staff's queue: the cases of their community (or town), waiting ones first, paged.</summary>
    public async Task<Result<(IReadOnlyList<MediationView> Items, int Total)>> QueueAsync(Actor me, MediationQueueFilter filter, CancellationToken ct)
    {
        if (me.TownId is not { } townId || !me.IsStaff)
        {
            return MediatorRegistry.OutOfScope;
        }

        var query = db.MediationRequests.AsNoTracking().Where(r => r.TownId == townId);
        if (me.Role == Role.CommunityStaff)
        {
            query = query.Where(r => r.CommunityId == me.CommunityId);
        }

        if (filter.CommunityId is { } community)
        {
            query = query.Where(r => r.CommunityId == community);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        var total = await query.CountAsync(ct);
        var page = await query.OrderBy(r => r.Status).ThenBy(r => r.CreatedAt).Skip(filter.Skip).Take(filter.Take).ToListAsync(ct);
        return (await ViewsAsync(page, withSteps: false, ct), total);
    }

    /// <summary>One case, for staff of its scope, its parties and its mediator.</summary>
    public async Task<Result<MediationView>> GetAsync(Actor me, Guid id, CancellationToken ct)
    {
        var request = await db.MediationRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !await MaySeeAsync(me, request, ct))
        {
            return MediationRequest.NotFound;
        }

        return await ViewAsync(request, ct);
    }

    public async Task<Result<IReadOnlyList<MediatorSuggestion>>> SuggestAsync(Actor me, Guid id, CancellationToken ct)
    {
        var request = await db.MediationRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !me.CanAdminister(request.TownId, request.CommunityId))
        {
            return MediationRequest.NotFound;
        }

        return Result<IReadOnlyList<MediatorSuggestion>>.Ok(await mediators.SuggestAsync(request, ct));
    }

    public async Task<Result<MediationView>> DispatchAsync(Actor me, Guid id, Guid mediatorId, CancellationToken ct)
    {
        var request = await db.MediationRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !me.CanAdminister(request.TownId, request.CommunityId))
        {
            return MediationRequest.NotFound;
        }

        var mediator = await db.Mediators.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mediatorId, ct);
        if (mediator is null)
        {
            return Mediator.NotFound;
        }

        var now = clock.GetUtcNow();
        return await ApplyAsync(request, request.Dispatch(mediator, me.Id, now), MediationSteps.Dispatched, me.Id, null, now, ct, notify: r =>
        {
            Notify(mediator.ResidentId, r, "收到新的调解派单", "请尽快接单或退回", now);
            Notify(r.RequesterId, r, "调解申请已派单", "已安排调解员与您联系", now);
        });
    }

    public Task<Result<MediationView>> AcceptAsync(Actor me, Guid id, CancellationToken ct) =>
        AsMediatorAsync(me, id, MediationSteps.Accepted, null, (r, m, now) => r.Accept(m.Id, now), r => Notify(r.RequesterId, r, "调解员已接单", "调解员将上门了解情况", clock.GetUtcNow()), ct);

    public Task<Result<MediationView>> DeclineAsync(Actor me, Guid id, string reason, CancellationToken ct) =>
        AsMediatorAsync(me, id, MediationSteps.Declined, reason, (r, m, _) => r.Decline(m.Id, reason), null, ct, notifyStaff: true);

    public Task<Result<MediationView>> RecordVisitAsync(Actor me, Guid id, string note, CancellationToken ct) =>
        AsMediatorAsync(me, id, MediationSteps.Visited, note, (r, m, _) => r.RecordVisit(m.Id, note), null, ct);

    public Task<Result<MediationView>> RecordOutcomeAsync(Actor me, Guid id, MediationOutcome outcome, string summary, CancellationToken ct) =>
        AsMediatorAsync(me, id, MediationSteps.OutcomeRecorded, MediationSteps.OutcomeName(outcome), (r, m, now) => r.RecordOutcome(m.Id, outcome, summary, now), r =>
        {
            var now = clock.GetUtcNow();
            Notify(r.RequesterId, r, "请确认调解结果", MediationSteps.OutcomeName(outcome), now);
            if (r.OtherPartyResidentId is { } other)
            {
                Notify(other, r, "请确认调解结果", MediationSteps.OutcomeName(outcome), now);
            }
        }, ct);

    /// <summary>A party agrees or disagrees; closing adds the library entry and, for a confirmed resolution, pays the mediator.</summary>
    public async Task<Result<MediationView>> ConfirmAsync(Actor me, Guid id, bool agree, string? comment, CancellationToken ct)
    {
        var request = await db.MediationRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !request.IsParty(me.Id))
        {
            return MediationRequest.NotFound;
        }

        var now = clock.GetUtcNow();
        var confirmed = request.Confirm(me.Id, agree, now);
        if (!confirmed.IsSuccess)
        {
            db.ChangeTracker.Clear();
            return confirmed.Error;
        }

        db.ParticipationEvents.Add(Step(request, agree ? MediationSteps.Agreed : MediationSteps.Disagreed, me.Id, comment, now));
        var mediator = request.MediatorId is { } mid ? await db.Mediators.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mid, ct) : null;
        EarnRequest? award = null;
        if (request.Status == MediationStatus.Closed)
        {
            var names = await PartyNamesAsync(request, mediator, ct);
            db.CaseLibrary.Add(CaseLibraryEntry.From(Guid.CreateVersion7(), request, names, ShanghaiTime.ToShanghai(now).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)));
            if (request.EarnsAward && mediator is not null)
            {
                var rule = await db.EarningRules.AsNoTracking().FirstOrDefaultAsync(r => r.TownId == request.TownId && r.Source == TransferReason.Mediation, ct);
                var points = rule?.DefaultPoints ?? MediationRequest.DefaultAwardPoints;
                request.SetAward(points);
                award = points > 0
                    ? new EarnRequest(mediator.ResidentId, request.TownId, TransferReason.Mediation, points, AwardKey(request.Id), AwardSource, request.Id.ToString(), "调解成功")
                    : null;
            }
        }
        else if (!agree && mediator is not null)
        {
            Notify(mediator.ResidentId, request, "当事人对调解结果有异议", "案件已退回，请继续调解", now);
        }

        if (!await TrySaveAsync(ct))
        {
            return Changed;
        }

        if (award is not null && await ParticipationAwards.PayAsync(db, earning, TimelineSubject.Mediation, request.Id, award, now, ct) != award.Points)
        {
            // A cap cut the award: the case now records what was paid.
            request = await db.MediationRequests.AsNoTracking().FirstAsync(r => r.Id == id, ct);
        }

        return await ViewAsync(request, ct);
    }

    public async Task<Result<MediationView>> CancelAsync(Actor me, Guid id, CancellationToken ct)
    {
        var request = await db.MediationRequests.FirstOrDefaultAsync(r => r.Id == id && r.RequesterId == me.Id, ct);
        if (request is null)
        {
            return MediationRequest.NotFound;
        }

        var now = clock.GetUtcNow();
        return await ApplyAsync(request, request.Cancel(me.Id, now), MediationSteps.Cancelled, me.Id, null, now, ct);
    }

    private async Task<Result<MediationView>> AsMediatorAsync(
        Actor me, Guid id, string step, string? note, Func<MediationRequest, Mediator, DateTimeOffset, Result<MediationRequest>> act,
        Action<MediationRequest>? notify, CancellationToken ct, bool notifyStaff = false)
    {
        if (await mediators.OfResidentAsync(me.Id, ct) is not { } mediator)
        {
            return NotAMediator;
        }

        var request = await db.MediationRequests.FirstOrDefaultAsync(r => r.Id == id && r.MediatorId == mediator.Id, ct);
        if (request is null)
        {
            return MediationRequest.NotFound;
        }

        var now = clock.GetUtcNow();
        var result = await ApplyAsync(request, act(request, mediator, now), step, me.Id, note, now, ct, notify);
        if (result.IsSuccess && notifyStaff)
        {
            await NotifyStaffAsync(request, now, ct);
            await db.SaveChangesAsync(ct);
        }

        return result;
    }

    private async Task<Result<MediationView>> ApplyAsync(
        MediationRequest request, Result<MediationRequest> outcome, string step, Guid actorId, string? note, DateTimeOffset now, CancellationToken ct,
        Action<MediationRequest>? notify = null)
    {
        if (!outcome.IsSuccess)
        {
            db.ChangeTracker.Clear();
            return outcome.Error;
        }

        db.ParticipationEvents.Add(Step(request, step, actorId, note, now));
        notify?.Invoke(request);
        return await TrySaveAsync(ct) ? await ViewAsync(request, ct) : Changed;
    }

    private async Task<bool> MaySeeAsync(Actor me, MediationRequest request, CancellationToken ct)
    {
        if (me.CanAdminister(request.TownId, request.CommunityId) || request.IsParty(me.Id))
        {
            return true;
        }

        return request.MediatorId is { } mid && await db.Mediators.AnyAsync(m => m.Id == mid && m.ResidentId == me.Id, ct);
    }

    private async Task<string[]> PartyNamesAsync(MediationRequest request, Mediator? mediator, CancellationToken ct)
    {
        var ids = new[] { request.RequesterId, request.OtherPartyResidentId ?? Guid.Empty, mediator?.ResidentId ?? Guid.Empty };
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => u.DisplayName).ToListAsync(ct);
        return [.. names, .. request.OtherParty is { } o ? new[] { o } : []];
    }

    private async Task<MediationView> ViewAsync(MediationRequest request, CancellationToken ct) => (await ViewsAsync([request], withSteps: true, ct))[0];

    private async Task<List<MediationView>> ViewsAsync(IReadOnlyList<MediationRequest> requests, bool withSteps, CancellationToken ct)
    {
        var mediatorIds = requests.Where(r => r.MediatorId != null).Select(r => r.MediatorId!.Value).Distinct().ToList();
        var mediatorResidents = await db.Mediators.AsNoTracking().Where(m => mediatorIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.ResidentId, ct);
        var people = requests.SelectMany(r => new[] { r.RequesterId, r.OtherPartyResidentId ?? Guid.Empty }).Concat(mediatorResidents.Values).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var ids = requests.Select(r => r.Id).ToList();
        var steps = withSteps
            ? await db.ParticipationEvents.AsNoTracking().Where(e => e.Subject == TimelineSubject.Mediation && ids.Contains(e.SubjectId)).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct)
            : [];
        return [.. requests.Select(r => new MediationView(
            r,
            names.GetValueOrDefault(r.RequesterId, "居民"),
            r.OtherPartyResidentId is { } o ? names.GetValueOrDefault(o) : null,
            r.MediatorId is { } m && mediatorResidents.TryGetValue(m, out var resident) ? names.GetValueOrDefault(resident) : null,
            [.. steps.Where(s => s.SubjectId == r.Id)]))];
    }

    private static TimelineEvent Step(MediationRequest request, string action, Guid actorId, string? note, DateTimeOffset now) =>
        ParticipationAwards.Event(TimelineSubject.Mediation, request.Id, action, actorId, note, null, now);

    private void Notify(Guid recipientId, MediationRequest request, string subject, string decision, DateTimeOffset now)
    {
        var payload = new { mediationId = request.Id, subject, decision, reviewedAt = ShanghaiTime.ToShanghai(now) };
        db.Notifications.Add(Outbox.Create(recipientId, NotificationKind.ReviewResult, payload, $"mediation:{request.Id}:{recipientId}:{request.Version}", now));
    }

    /// <summary>Staff of the case's community, told that a case waits for dispatch.</summary>
    private async Task NotifyStaffAsync(MediationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var staff = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Role == Role.CommunityStaff && u.CommunityId == request.CommunityId).Select(u => u.Id).Take(20).ToListAsync(ct);
        foreach (var id in staff)
        {
            Notify(id, request, "有待派单的调解申请", MediationSteps.KindName(request.Kind), now);
        }
    }

    private Task<bool> TrySaveAsync(CancellationToken ct) => db.TrySaveChangesAsync(ct);
}

/// <summary>The steps of a case as its timeline names them, and the Chinese names a notice uses.</summary>
public static class MediationSteps
{
    public const string Requested = "requested";
    public const string Dispatched = "dispatched";
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string Visited = "visited";
    public const string OutcomeRecorded = "outcome";
    public const string Agreed = "agreed";
    public const string Disagreed = "disagreed";
    public const string Cancelled = "cancelled";

    /// <summary>The Chinese title of a timeline step.</summary>
    public static string Title(string action) => action switch
    {
        Requested => "提交调解申请",
        Dispatched => "已派单给调解员",
        Accepted => "调解员已接单",
        Declined => "调解员退回，等待重新派单",
        Visited => "上门走访",
        OutcomeRecorded => "调解员记录调解结果",
        Agreed => "当事人确认调解结果",
        Disagreed => "当事人对结果有异议",
        Cancelled => "申请人撤回申请",
        _ => action,
    };

    public static string OutcomeName(MediationOutcome outcome) => outcome switch
    {
        MediationOutcome.Resolved => "调解成功",
        MediationOutcome.PartlyResolved => "部分化解",
        MediationOutcome.Unresolved => "未能化解",
        _ => "已移交相关部门",
    };

    public static string KindName(MediationKind kind) => kind switch
    {
        MediationKind.Family => "家庭纠纷",
        MediationKind.Neighbour => "邻里纠纷",
        MediationKind.Property => "物业纠纷",
        _ => "其他纠纷",
    };
}
