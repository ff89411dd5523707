using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>Points a resident earns from a source (an attended activity, an approved declaration, a read article).</summary>
public sealed record EarnRequest(
    Guid ResidentId,
    Guid TownId,
    TransferReason Source,
    long Points,
    string IdempotencyKey,
    string SourceType,
    string SourceId,
    string? Note = null,
    Guid? ActorId = null);

/// <summary>
/// The one way residents earn points: from the town's issuance account into the wallet, within the
/// town's daily earning cap (Asia/Shanghai days). A capped award posts what is left of the cap; an
/// award past the cap is refused with <c>points.daily_cap_reached</c>. Revoking reverses the award.
/// </summary>
public sealed class EarningService(PointsDbContext db, LedgerService ledger, TimeProvider clock)
{
    public static readonly TransferReason[] EarningReasons =
        [TransferReason.ActivityAttendance, TransferReason.Declaration, TransferReason.HazardReport, TransferReason.Learning];

    public static readonly DomainError DailyCapReached = DomainError.Conflict("points.daily_cap_reached", "今日获得的积分已达上限，明天再来吧");

    public async Task<Result<PostedTransfer>> AwardAsync(EarnRequest request, CancellationToken ct)
    {
        var existing = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == request.IdempotencyKey, ct);
        if (existing is not null)
        {
            // A retry: answer with the first result whatever the cap says now.
            return new PostedTransfer(existing, true);
        }

        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.TownId, ct);
        var cap = town?.DailyEarningCap ?? int.MaxValue;
        var earnedToday = await EarnedTodayAsync(request.ResidentId, ct);
        var points = Math.Min(request.Points, Math.Max(0, cap - earnedToday));
        if (points <= 0)
        {
            return DailyCapReached.With("dailyCap", cap);
        }

        var note = points < request.Points ? $"{request.Note}（已达每日上限，按{points}分计）".TrimStart() : request.Note;
        return await ledger.PostAsync(
            new TransferRequest(AccountRef.Issuance(request.TownId), AccountRef.Wallet(request.ResidentId, request.TownId), points, request.Source, request.IdempotencyKey, request.SourceType, request.SourceId, note, request.ActorId),
            ct);
    }

    /// <summary>Reverses the award of a source (e.g. a revoked declaration). Nothing to reverse returns null.</summary>
    public async Task<Result<PostedTransfer?>> RevokeAsync(string awardIdempotencyKey, string? note, Guid? actorId, CancellationToken ct)
    {
        var award = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == awardIdempotencyKey, ct);
        if (award is null)
        {
            return Result<PostedTransfer?>.Ok(null);
        }

        var reversed = await ledger.ReverseAsync(award.Id, $"revoke:{awardIdempotencyKey}", note, actorId, ct);
        return reversed.IsSuccess ? Result<PostedTransfer?>.Ok(reversed.Value) : Result<PostedTransfer?>.Fail(reversed.Error!);
    }

    public async Task<long> EarnedTodayAsync(Guid residentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var dayStart = ShanghaiTime.StartOfDay(ShanghaiTime.Today(now));
        var wallet = await db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == residentId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (wallet is null)
        {
            return 0;
        }

        var reasons = EarningReasons;
        var earned = await db.JournalEntries
            .Where(e => e.CreditAccountId == wallet && e.OccurredAt >= dayStart && reasons.Contains(e.Reason))
            .SumAsync(e => (long?)e.Points, ct) ?? 0;
        var reversed = await db.JournalEntries
            .Where(e => e.DebitAccountId == wallet && e.OccurredAt >= dayStart && e.Reason == TransferReason.Reversal && e.ReversesEntryId != null)
            .Join(db.JournalEntries.Where(o => reasons.Contains(o.Reason)), r => r.ReversesEntryId, o => o.Id, (r, o) => r.Points)
            .SumAsync(p => (long?)p, ct) ?? 0;
        return earned - reversed;
    }
}
