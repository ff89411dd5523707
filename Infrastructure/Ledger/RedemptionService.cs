using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Points.Domain.Audit;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Domain.Notifications;
using Points.Infrastructure.Audit;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

public sealed record IssuedPaycode(string Code, DateTimeOffset ExpiresAt);

public sealed record RedeemCommand(Guid MerchantId, Guid ActorId, string Paycode, long Points, string IdempotencyKey, string? Note);

public sealed record RedemptionOutcome(Redemption Redemption, bool Replayed);

/// <summary>
/// Merchant redemptions: a resident shows a single-use 60-second paycode; the merchant redeems
/// points against it. The journal entry (unique key <c>redemption:{merchant}:{key}</c>), the guarded
/// wallet debit, the merchant credit, the paycode consumption and the redemption row commit in ONE
/// transaction. A refused transfer (insufficient points) rolls back and leaves the paycode unused,
/// so the resident can top up or the merchant can retry a smaller amount within the minute.
/// </summary>
public sealed class RedemptionService(PointsDbContext db, LedgerService ledger, TimeProvider clock, Diagnostics.PointsMetrics metrics)
{
    public static readonly DomainError NotFound = DomainError.NotFound("redemption.not_found", "兑换记录不存在");
    public static readonly DomainError MerchantInactive = DomainError.Forbidden("merchant.inactive", "商户已停用");

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    public async Task<IssuedPaycode> IssuePaycodeAsync(Guid residentId, Guid townId, CancellationToken ct)
    {
        // 20 random bytes: unguessable within its 60 seconds, short enough for a QR code a phone scans at once.
        var code = "PC" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(20)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var paycode = new Paycode(Guid.CreateVersion7(), Hash(code), residentId, townId, clock.GetUtcNow());
        db.Paycodes.Add(paycode);
        await db.SaveChangesAsync(ct);
        return new IssuedPaycode(code, paycode.ExpiresAt);
    }

    /// <summary>What a redemption needs to know, in one query: the paycode, the merchant and both ledger accounts.</summary>
    private sealed record RedeemLookup(
        Guid PaycodeId, Guid ResidentId, Guid PaycodeTownId, DateTimeOffset? UsedAt, DateTimeOffset ExpiresAt,
        Guid MerchantTownId, string MerchantName, bool MerchantActive, Guid? WalletId, long WalletBalance, Guid? ReceivableId,
        Guid? ResidentCommunityId, Guid? ResidentGridId);

    /// <summary>Compiled once per model (a compiled query binds to the model it first ran with; test hosts each build their own).</summary>
    private static readonly ConditionalWeakTable<IModel, Func<PointsDbContext, string, Guid, CancellationToken, Task<RedeemLookup?>>> Lookups = [];

