using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Polls;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Polls;

/// <summary>A poll as someone reads it: its state now, the voters so far, the counts when they may be shown, and the reader's own ballot.</summary>
public sealed record PollView(Poll Poll, string CommunityName, PollState State, int Voters, bool ResultsVisible, IReadOnlyDictionary<Guid, int>? Counts, IReadOnlyList<Guid>? MyChoices);

/// <summary>A ballot cast: the vote row and the points it earned (0 when there were none to earn or a cap left none).</summary>
public sealed record CastVote(PollVote Vote, int AwardedPoints);

/// <summary>
/// 议事投票: staff open polls in their scope, residents vote once (per resident or per household), and read the
/// results once the poll closes (or live). One vote is the unique index on (poll, voter key): concurrent clicks of
/// one resident, or of two members of one household, insert one row and the others get 409. The vote's award goes
/// through <see cref="EarningService"/> with the vote's own idempotency key, within the town's caps.
/// </summary>
public sealed class PollService(PointsDbContext db, EarningService earning, TimeProvider clock)
{
    public const string SourceType = "poll";

    public async Task<Result<PollView>> CreateAsync(Actor staff, PollDraft draft, Guid? proposalId, CancellationToken ct)
    {
        if (Poll.Check(draft) is { } invalid)
        {
            return invalid;
        }

        var scope = await ScopeAsync(staff, draft.CommunityId, draft.GridId, ct);
        if (!scope.IsSuccess)
        {
            return scope.Error;
        }

        var draftInScope = draft with { CommunityId = scope.Value.CommunityId };
        var eligible = await EligibleAsync(draftInScope.CommunityId, draft.GridId, draft.OnePer, ct);
        var created = Poll.Create(Guid.CreateVersion7(), scope.Value.TownId, draftInScope, eligible, proposalId, staff.Id, clock.GetUtcNow(), Guid.CreateVersion7);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Polls.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(created.Value.Id, null, ct);
    }

    /// <summary>Polls of the staff member's scope (their community, or their town), newest first.</summary>
    public async Task<List<PollView>> ListForStaffAsync(Actor staff, CancellationToken ct)
    {
        var ids = await db.Polls.AsNoTracking()
            .Where(p => staff.Role == Role.CommunityStaff ? p.CommunityId == staff.CommunityId : p.TownId == staff.TownId)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Select(p => p.Id).Take(200).ToListAsync(ct);
        return await ViewsAsync(ids, null, ct);
    }

    /// <summary>Polls put to the resident's community or grid, the open ones first, then by closing time.</summary>
    public async Task<List<PollView>> ListForResidentAsync(Guid residentId, CancellationToken ct)
    {
        var me = await db.Users.AsNoTracking().Where(u => u.Id == residentId).Select(u => new { u.CommunityId, u.GridId }).FirstOrDefaultAsync(ct);
        if (me?.CommunityId is null)
        {
            return [];
        }

        var ids = await db.Polls.AsNoTracking()
            .Where(p => p.CommunityId == me.CommunityId && (p.GridId == null || p.GridId == me.GridId))
            .OrderByDescending(p => p.ClosesAt).ThenByDescending(p => p.Id).Select(p => p.Id).Take(100).ToListAsync(ct);
        var views = await ViewsAsync(ids, residentId, ct);
        return views.OrderBy(v => v.State == PollState.Open ? 0 : v.State == PollState.Upcoming ? 1 : 2).ToList();
    }

    /// <summary>One poll for a resident it is put to, or for staff of its scope.</summary>
    public async Task<Result<PollView>> GetAsync(Actor reader, Guid pollId, CancellationToken ct)
    {
        var poll = await db.Polls.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pollId, ct);
        if (poll is null)
        {
            return Poll.NotFound;
        }

        if (reader.IsStaff)
        {
            return reader.CanAdminister(poll.TownId, poll.CommunityId) ? await ViewAsync(pollId, null, ct) : Poll.NotFound;
        }

