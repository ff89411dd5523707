using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Polls;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Polls;

/// <summary>A proposal with the names staff read beside it.</summary>
public sealed record ProposalView(Proposal Proposal, string ResidentName, string CommunityName);

/// <summary>我有话说: residents propose topics for their community; staff of its scope answer them or put them to a vote.</summary>
public sealed class ProposalService(PointsDbContext db, PollService polls, TimeProvider clock)
{
    public async Task<Result<ProposalView>> SubmitAsync(Guid residentId, string? title, string? content, CancellationToken ct)
    {
        var me = await db.Users.AsNoTracking().Where(u => u.Id == residentId).Select(u => new { u.TownId, u.CommunityId }).FirstAsync(ct);
        var submitted = Proposal.Submit(Guid.CreateVersion7(), me.TownId, me.CommunityId, residentId, title, content, clock.GetUtcNow());
        if (!submitted.IsSuccess)
        {
            return submitted.Error;
        }

        db.Proposals.Add(submitted.Value);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db.Proposals.Where(p => p.Id == submitted.Value.Id), ct))[0];
    }

    public Task<List<ProposalView>> MineAsync(Guid residentId, CancellationToken ct) =>
        ViewsAsync(db.Proposals.Where(p => p.ResidentId == residentId), ct);

    public Task<List<ProposalView>> ListAsync(Actor staff, ProposalStatus? status, CancellationToken ct) =>
        ViewsAsync(db.Proposals.Where(p => (staff.Role == Role.CommunityStaff ? p.CommunityId == staff.CommunityId : p.TownId == staff.TownId)
            && (status == null || p.Status == status)), ct);

    public async Task<Result<ProposalView>> AnswerAsync(Actor staff, Guid id, string? answer, CancellationToken ct)
    {
        var proposal = await db.Proposals.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (proposal is null || !staff.CanAdminister(proposal.TownId, proposal.CommunityId))
        {
            return Proposal.NotFound;
        }

        var answered = proposal.AnswerWith(answer, staff.Id, clock.GetUtcNow());
        if (!answered.IsSuccess)
        {
            return answered.Error;
        }

        if (!await SaveHandledAsync(proposal, ct))
        {
            return Proposal.AlreadyHandled;
        }

        return (await ViewsAsync(db.Proposals.Where(p => p.Id == id), ct))[0];
    }

    /// <summary>Opens a poll on the proposal (in the proposal's community unless a grid of it is named) and marks the proposal handled.</summary>
    public async Task<Result<PollView>> OpenPollAsync(Actor staff, Guid id, PollDraft draft, CancellationToken ct)
    {
        var proposal = await db.Proposals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (proposal is null || !staff.CanAdminister(proposal.TownId, proposal.CommunityId))
        {
            return Proposal.NotFound;
        }

        if (proposal.Status != ProposalStatus.Open)
        {
            return Proposal.AlreadyHandled;
        }

        var created = await polls.CreateAsync(staff, draft with { CommunityId = proposal.CommunityId, Title = string.IsNullOrWhiteSpace(draft.Title) ? proposal.Title : draft.Title }, id, ct);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.ChangeTracker.Clear();
        var tracked = await db.Proposals.FirstAsync(p => p.Id == id, ct);
        var opened = tracked.OpenPoll(created.Value.Poll.Id, created.Value.Poll.Title, staff.Id, clock.GetUtcNow());
        if (!opened.IsSuccess || !await SaveHandledAsync(tracked, ct))
        {
            // Another staff member handled it meanwhile: their answer stands, and this poll carries no proposal.
            await db.Polls.Where(p => p.Id == created.Value.Poll.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ProposalId, (Guid?)null), ct);
            return Proposal.AlreadyHandled;
        }

        return created.Value;
    }

    /// <summary>Saves a handled proposal guarded on its status still being open, so two staff members cannot both handle it.</summary>
    private async Task<bool> SaveHandledAsync(Proposal proposal, CancellationToken ct)
    {
        var rows = await db.Proposals.Where(p => p.Id == proposal.Id && p.Status == ProposalStatus.Open).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, proposal.Status)
            .SetProperty(p => p.Answer, proposal.Answer)
            .SetProperty(p => p.HandledBy, proposal.HandledBy)
            .SetProperty(p => p.HandledAt, proposal.HandledAt)
            .SetProperty(p => p.PollId, proposal.PollId), ct);
        db.ChangeTracker.Clear();
        return rows == 1;
    }

    private async Task<List<ProposalView>> ViewsAsync(IQueryable<Proposal> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(200).ToListAsync(ct);
        var residentIds = rows.Select(p => p.ResidentId).Distinct().ToList();
        var communityIds = rows.Select(p => p.CommunityId).Distinct().ToList();
        var residents = await db.Users.AsNoTracking().Where(u => residentIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var communities = await db.Communities.AsNoTracking().Where(c => communityIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return rows.Select(p => new ProposalView(p, residents.GetValueOrDefault(p.ResidentId, ""), communities.GetValueOrDefault(p.CommunityId, ""))).ToList();
    }
}