    private static Func<PointsDbContext, string, Guid, CancellationToken, Task<RedeemLookup?>> CompileLookup() =>
        EF.CompileAsyncQuery((PointsDbContext db, string codeHash, Guid merchantId, CancellationToken ct) =>
            (from p in db.Paycodes
             where p.CodeHash == codeHash
             from m in db.Merchants
             where m.Id == merchantId
             from w in db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == p.ResidentId).DefaultIfEmpty()
             from r in db.LedgerAccounts.Where(a => a.Kind == AccountKind.MerchantReceivable && a.OwnerId == m.Id).DefaultIfEmpty()
             from u in db.Users.Where(u => u.Id == p.ResidentId).DefaultIfEmpty()
             select new RedeemLookup(
                 p.Id, p.ResidentId, p.TownId, p.UsedAt, p.ExpiresAt, m.TownId, m.Name, m.IsActive,
                 w == null ? null : w.Id, w == null ? 0 : w.Balance, r == null ? null : r.Id,
                 u == null ? null : u.CommunityId, u == null ? null : u.GridId))
            .FirstOrDefault());

    /// <summary>
    /// Two round trips: one query reads the paycode, the merchant and both accounts; one batch commits the journal
    /// entry, the redemption row, the paycode's use, both balances and the resident's receipt notification. The
    /// database refuses what must not happen, which aborts the whole batch: a second use of the paycode (unique
    /// paycode on redemptions), a reused key (unique keys), an overdraft (the wallet's non-negative check).
    /// </summary>
    public async Task<Result<RedemptionOutcome>> RedeemAsync(RedeemCommand command, CancellationToken ct)
    {
        var result = await RedeemOnceAsync(command, ct);
        if (result.IsSuccess && !result.Value.Replayed)
        {
            metrics.Redeemed(result.Value.Redemption.Points);
        }

        return result;
    }

    private async Task<Result<RedemptionOutcome>> RedeemOnceAsync(RedeemCommand command, CancellationToken ct)
    {
        var key = $"{command.MerchantId}:{command.IdempotencyKey}";
        var codeHash = Hash(command.Paycode);
        var fingerprint = $"{codeHash}|{command.Points}|{command.Note}";
        // A retry of a committed redemption finds its paycode used and is answered from the redemption row.
        var found = await Lookups.GetValue(db.Model, _ => CompileLookup())(db, codeHash, command.MerchantId, ct);
        if (found is null)
        {
            if (await ReplayAsync(key, fingerprint, ct) is { } replayed)
            {
                return replayed;
            }

            return await db.Merchants.AnyAsync(m => m.Id == command.MerchantId && m.IsActive, ct) ? PaycodeErrors.Invalid : MerchantInactive;
        }

        var now = clock.GetUtcNow();
        var unusable = Paycode.CheckUsable(found.UsedAt, found.ExpiresAt, found.PaycodeTownId, now, found.MerchantTownId);
        if (unusable == PaycodeErrors.Used || unusable == PaycodeErrors.Expired)
        {
            return await ReplayAsync(key, fingerprint, ct) ?? unusable;
        }

        if (!found.MerchantActive)
        {
            return MerchantInactive;
        }

        if (unusable is not null)
        {
            return unusable;
        }

        var walletRef = AccountRef.Wallet(found.ResidentId, found.MerchantTownId);
        var receivableRef = AccountRef.Merchant(command.MerchantId, found.MerchantTownId);
        var (wallet, receivable) = found is { WalletId: { } w, ReceivableId: { } r } ? (w, r) : await ledger.EnsureAccountsAsync(walletRef, receivableRef, ct);
        if (found.WalletBalance < command.Points && found.WalletId is not null)
        {
            // Read before the batch: a clear refusal without a write. The check constraint still decides under concurrency.
            return LedgerErrors.Insufficient;
        }

        var redemptionId = Guid.CreateVersion7();
        var transfer = new TransferRequest(walletRef, receivableRef, command.Points, TransferReason.Redemption, $"redemption:{key}", "redemption", redemptionId.ToString(), command.Note, command.ActorId);
        var posting = LedgerPosting.Plan(transfer, wallet, receivable, now, found.ResidentCommunityId, found.ResidentGridId);
        if (!posting.IsSuccess)
        {
            return posting.Error;
        }

        var entry = posting.Value.Entry;
        var redemption = new Redemption(redemptionId, command.MerchantId, found.MerchantTownId, found.ResidentId, command.Points, key, fingerprint, entry.Id, found.PaycodeId, command.Note, command.ActorId, now);
        var receipt = Outbox.Create(found.ResidentId, NotificationKind.RedemptionReceipt, new
        {
            merchantName = found.MerchantName,
            points = command.Points,
            balance = found.WalletBalance - command.Points,
            redeemedAt = now.ToOffset(TimeSpan.FromHours(8)),
        }, $"redemption:{redemptionId}", now);

        // The posting's statements first (balances in id order, then the entry: inserting the entry first would make
        // every concurrent redemption take a key-share lock on the merchant's hot row, which PostgreSQL keeps in
        // multixacts), then the redemption's own rows, all in one batch.
        var batch = posting.Value.AppendTo(new StatementBatch(db));
        batch.Insert(redemption)
            .Set<Paycode>(found.PaycodeId, (nameof(Paycode.UsedAt), now), (nameof(Paycode.RedemptionId), redemptionId))
            .Insert(receipt);
        // The merchant's write is audited inside the same batch (one more INSERT, no extra round trip).
        if (AuditLog.For(now, nameof(Redemption), redemptionId, AuditAction.Added, null,
                new { redemption.MerchantId, redemption.ResidentId, redemption.Points, PaycodeId = found.PaycodeId, JournalEntryId = entry.Id, redemption.Note }) is { } audit)
        {
            batch.Insert(audit);
        }

        try
        {
            await batch.ExecuteAsync(ct);
        }
        catch (Exception ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // The same key committed first (a concurrent retry), or another redemption took the paycode.
            return await ReplayAsync(key, fingerprint, ct) ?? PaycodeErrors.Used;
        }
        catch (Exception ex) when (LedgerPosting.RefusalOf(ex) is { } refused)
        {
            return refused;
        }

        return new RedemptionOutcome(redemption, false);
    }

    /// <summary>A full refund within the town's window: the reversal and the refund mark commit together; the reversal's unique link forbids a second refund.</summary>
    public async Task<Result<Redemption>> RefundAsync(Guid merchantId, Guid redemptionId, Guid actorId, CancellationToken ct)
    {
        var result = await RefundOnceAsync(merchantId, redemptionId, actorId, ct);
        if (result.IsSuccess)
        {
            metrics.Refunded();
        }

        return result;
    }

    private async Task<Result<Redemption>> RefundOnceAsync(Guid merchantId, Guid redemptionId, Guid actorId, CancellationToken ct)
    {
        var redemption = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == redemptionId && r.MerchantId == merchantId, ct);
        if (redemption is null)
        {
            return NotFound;
        }

        var town = await db.Towns.AsNoTracking().FirstAsync(t => t.Id == redemption.TownId, ct);
        var now = clock.GetUtcNow();
        if (redemption.CanRefund(town.RefundWindowDays, now) is { } refused)
        {
            return refused;
        }

        var reversal = await ledger.ReversalOfAsync(redemption.JournalEntryId, $"redemption-refund:{redemption.Id}", "商户退款", actorId, TransferReason.RedemptionRefund, ct);
        if (!reversal.IsSuccess)
        {
            return reversal.Error;
        }

        var from = await ledger.EnsureAccountAsync(reversal.Value.From, ct);
        var to = await ledger.EnsureAccountAsync(reversal.Value.To, ct);
        try
        {
            return await ledger.InTransactionAsync(async () =>
            {
                var posted = await ledger.PostInTransactionAsync(reversal.Value, from, to, ct);
                if (!posted.IsSuccess)
                {
                    return posted.Error;
                }

                var refunded = redemption.Refund(town.RefundWindowDays, posted.Value.Entry.Id, now);
                if (!refunded.IsSuccess)
                {
                    return refunded.Error;
                }

                var marked = await db.Redemptions.Where(r => r.Id == redemption.Id && r.RefundedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.RefundedAt, redemption.RefundedAt).SetProperty(r => r.RefundEntryId, redemption.RefundEntryId), ct);
                if (marked != 1)
                {
                    return Result<Redemption>.Fail(Redemption.AlreadyRefunded);
                }

                await AuditLog.AppendAsync(db, now, nameof(Redemption), redemption.Id, new { RefundedAt = (DateTimeOffset?)null },
                    new { redemption.RefundedAt, redemption.RefundEntryId }, ct);

                return await db.Redemptions.AsNoTracking().FirstAsync(r => r.Id == redemption.Id, ct);
            }, ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return Redemption.AlreadyRefunded;
        }
    }

    private async Task<Result<RedemptionOutcome>?> ReplayAsync(string key, string fingerprint, CancellationToken ct)
    {
        var existing = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == key, ct);
        if (existing is null)
        {
            return null;
        }

        return existing.Fingerprint == fingerprint
            ? new RedemptionOutcome(existing, true)
            : Result<RedemptionOutcome>.Fail(LedgerErrors.IdempotencyConflict);
    }
}
