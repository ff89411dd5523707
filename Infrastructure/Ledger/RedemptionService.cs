using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>Test-only faults (<c>Points:Faults:*</c>); all off in every real deployment.</summary>
public sealed class LedgerFaultOptions
{
    public const string Section = "Points:Faults";

    /// <summary>Ends the process right after a redemption commits and before the reply is written (crash-between-commit-and-reply tests).</summary>
    public bool ExitAfterRedemptionCommit { get; set; }
}

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
public sealed class RedemptionService(PointsDbContext db, LedgerService ledger, TimeProvider clock, IOptions<LedgerFaultOptions> faults)
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

    public async Task<Result<RedemptionOutcome>> RedeemAsync(RedeemCommand command, CancellationToken ct)
    {
        var key = $"{command.MerchantId}:{command.IdempotencyKey}";
        var codeHash = Hash(command.Paycode);
        var fingerprint = $"{codeHash}|{command.Points}|{command.Note}";

        // One round trip for the paycode and the merchant. A retry of a committed redemption finds its
        // paycode used and is answered from the redemption row below; a reused key with a fresh paycode
        // is caught by the journal's unique key inside the transaction.
        var found = await db.Paycodes.AsNoTracking().Where(p => p.CodeHash == codeHash)
            .SelectMany(p => db.Merchants.Where(m => m.Id == command.MerchantId), (p, m) => new { Paycode = p, Merchant = m })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            if (await ReplayAsync(key, fingerprint, ct) is { } replayed)
            {
                return replayed;
            }

            return await db.Merchants.AnyAsync(m => m.Id == command.MerchantId && m.IsActive, ct) ? PaycodeErrors.Invalid : MerchantInactive;
        }

        var (paycode, merchant) = (found.Paycode, found.Merchant);
        var now = clock.GetUtcNow();
        if (paycode.UsedAt is not null || paycode.ExpiresAt <= now)
        {
            return await ReplayAsync(key, fingerprint, ct) ?? (paycode.UsedAt is not null ? PaycodeErrors.Used : PaycodeErrors.Expired);
        }

        if (!merchant.IsActive)
        {
            return MerchantInactive;
        }

        if (paycode.TownId != merchant.TownId)
        {
            return PaycodeErrors.OtherTown;
        }

        var walletRef = AccountRef.Wallet(paycode.ResidentId, merchant.TownId);
        var receivableRef = AccountRef.Merchant(merchant.Id, merchant.TownId);
        var (wallet, receivable) = await ledger.EnsureAccountsAsync(walletRef, receivableRef, ct);
        var redemptionId = Guid.CreateVersion7();
        Result<RedemptionOutcome> result;
        try
        {
            result = await ledger.InTransactionAsync<RedemptionOutcome>(async () =>
            {
                var transfer = new TransferRequest(walletRef, receivableRef, command.Points, TransferReason.Redemption, $"redemption:{key}", "redemption", redemptionId.ToString(), command.Note, command.ActorId);
                Redemption? redemption = null;
                var posted = await ledger.PostInTransactionAsync(
                    transfer,
                    wallet,
                    receivable,
                    entry =>
                    {
                        redemption = new Redemption(redemptionId, merchant.Id, merchant.TownId, paycode.ResidentId, command.Points, key, fingerprint, entry.Id, command.Note, command.ActorId, entry.OccurredAt);
                        db.Redemptions.Add(redemption);
                    },
                    async () =>
                    {
                        var consumed = await db.Paycodes
                            .Where(p => p.Id == paycode.Id && p.UsedAt == null && p.ExpiresAt > now)
                            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedAt, now).SetProperty(p => p.RedemptionId, redemptionId), ct);
                        return consumed == 1 ? null : PaycodeErrors.Used;
                    },
                    ct);
                if (!posted.IsSuccess)
                {
                    return posted.Error!;
                }

                return new RedemptionOutcome(redemption!, false);
            }, ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // The same key committed first in a concurrent request.
            db.ChangeTracker.Clear();
            return await ReplayAsync(key, fingerprint, ct) ?? PaycodeErrors.Used;
        }

        if (result.IsSuccess && faults.Value.ExitAfterRedemptionCommit)
        {
            Environment.Exit(75);
        }

        return result;
    }

    /// <summary>A full refund within the town's window: the reversal and the refund mark commit together; the reversal's unique link forbids a second refund.</summary>
    public async Task<Result<Redemption>> RefundAsync(Guid merchantId, Guid redemptionId, Guid actorId, CancellationToken ct)
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
            return reversal.Error!;
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
                    return posted.Error!;
                }

                var marked = await db.Redemptions.Where(r => r.Id == redemption.Id && r.RefundedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.RefundedAt, now).SetProperty(r => r.RefundEntryId, posted.Value.Entry.Id), ct);
                if (marked != 1)
                {
                    return Result<Redemption>.Fail(Redemption.AlreadyRefunded);
                }

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