        var me = await db.Users.AsNoTracking().Where(u => u.Id == reader.Id).Select(u => new { u.CommunityId, u.GridId }).FirstOrDefaultAsync(ct);
        return me is not null && poll.IsOpenTo(me.CommunityId, me.GridId) ? await ViewAsync(pollId, reader.Id, ct) : Poll.NotFound;
    }

    public async Task<Result<CastVote>> VoteAsync(Guid residentId, Guid pollId, IReadOnlyCollection<Guid> optionIds, CancellationToken ct)
    {
        var poll = await db.Polls.AsNoTracking().Include(p => p.Options).FirstOrDefaultAsync(p => p.Id == pollId, ct);
        var me = await db.Users.AsNoTracking().Where(u => u.Id == residentId && u.Role == Role.Resident)
            .Select(u => new { u.TownId, u.CommunityId, u.GridId, u.MicroGridId, u.HouseholdRoom }).FirstOrDefaultAsync(ct);
        if (poll is null || me is null)
        {
            return Poll.NotFound;
        }

        if (!poll.IsOpenTo(me.CommunityId, me.GridId))
        {
            return Poll.OutOfScope;
        }

        var now = clock.GetUtcNow();
        var ballot = poll.CheckBallot(optionIds, now);
        if (!ballot.IsSuccess)
        {
            return ballot.Error;
        }

        var key = poll.VoterKey(residentId, Household.Key(me.MicroGridId, me.HouseholdRoom));
        if (!key.IsSuccess)
        {
            return key.Error;
        }

        if (await db.PollVotes.AsNoTracking().AnyAsync(v => v.PollId == pollId && v.VoterKey == key.Value, ct))
        {
            return poll.AlreadyVotedError;
        }

        var vote = new PollVote(Guid.CreateVersion7(), pollId, residentId, key.Value, ballot.Value, now);
        db.PollVotes.Add(vote);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // Another click (or another member of the household) won the race: the index holds the one vote.
            db.ChangeTracker.Clear();
            return poll.AlreadyVotedError;
        }

        db.ChangeTracker.Clear();
        var awarded = await AwardAsync(poll, vote, me.TownId, ct);
        return new CastVote(vote, awarded);
    }

    /// <summary>Counts for export or display; refused while hidden (before the close of a poll that is not live).</summary>
    public async Task<Result<PollView>> ResultsAsync(Actor staff, Guid pollId, CancellationToken ct)
    {
        var view = await GetAsync(staff, pollId, ct);
        if (!view.IsSuccess)
        {
            return view.Error;
        }

        return view.Value.ResultsVisible ? view.Value : Poll.ResultsHidden;
    }

    private async Task<int> AwardAsync(Poll poll, PollVote vote, Guid townId, CancellationToken ct)
    {
        var points = poll.Points ?? await db.EarningRules.AsNoTracking()
            .Where(r => r.TownId == townId && r.Source == TransferReason.PollVote).Select(r => (int?)r.DefaultPoints).FirstOrDefaultAsync(ct) ?? 0;
        if (points <= 0)
        {
            return 0;
        }

        var award = await earning.AwardAsync(new EarnRequest(vote.ResidentId, townId, TransferReason.PollVote, points, PollVote.AwardKey(vote.Id),
            SourceType, poll.Id.ToString(), TransferRequest.FitNote($"议事投票：{poll.Title}")), ct);

        // A cap that leaves nothing keeps the vote and earns 0; the vote records what was paid.
        var paid = award.IsSuccess ? (int)award.Value.Entry.Points : 0;
        if (paid > 0)
        {
            await db.PollVotes.Where(v => v.Id == vote.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.AwardedPoints, paid), ct);
        }

        return paid;
    }

    private async Task<Result<(Guid TownId, Guid CommunityId)>> ScopeAsync(Actor staff, Guid communityId, Guid? gridId, CancellationToken ct)
    {
        if (gridId is { } g)
        {
            var grid = await db.Grids.AsNoTracking().Where(x => x.Id == g).Select(x => (Guid?)x.CommunityId).FirstOrDefaultAsync(ct);
            if (grid is null || (communityId != Guid.Empty && communityId != grid))
            {
                return PollErrors.GridNotFound;
            }

            communityId = grid.Value;
        }

        var community = await db.Communities.AsNoTracking().Where(c => c.Id == communityId).Select(c => new { c.Id, c.TownId }).FirstOrDefaultAsync(ct);
        if (community is null)
        {
            return PollErrors.CommunityNotFound;
        }

        return staff.CanAdminister(community.TownId, community.Id) ? (community.TownId, community.Id) : PollErrors.StaffOutOfScope;
    }

    private async Task<int> EligibleAsync(Guid communityId, Guid? gridId, VoteUnit unit, CancellationToken ct)
    {
        var residents = db.Users.AsNoTracking()
            .Where(u => u.Role == Role.Resident && u.IsActive && u.CommunityId == communityId && (gridId == null || u.GridId == gridId));
        return unit == VoteUnit.Household
            ? await residents.Where(u => u.MicroGridId != null && u.HouseholdRoom != null).Select(u => new { u.MicroGridId, u.HouseholdRoom }).Distinct().CountAsync(ct)
            : await residents.CountAsync(ct);
    }

    private async Task<PollView> ViewAsync(Guid pollId, Guid? reader, CancellationToken ct) => (await ViewsAsync([pollId], reader, ct))[0];

    private async Task<List<PollView>> ViewsAsync(List<Guid> ids, Guid? reader, CancellationToken ct)
    {
        var polls = await db.Polls.AsNoTracking().Include(p => p.Options).Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        var communityIds = polls.Select(p => p.CommunityId).Distinct().ToList();
        var names = await db.Communities.AsNoTracking().Where(c => communityIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var voters = await db.PollVotes.AsNoTracking().Where(v => ids.Contains(v.PollId)).GroupBy(v => v.PollId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var counts = (await db.PollVoteChoices.AsNoTracking().Where(c => ids.Contains(c.PollId)).GroupBy(c => new { c.PollId, c.OptionId })
            .Select(g => new { g.Key.PollId, g.Key.OptionId, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(x => x.PollId);
        var mine = reader is { } r
            ? (await db.PollVotes.AsNoTracking().Where(v => ids.Contains(v.PollId) && v.ResidentId == r).SelectMany(v => v.Choices).ToListAsync(ct)).ToLookup(c => c.PollId)
            : null;
        var now = clock.GetUtcNow();
        var byId = polls.ToDictionary(p => p.Id);
        return ids.Where(byId.ContainsKey).Select(id =>
        {
            var p = byId[id];
            var visible = p.ResultsVisibleAt(now);
            var chosen = mine?[id].Select(c => c.OptionId).ToList();
            return new PollView(p, names.GetValueOrDefault(p.CommunityId, ""), p.StateAt(now), voters.GetValueOrDefault(id), visible,
                visible ? p.Options.ToDictionary(o => o.Id, o => counts[id].FirstOrDefault(c => c.OptionId == o.Id)?.Count ?? 0) : null,
                chosen is { Count: > 0 } ? chosen : null);
        }).ToList();
    }
}

public static class PollErrors
{
    public static readonly DomainError CommunityNotFound = DomainError.NotFound("poll.community_not_found", "村社不存在");
    public static readonly DomainError GridNotFound = DomainError.NotFound("poll.grid_not_found", "网格不存在或不属于该村社");
    public static readonly DomainError StaffOutOfScope = DomainError.Forbidden("region.out_of_scope", "只能在本人管理的村社或镇街发起投票");
}
