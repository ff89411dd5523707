using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.Data.Sqlite;
using Points.Domain.Common;
using Points.Domain.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>
/// The one way a transfer becomes writes, for every path that moves points (earnings, redemptions, refunds,
/// adjustments, expiry, market orders, reversals): both balances in account-id order — the lock order of every
/// transfer, so two opposite transfers never deadlock — then the journal entry, whose foreign keys find the account
/// rows already locked by this transaction. Refusals are decided before any balance moves (<see cref="Plan"/>
/// validates; <see cref="LedgerService"/> reads the balance and an earlier reversal first); under concurrency the
/// database has the last word, and <see cref="RefusalOf"/> names its refusal the same way whichever path ran.
/// </summary>
public sealed class LedgerPosting
{
    private LedgerPosting(JournalEntry entry, (Guid Account, long Delta)[] moves, bool debitMayGoNegative)
    {
        Entry = entry;
        Moves = moves;
        DebitMayGoNegative = debitMayGoNegative;
    }

    public JournalEntry Entry { get; }

    /// <summary>The two balance changes, in account-id order.</summary>
    public IReadOnlyList<(Guid Account, long Delta)> Moves { get; }

    /// <summary>True for the town's issuance account, the only kind allowed below zero.</summary>
    public bool DebitMayGoNegative { get; }

    public static Result<LedgerPosting> Plan(TransferRequest request, Guid from, Guid to, DateTimeOffset now, Guid? communityId, Guid? gridId)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var entry = new JournalEntry(Guid.CreateVersion7(), request.From.TownId, from, to, request, now, communityId, gridId);
        (Guid, long)[] moves = from.CompareTo(to) < 0
            ? [(from, -request.Points), (to, request.Points)]
            : [(to, request.Points), (from, -request.Points)];
        return new LedgerPosting(entry, moves, LedgerAccount.MayGoNegative(request.From.Kind));
    }

    /// <summary>
    /// The hot path: the moves and the entry as statements of one batch (see <see cref="StatementBatch"/>), which the
    /// caller extends with its own rows. The wallet's non-negative check and the unique keys refuse the whole batch.
    /// </summary>
    public StatementBatch AppendTo(StatementBatch batch)
    {
        foreach (var (account, delta) in Moves)
        {
            batch.Increment<LedgerAccount>(account, nameof(LedgerAccount.Balance), delta);
        }

        return batch.Insert(Entry);
    }

    /// <summary>
    /// Inside the caller's EF transaction: the same moves in the same order as guarded updates (a debit only where the
    /// balance covers it, unless the account may go negative), then the entry. A failure leaves the rollback to the
    /// caller; a reused key or a second reversal surfaces as a unique violation (<see cref="RefusalOf"/>).
    /// </summary>
    public async Task<Result<JournalEntry>> ApplyAsync(PointsDbContext db, CancellationToken ct)
    {
        foreach (var (account, delta) in Moves)
        {
            var points = -delta;
            var rows = delta < 0
                ? await db.LedgerAccounts.Where(a => a.Id == account && (DebitMayGoNegative || a.Balance >= points))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance - points), ct)
                : await db.LedgerAccounts.Where(a => a.Id == account)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance + delta), ct);
            if (rows != 1 && delta < 0)
            {
                return LedgerErrors.Insufficient;
            }

            if (rows != 1)
            {
                throw new InvalidOperationException($"ledger account {account} vanished during a transfer");
            }
        }

        db.JournalEntries.Add(Entry);
        await db.SaveChangesAsync(ct);
        return Entry;
    }

    /// <summary>
    /// What a refusal by the database means for a transfer, the same for every path: an overdraft is
    /// <see cref="LedgerErrors.Insufficient"/>, a second reversal of one entry <see cref="LedgerErrors.AlreadyReversed"/>.
    /// Null for anything else (a reused idempotency key is the caller's to answer with its replay).
    /// </summary>
    public static DomainError? RefusalOf(Exception ex)
    {
        if (DatabaseSetup.IsCheckViolation(ex))
        {
            return LedgerErrors.Insufficient;
        }

        if (!DatabaseSetup.IsUniqueViolation(ex))
        {
            return null;
        }

        var inner = ex is DbUpdateException { InnerException: { } e } ? e : ex;
        var constraint = inner switch
        {
            PostgresException pg => pg.ConstraintName,
            SqliteException sqlite => sqlite.Message,
            _ => null,
        };
        return constraint?.Contains("reverses_entry_id", StringComparison.Ordinal) == true ? LedgerErrors.AlreadyReversed : null;
    }
}
