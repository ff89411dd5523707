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
/// town's daily earning cap and the per-source daily and monthly caps of the town's earning rules
/// (Asia/Shanghai days and months). A capped award posts what is left of the tightest cap; an award
/// past a cap is refused (<c>points.daily_cap_reached</c>, <c>points.monthly_cap_reached</c>). The
/// caps are checked under the wallet's row lock in the posting transaction, so concurrent awards to
/// one resident cannot overshoot them. Revoking reverses the award.
/// </summary>
public sealed class EarningService(PointsDbContext db, LedgerService ledger, TimeProvider clock)
{
    public static readonly TransferReason[] EarningReasons =
        [TransferReason.ActivityAttendance, TransferReason.Declaration, TransferReason.HazardReport, TransferReason.Learning, TransferReason.Mediation, TransferReason.PollVote, TransferReason.PremisesSelfCheck];

    public static readonly DomainError DailyCapReached = DomainError.Conflict("points.daily_cap_reached", "今日获得的积分已达上限，明天再来吧");

    public static readonly DomainError MonthlyCapReached = DomainError.Conflict("points.monthly_cap_reached", "本月该类积分已达上限，下个月再来吧");

    public async Task<Result<PostedTransfer>> AwardAsync(EarnRequest request, CancellationToken ct)
    {
        var existing = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == request.IdempotencyKey, ct);
        if (existing is not null)
        {
            // A retry: answer with the first result whatever the cap says now.
            return new PostedTransfer(existing, true);
        }

        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.TownId, ct);
        var rule = await db.EarningRules.AsNoTracking().FirstOrDefaultAsync(r => r.TownId == request.TownId && r.Source == request.Source, ct);
        var wanted = request.Points <= 0 && rule is not null ? rule.DefaultPoints : request.Points;
        var issuance = await ledger.EnsureAccountAsync(AccountRef.Issuance(request.TownId), ct);
        var wallet = await ledger.EnsureAccountAsync(AccountRef.Wallet(request.ResidentId, request.TownId), ct);
        try
        {
            return await ledger.InTransactionAsync(async () =>
            {
                // Take both rows the transfer will update, in the ledger's id order, before reading the caps:
                // awards to one resident then run one at a time, and lock order never inverts (no deadlock).
                await ledger.LockAccountAsync(issuance.CompareTo(wallet) < 0 ? issuance : wallet, ct);
                await ledger.LockAccountAsync(issuance.CompareTo(wallet) < 0 ? wallet : issuance, ct);
                var now = clock.GetUtcNow();
                var today = ShanghaiTime.Today(now);
                var dayStart = ShanghaiTime.StartOfDay(today);
                var (monthStart, _) = ShanghaiTime.Month(today.Year, today.Month);
                var townCap = town?.DailyEarningCap ?? int.MaxValue;
                var points = Math.Min(wanted, townCap - await EarnedAsync(wallet, dayStart, EarningReasons, ct));
                var error = DailyCapReached.With("dailyCap", townCap);
                if (rule?.DailyCap is { } sourceDaily)
                {
                    var left = sourceDaily - await EarnedAsync(wallet, dayStart, [request.Source], ct);
                    if (left < points)
                    {
                        (points, error) = (left, DailyCapReached.With("dailyCap", sourceDaily).With("source", request.Source.ToString()));
                    }
                }

                if (rule?.MonthlyCap is { } sourceMonthly)
                {
                    var left = sourceMonthly - await EarnedAsync(wallet, monthStart, [request.Source], ct);
                    if (left < points)
                    {
                        (points, error) = (left, MonthlyCapReached.With("monthlyCap", sourceMonthly).With("source", request.Source.ToString()));
                    }
                }

                if (points <= 0)
                {
                    return error;
                }

                var note = points < wanted ? $"{request.Note}（已达上限，按{points}分计）".TrimStart() : request.Note;
                return await ledger.PostInTransactionAsync(
                    new TransferRequest(AccountRef.Issuance(request.TownId), AccountRef.Wallet(request.ResidentId, request.TownId), points, request.Source, request.IdempotencyKey, request.SourceType, request.SourceId, note, request.ActorId),
                    issuance,
                    wallet,
                    ct);
            }, ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            var winner = await db.JournalEntries.AsNoTracking().FirstAsync(e => e.IdempotencyKey == request.IdempotencyKey, ct);
            return new PostedTransfer(winner, true);
        }
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
        return reversed.IsSuccess ? Result<PostedTransfer?>.Ok(reversed.Value) : Result<PostedTransfer?>.Fail(reversed.Error);
    }

    public async Task<long> EarnedTodayAsync(Guid residentId, CancellationToken ct)
    {
        var dayStart = ShanghaiTime.StartOfDay(ShanghaiTime.Today(clock.GetUtcNow()));
        var wallet = await db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == residentId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        return wallet is { } id ? await EarnedAsync(id, dayStart, EarningReasons, ct) : 0;
    }

    /// <summary>Points a wallet earned from <paramref name="reasons"/> since <paramref name="since"/>, net of reversed awards.</summary>
    private async Task<long> EarnedAsync(Guid wallet, DateTimeOffset since, TransferReason[] reasons, CancellationToken ct)
    {
        var earned = await db.JournalEntries
            .Where(e => e.CreditAccountId == wallet && e.OccurredAt >= since && reasons.Contains(e.Reason))
            .SumAsync(e => (long?)e.Points, ct) ?? 0;
        var reversed = await db.JournalEntries
            .Where(e => e.DebitAccountId == wallet && e.OccurredAt >= since && e.Reason == TransferReason.Reversal && e.ReversesEntryId != null)
            .Join(db.JournalEntries.Where(o => reasons.Contains(o.Reason)), r => r.ReversesEntryId, o => o.Id, (r, o) => r.Points)
            .SumAsync(p => (long?)p, ct) ?? 0;
        return earned - reversed;
    }
}
