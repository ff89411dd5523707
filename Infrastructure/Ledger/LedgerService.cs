using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>The outcome of a posted transfer. <see cref="Replayed"/> is true when the key had already been used for the same request.</summary>
public sealed record PostedTransfer(JournalEntry Entry, bool Replayed);

/// <summary>
/// Posts transfers: one transaction moves both balances (the debit guarded by "balance >= points" in the same
/// statement) and inserts the journal entry (its idempotency key is unique), as <see cref="LedgerPosting"/> orders
/// them, so concurrent requests cannot overspend and a retry can never pay twice.
/// </summary>
public sealed class LedgerService(PointsDbContext db, TimeProvider clock)
{
    public async Task<Result<PostedTransfer>> PostAsync(TransferRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        if (await FindExistingAsync(request, ct) is { } existing)
        {
            return existing;
        }

        var from = await EnsureAccountAsync(request.From, ct);
        var to = await EnsureAccountAsync(request.To, ct);
        try
        {
            return await InTransactionAsync(() => PostInTransactionAsync(request, from, to, ct), ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // The same key committed first in another request (answered with its entry), or a reversal raced us.
            db.ChangeTracker.Clear();
            if (await FindExistingAsync(request, ct) is { } winner)
            {
                return winner;
            }

            return LedgerPosting.RefusalOf(ex) ?? LedgerErrors.AlreadyReversed;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction: a failed result rolls everything back (and
    /// forgets tracked changes), a successful one commits. Features use it to put their own rows
    /// (a consumed paycode, a stock decrement) in the same transaction as a transfer.
    /// </summary>
    public async Task<Result<T>> InTransactionAsync<T>(Func<Task<Result<T>>> work, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            Result<T> result;
            try
            {
                result = await work();
            }
            catch
            {
                db.ChangeTracker.Clear();
                throw;
            }

            if (!result.IsSuccess)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return result;
            }

            await tx.CommitAsync(ct);
            return result;
        });
    }

    /// <summary>
    /// Posts inside the caller's transaction (see <see cref="InTransactionAsync{T}"/>); accounts must
    /// exist already (<see cref="EnsureAccountAsync"/> outside the transaction). Every refusal is decided before a
    /// balance moves: the request's own checks, a second reversal of one entry, a balance that does not cover the
    /// debit. Then <see cref="LedgerPosting"/> writes it (balances in id order, then the entry). A failure leaves the
    /// rollback to the caller; a reused key surfaces as a unique-violation DbUpdateException.
    /// </summary>
    public async Task<Result<PostedTransfer>> PostInTransactionAsync(TransferRequest request, Guid from, Guid to, CancellationToken ct)
    {
        var (communityId, gridId) = await PlaceOfAsync(request, ct);
        var posting = LedgerPosting.Plan(request, from, to, clock.GetUtcNow(), communityId, gridId);
        if (!posting.IsSuccess)
        {
            return posting.Error;
        }

        if (request.ReversesEntryId is { } original && await db.JournalEntries.AnyAsync(e => e.ReversesEntryId == original, ct))
        {
            return LedgerErrors.AlreadyReversed;
        }

        if (!posting.Value.DebitMayGoNegative
            && await db.LedgerAccounts.Where(a => a.Id == from).Select(a => a.Balance).FirstOrDefaultAsync(ct) < request.Points)
        {
            return LedgerErrors.Insufficient;
        }

        var applied = await posting.Value.ApplyAsync(db, ct);
        return applied.IsSuccess ? new PostedTransfer(applied.Value, false) : applied.Error;
    }

    /// <summary>
    /// Where the movement happened: a reversal belongs where its original did; otherwise the community and grid the
    /// resident of the wallet side belongs to now (one primary-key read).
    /// </summary>
    private async Task<(Guid? CommunityId, Guid? GridId)> PlaceOfAsync(TransferRequest request, CancellationToken ct)
    {
        if (request.ReversesEntryId is { } original)
        {
            var place = await db.JournalEntries.AsNoTracking().Where(e => e.Id == original)
                .Select(e => new { e.CommunityId, e.GridId }).FirstOrDefaultAsync(ct);
            if (place is not null)
            {
                return (place.CommunityId, place.GridId);
            }
        }

        var resident = request.From.Kind == AccountKind.ResidentWallet ? request.From.OwnerId
            : request.To.Kind == AccountKind.ResidentWallet ? request.To.OwnerId
            : (Guid?)null;
        if (resident is null)
        {
            return (null, null);
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == resident).Select(u => new { u.CommunityId, u.GridId }).FirstOrDefaultAsync(ct);
        return (user?.CommunityId, user?.GridId);
    }

    /// <summary>Takes the account's row lock until the transaction ends (a no-op UPDATE works on every provider), to serialise per-account rules such as earning caps.</summary>
    public async Task LockAccountAsync(Guid accountId, CancellationToken ct) =>
        await db.LedgerAccounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance), ct);

    /// <summary>The reversal request of an entry (opposite direction, linked), for callers that post it inside their own transaction.</summary>
    public async Task<Result<TransferRequest>> ReversalOfAsync(Guid entryId, string idempotencyKey, string? note, Guid? actorId, TransferReason reason, CancellationToken ct)
    {
        var original = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct);
        if (original is null)
        {
            return LedgerErrors.EntryNotFound;
        }

        var accounts = await db.LedgerAccounts.AsNoTracking()
            .Where(a => a.Id == original.DebitAccountId || a.Id == original.CreditAccountId)
            .ToDictionaryAsync(a => a.Id, ct);
        var debit = accounts[original.DebitAccountId];
        var credit = accounts[original.CreditAccountId];
        return new TransferRequest(
            new AccountRef(credit.Kind, credit.OwnerId, credit.TownId),
            new AccountRef(debit.Kind, debit.OwnerId, debit.TownId),
            original.Points,
            reason,
            idempotencyKey,
            original.SourceType,
            original.SourceId,
            note,
            actorId,
            original.Id);
    }

    /// <summary>Reverses an entry in full: the opposite transfer, linked to the original; reversing twice is refused.</summary>
    public async Task<Result<PostedTransfer>> ReverseAsync(Guid entryId, string idempotencyKey, string? note, Guid? actorId, CancellationToken ct)
    {
        var reversal = await ReversalOfAsync(entryId, idempotencyKey, note, actorId, TransferReason.Reversal, ct);
        return reversal.IsSuccess ? await PostAsync(reversal.Value, ct) : reversal.Error;
    }

    public async Task<long> BalanceAsync(AccountRef account, CancellationToken ct) =>
        await db.LedgerAccounts.Where(a => a.Kind == account.Kind && a.OwnerId == account.OwnerId)
            .Select(a => (long?)a.Balance).FirstOrDefaultAsync(ct) ?? 0;

    /// <summary>Both accounts' ids in one query (the hot path of every transfer), creating any missing one.</summary>
    public async Task<(Guid First, Guid Second)> EnsureAccountsAsync(AccountRef first, AccountRef second, CancellationToken ct)
    {
        var found = await db.LedgerAccounts.AsNoTracking()
            .Where(a => (a.Kind == first.Kind && a.OwnerId == first.OwnerId) || (a.Kind == second.Kind && a.OwnerId == second.OwnerId))
            .Select(a => new { a.Id, a.Kind, a.OwnerId }).ToListAsync(ct);
        var a = found.FirstOrDefault(x => x.Kind == first.Kind && x.OwnerId == first.OwnerId)?.Id ?? await EnsureAccountAsync(first, ct);
        var b = found.FirstOrDefault(x => x.Kind == second.Kind && x.OwnerId == second.OwnerId)?.Id ?? await EnsureAccountAsync(second, ct);
        return (a, b);
    }

    /// <summary>Returns the id of the account, creating it on first use (a unique index settles races).</summary>
    public async Task<Guid> EnsureAccountAsync(AccountRef account, CancellationToken ct)
    {
        var id = await db.LedgerAccounts.Where(a => a.Kind == account.Kind && a.OwnerId == account.OwnerId)
            .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (id is { } found)
        {
            return found;
        }

        var created = new LedgerAccount(Guid.CreateVersion7(), account.Kind, account.OwnerId, account.TownId, clock.GetUtcNow());
        db.LedgerAccounts.Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            return created.Id;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.Entry(created).State = EntityState.Detached;
            return await db.LedgerAccounts.Where(a => a.Kind == account.Kind && a.OwnerId == account.OwnerId)
                .Select(a => a.Id).FirstAsync(ct);
        }
    }

    public async Task<Result<PostedTransfer>?> FindExistingAsync(TransferRequest request, CancellationToken ct)
    {
        var existing = await db.JournalEntries.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == request.IdempotencyKey, ct);
        if (existing is null)
        {
            return null;
        }

        return existing.Fingerprint == request.Fingerprint()
            ? new PostedTransfer(existing, true)
            : Result<PostedTransfer>.Fail(LedgerErrors.IdempotencyConflict);
    }
}
