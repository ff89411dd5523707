using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Participation;

public sealed record ReviewCommand(ReviewDecision Decision, string? Reason, int? Points, int? Version);

public sealed record ReviewQueueFilter(ReviewLevel? Level, DeclarationCategory? Category, Guid? CommunityId, bool StaleOnly, int Skip, int Take);

public sealed record ReviewQueueItem(Declaration Declaration, string ResidentName, int DefaultPoints, double AgeDays, bool Stale);

public sealed record ReviewQueue(ReviewLevel Level, int Total, int StaleCount, IReadOnlyList<ReviewQueueItem> Items);

/// <summary>
/// 群众申报 with two-level review: residents submit, resubmit or withdraw their own; community staff review first and
/// town staff second where the category needs it; only the reviewer whose version wins awards, under the key
/// declaration:{id}; an approval can be revoked with the award reversed. The town sets each category's default points.
/// </summary>
public sealed class DeclarationService(PointsDbContext db, IContentChecker checker, EarningService earning, IResidentNotifier notifier,
    TimeProvider clock, IOptions<ParticipationOptions> options)
{
    public static readonly DomainError NoCommunity = DomainError.Unprocessable("declaration.no_community", "请先在“我的”里选择所属村社");

    public static readonly DomainError SettingsOutOfScope = DomainError.Forbidden("declaration.out_of_scope", "只能设置本镇街");

    public async Task<Result<Declaration>> SubmitAsync(Actor me, DeclarationCategory category, string text, IReadOnlyList<Guid> photos, CancellationToken ct)
    {
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Forum, ct, text) is { } risky)
        {
            return risky;
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user?.CommunityId is not { } communityId)
        {
            return NoCommunity;
        }

        if (!await Evidence.OwnedByAnyAsync(db, photos, [me.Id], ct))
        {
            return DeclarationErrors.PhotoNotOwned;
        }

        var now = clock.GetUtcNow();
        var created = Declaration.Submit(Guid.CreateVersion7(), me.Id, user.TownId, communityId, category, text, photos, now);
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Declarations.Add(created.Value);
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, created.Value.Id, DeclarationAction.Submitted, me.Id, null, null, now));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public Task<List<Declaration>> MineAsync(Actor me, CancellationToken ct) =>
        db.Declarations.AsNoTracking().Where(d => d.ResidentId == me.Id).OrderByDescending(d => d.SubmittedAt).Take(200).ToListAsync(ct);

    public async Task<Result<Declaration>> GetAsync(Actor me, Guid id, CancellationToken ct)
    {
        var declaration = await db.Declarations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null || (declaration.ResidentId != me.Id && !me.IsStaff))
        {
            return DeclarationErrors.NotFound;
        }

        return declaration.ResidentId != me.Id && !me.CanAdminister(declaration.TownId, declaration.CommunityId) ? DeclarationErrors.OutOfScope : declaration;
    }

    public async Task<Result<Declaration>> ResubmitAsync(Actor me, Guid id, string text, IReadOnlyList<Guid> photos, CancellationToken ct)
    {
        if (await checker.RefuseRiskyAsync(me.Id, ContentScene.Forum, ct, text) is { } risky)
        {
            return risky;
        }

        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id && d.ResidentId == me.Id, ct);
        if (declaration is null)
        {
            return DeclarationErrors.NotFound;
        }

        if (!await Evidence.OwnedByAnyAsync(db, photos, [me.Id], ct))
        {
            return DeclarationErrors.PhotoNotOwned;
        }

        var now = clock.GetUtcNow();
        var resubmitted = declaration.Resubmit(text, photos, now);
        if (!resubmitted.IsSuccess)
        {
            return resubmitted.Error;
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Resubmitted, me.Id, null, null, now));
        return await TrySaveAsync(ct) ? declaration : DeclarationErrors.ReviewConflict;
    }

    public async Task<Result<Declaration>> WithdrawAsync(Actor me, Guid id, CancellationToken ct)
    {
        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id && d.ResidentId == me.Id, ct);
        if (declaration is null)
        {
            return DeclarationErrors.NotFound;
        }

        var now = clock.GetUtcNow();
        var withdrawn = declaration.Withdraw(now);
        if (!withdrawn.IsSuccess)
        {
            return withdrawn.Error;
        }

        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Withdrawn, me.Id, null, null, now));
        return await TrySaveAsync(ct) ? declaration : DeclarationErrors.ReviewConflict;
    }

    /// <summary>
    /// The state change is saved first with the version as concurrency token (UPDATE ... WHERE
    /// version = @v): of two reviewers only one row update succeeds, the other gets review.conflict.
    /// Only the winner then awards, under the idempotency key declaration:{id}.
    /// </summary>
    public async Task<Result<Declaration>> ReviewAsync(Actor me, Guid id, ReviewCommand command, CancellationToken ct)
    {
        var declaration = await db.Declarations.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null)
        {
            return DeclarationErrors.NotFound;
        }

        if (!me.CanAdminister(declaration.TownId, declaration.CommunityId))
        {
            return DeclarationErrors.OutOfScope;
        }

        if (declaration.Status != DeclarationStatus.Pending || (command.Version is { } expected && expected != declaration.Version))
        {
            return DeclarationErrors.ReviewConflict;
        }

        var level = declaration.Level;
        if (level == ReviewLevel.Town && !me.CanAdministerTown(declaration.TownId))
        {
            return DeclarationErrors.TownLevelOnly;
        }

        var setting = await SettingAsync(declaration.TownId, declaration.Category, ct);
        var points = command.Points ?? declaration.DefaultReviewPoints(setting.DefaultPoints);
        var now = clock.GetUtcNow();
        var reviewed = declaration.Review(level, command.Decision, command.Reason, points, setting.NeedsTownReview, me.Id, now);
        if (!reviewed.IsSuccess)
        {
            return reviewed.Error;
        }

        var outcome = reviewed.Value;
        var shownPoints = outcome.Action is DeclarationAction.Approved or DeclarationAction.ForwardedToTown ? points : (int?)null;
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, outcome.Action, me.Id, declaration.LastReason, shownPoints, now));
        notifier.DeclarationReviewed(declaration, outcome.Action, now);
        if (!await TrySaveAsync(ct))
        {
            return DeclarationErrors.ReviewConflict;
        }

        if (outcome.PointsToAward > 0)
        {
            var award = new EarnRequest(declaration.ResidentId, declaration.TownId, TransferReason.Declaration, outcome.PointsToAward, ParticipationAwards.DeclarationKey(id), ParticipationAwards.DeclarationSource, id.ToString(), "申报审核通过", me.Id);
            if (await ParticipationAwards.PayAsync(db, earning, TimelineSubject.Declaration, id, award, now, ct) != outcome.PointsToAward)
            {
                // The town's daily cap cut the award: the approval stands, the timeline says what was paid.
                declaration = await db.Declarations.AsNoTracking().FirstAsync(d => d.Id == id, ct);
            }
        }

        return declaration;
    }

    /// <summary>Reverses the award first (idempotent), then marks the declaration revoked.</summary>
    public async Task<Result<Declaration>> RevokeAsync(Actor me, Guid id, string reason, CancellationToken ct)
    {
        var declaration = await db.Declarations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (declaration is null)
        {
            return DeclarationErrors.NotFound;
        }

        if (!me.CanAdminister(declaration.TownId, declaration.CommunityId))
        {
            return DeclarationErrors.OutOfScope;
        }

        var revokerLevel = me.CanAdministerTown(declaration.TownId) ? ReviewLevel.Town : ReviewLevel.Community;
        if (declaration.RevokeRefusal(revokerLevel) is { } refusal)
        {
            return refusal;
        }

        var reversed = await earning.RevokeAsync(ParticipationAwards.DeclarationKey(id), TransferRequest.FitNote($"申报撤销：{reason}"), me.Id, ct);
        if (!reversed.IsSuccess && reversed.Error.Code != LedgerErrors.AlreadyReversed.Code)
        {
            return reversed.Error;
        }

        db.ChangeTracker.Clear();
        declaration = await db.Declarations.FirstAsync(d => d.Id == id, ct);
        var now = clock.GetUtcNow();
        var revoked = declaration.Revoke(reason, revokerLevel, now);
        if (!revoked.IsSuccess)
        {
            return revoked.Error;
        }

        var taken = reversed.IsSuccess && reversed.Value is { } r ? -(int)r.Entry.Points : (int?)null;
        db.ParticipationEvents.Add(ParticipationAwards.Event(TimelineSubject.Declaration, id, DeclarationAction.Revoked, me.Id, declaration.LastReason, taken, now));
        return await TrySaveAsync(ct) ? declaration : DeclarationErrors.ReviewConflict;
    }

    /// <summary>Pending declarations of one level in the caller's scope, oldest action first, with each one's age and stale flag.</summary>
    public async Task<ReviewQueue> QueueAsync(Actor me, ReviewQueueFilter filter, CancellationToken ct)
    {
        // Town staff and admins work the second level: their queue opens there unless they ask for the community level.
        var level = filter.Level ?? (me.Role is Role.TownStaff or Role.Admin ? ReviewLevel.Town : ReviewLevel.Community);
        var query = db.Declarations.AsNoTracking().Where(d => d.Status == DeclarationStatus.Pending && d.Level == level && d.TownId == me.TownId);
        if (me.Role == Role.CommunityStaff)
        {
            query = query.Where(d => d.CommunityId == me.CommunityId);
        }

        if (filter.CommunityId is { } c)
        {
            query = query.Where(d => d.CommunityId == c);
        }

        if (filter.Category is { } cat)
        {
            query = query.Where(d => d.Category == cat);
        }

        var now = clock.GetUtcNow();
        var staleAfter = TimeSpan.FromDays(Math.Max(1, options.Value.StaleAfterDays));
        var staleBefore = now - staleAfter;
        if (filter.StaleOnly)
        {
            query = query.Where(d => d.LastActionAt <= staleBefore);
        }

        var total = await query.CountAsync(ct);
        var staleCount = await query.CountAsync(d => d.LastActionAt <= staleBefore, ct);
        var rows = await query.OrderBy(d => d.LastActionAt).ThenBy(d => d.Id)
            .Skip(filter.Skip).Take(filter.Take)
            .Join(db.Users, d => d.ResidentId, u => u.Id, (d, u) => new { d, u.DisplayName })
            .ToListAsync(ct);
        var settings = await SettingsAsync(me.TownId ?? Guid.Empty, ct);
        return new ReviewQueue(level, total, staleCount, [.. rows.Select(x => new ReviewQueueItem(
            x.d, x.DisplayName, settings[x.d.Category].DefaultPoints, Math.Round((now - x.d.LastActionAt).TotalDays, 2), x.d.IsStale(now, staleAfter)))]);
    }

    /// <summary>Every category's setting for the caller's town (the defaults where the town set none).</summary>
    public async Task<Result<IReadOnlyList<DeclarationCategorySetting>>> SettingsAsync(Actor me, CancellationToken ct) =>
        me.TownId is { } townId ? Result<IReadOnlyList<DeclarationCategorySetting>>.Ok([.. (await SettingsAsync(townId, ct)).Values]) : DomainError.Forbidden("auth.forbidden", "没有权限执行此操作");

    public async Task<Result<DeclarationCategorySetting>> SetAsync(Actor me, DeclarationCategory category, int defaultPoints, bool needsTownReview, CancellationToken ct)
    {
        if (me.TownId is not { } townId || !me.CanAdministerTown(townId))
        {
            return SettingsOutOfScope;
        }

        var setting = await db.DeclarationCategorySettings.FirstOrDefaultAsync(s => s.TownId == townId && s.Category == category, ct);
        if (setting is null)
        {
            setting = DeclarationCategorySetting.Default(townId, category);
            db.DeclarationCategorySettings.Add(setting);
        }

        var updated = setting.Update(defaultPoints, needsTownReview);
        if (!updated.IsSuccess)
        {
            return updated.Error;
        }

        await db.SaveChangesAsync(ct);
        return setting;
    }

    private async Task<DeclarationCategorySetting> SettingAsync(Guid townId, DeclarationCategory category, CancellationToken ct) =>
        await db.DeclarationCategorySettings.AsNoTracking().FirstOrDefaultAsync(s => s.TownId == townId && s.Category == category, ct)
        ?? DeclarationCategorySetting.Default(townId, category);

    private async Task<Dictionary<DeclarationCategory, DeclarationCategorySetting>> SettingsAsync(Guid townId, CancellationToken ct)
    {
        var stored = await db.DeclarationCategorySettings.AsNoTracking().Where(s => s.TownId == townId).ToListAsync(ct);
        return Enum.GetValues<DeclarationCategory>().ToDictionary(c => c, c => stored.FirstOrDefault(s => s.Category == c) ?? DeclarationCategorySetting.Default(townId, c));
    }

    /// <summary>A concurrent review of the same version loses on the version, or on the notification it queued first (dedupe key declaration-review:{id}:{version}).</summary>
    private Task<bool> TrySaveAsync(CancellationToken ct) => db.TrySaveChangesAsync(ct);
}
