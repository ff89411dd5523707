using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Ledger;

/// <summary>One journal entry seen from a wallet: positive when points came in.</summary>
public sealed record WalletEntry(Guid Id, long Points, TransferReason Reason, string? Note, DateTimeOffset At);

public sealed record WalletPage(long Balance, IReadOnlyList<WalletEntry> Entries, string? Next);

public sealed record LedgerCheckReport(int Accounts, int Entries, long GlobalSum, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>One resident's month: opening balance, what moved and why, closing balance.</summary>
public sealed record ResidentMonth(
    Guid ResidentId,
    string DisplayName,
    bool HonorRollOptOut,
    long Opening,
    IReadOnlyDictionary<TransferReason, long> EarnedBySource,
    long Spent,
    long Expired,
    long Adjusted,
    long Elsewhere,
    long Closing)
{
    public long Earned => EarnedBySource.Values.Sum();
}

/// <summary>A merchant's day: points redeemed and refunded, and the coupons taken with the subsidy (fen) the town owes for them.</summary>
public sealed record StatementDay(DateOnly Day, int Redemptions, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen, int CouponRedemptions = 0, long CouponSubsidyFen = 0)
{
    public long OwedFen => NetFen + CouponSubsidyFen;
}

public sealed record MerchantStatement(Guid MerchantId, string MerchantName, int Year, int Month, int PointsPerYuan, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen, IReadOnlyList<StatementDay> Days)
{
    public int CouponRedemptions => Days.Sum(d => d.CouponRedemptions);

    /// <summary>The coupon discounts the town owes the merchant for the month (积分券补贴).</summary>
    public long CouponSubsidyFen => Days.Sum(d => d.CouponSubsidyFen);

    /// <summary>What the town pays the merchant: the points' value plus the coupon subsidies.</summary>
    public long OwedFen => NetFen + CouponSubsidyFen;
}

/// <summary>Read side of the ledger: wallet pages, the consistency check, month-end summaries, merchant statements.</summary>
public sealed class LedgerReports(PointsDbContext db)
{
    public static readonly TransferReason[] SpendReasons = [TransferReason.Redemption, TransferReason.MarketOrder, TransferReason.CouponRedemption];
    public static readonly TransferReason[] RefundReasons = [TransferReason.RedemptionRefund, TransferReason.MarketOrderRefund];

    public async Task<WalletPage> WalletAsync(Guid residentId, string? cursor, int pageSize, CancellationToken ct)
    {
        var account = await db.LedgerAccounts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == residentId, ct);
        if (account is null)
        {
            return new WalletPage(0, [], null);
        }

        var wallet = account.Id;
        var query = db.JournalEntries.AsNoTracking().Where(e => e.CreditAccountId == wallet || e.DebitAccountId == wallet);
        if (DecodeCursor(cursor) is { } after)
        {
            // Keyset on (occurred_at, id) descending: stable under concurrent inserts, no OFFSET scans.
            query = query.Where(e => e.OccurredAt < after.At || (e.OccurredAt == after.At && e.Id.CompareTo(after.Id) < 0));
        }

        var rows = await query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(pageSize + 1)
            .Select(e => new { e.Id, e.Points, e.Reason, e.Note, e.OccurredAt, In = e.CreditAccountId == wallet })
            .ToListAsync(ct);
        var entries = rows.Take(pageSize).Select(r => new WalletEntry(r.Id, r.In ? r.Points : -r.Points, r.Reason, r.Note, r.OccurredAt)).ToList();
        var next = rows.Count > pageSize ? EncodeCursor(entries[^1].At, entries[^1].Id) : null;
        return new WalletPage(account.Balance, entries, next);
    }

    public static string EncodeCursor(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{at.UtcTicks}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTimeOffset At, Guid Id)? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 100)
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], out var ticks) && Guid.TryParseExact(parts[1], "N", out var id)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsValidCursor(string? cursor) => string.IsNullOrEmpty(cursor) || DecodeCursor(cursor) is not null;

    /// <summary>Every account's balance equals credits − debits of its entries, no wallet is negative, and all balances sum to zero.</summary>
    public async Task<LedgerCheckReport> CheckAsync(CancellationToken ct)
    {
        var accounts = await db.LedgerAccounts.AsNoTracking().Select(a => new { a.Id, a.Kind, a.Balance }).ToListAsync(ct);
        var credits = await db.JournalEntries.AsNoTracking().GroupBy(e => e.CreditAccountId)
            .Select(g => new { Account = g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Account, x => x.Sum, ct);
        var debits = await db.JournalEntries.AsNoTracking().GroupBy(e => e.DebitAccountId)
            .Select(g => new { Account = g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Account, x => x.Sum, ct);
        var entries = await db.JournalEntries.CountAsync(ct);
        var problems = new List<string>();
        foreach (var account in accounts)
        {
            var expected = credits.GetValueOrDefault(account.Id) - debits.GetValueOrDefault(account.Id);
            if (expected != account.Balance)
            {
                problems.Add($"account {account.Id} ({account.Kind}): balance {account.Balance} but entries give {expected}");
            }

            if (account.Balance < 0 && !LedgerAccount.MayGoNegative(account.Kind))
            {
                problems.Add($"account {account.Id} ({account.Kind}) is negative: {account.Balance}");
            }
        }

        var sum = accounts.Sum(a => a.Balance);
        if (sum != 0)
        {
            problems.Add($"balances sum to {sum}, not zero");
        }

        return new LedgerCheckReport(accounts.Count, entries, sum, problems);
    }

    /// <summary>
    /// The month-end summary of a community for a Shanghai calendar month, from journal entries only, grouped by the
    /// community each entry recorded when it was posted, so it reads the same at any later time, whatever residents
    /// do afterwards (move, leave). A resident is in the month of the community their last entry before the month
    /// was recorded in, and in every community where the month recorded a movement of theirs.
    /// </summary>
    public async Task<IReadOnlyList<ResidentMonth>> CommunityMonthAsync(Guid communityId, int year, int month, CancellationToken ct)
    {
        var (start, end) = ShanghaiTime.Month(year, month);
        var touched = db.JournalEntries.Where(e => e.CommunityId == communityId && e.OccurredAt < end);
        var wallets = await db.LedgerAccounts.AsNoTracking()
            .Where(a => a.Kind == AccountKind.ResidentWallet
                && (touched.Any(e => e.CreditAccountId == a.Id) || touched.Any(e => e.DebitAccountId == a.Id)))
            .ToDictionaryAsync(a => a.Id, a => a.OwnerId, ct);
        var walletIds = wallets.Keys.ToList();

        var before = db.JournalEntries.AsNoTracking().Where(e => e.OccurredAt < start);
        var openIn = await before.Where(e => walletIds.Contains(e.CreditAccountId))
            .GroupBy(e => e.CreditAccountId).Select(g => new { g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
        var openOut = await before.Where(e => walletIds.Contains(e.DebitAccountId))
            .GroupBy(e => e.DebitAccountId).Select(g => new { g.Key, Sum = g.Sum(e => e.Points) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
        var lastIn = await before.Where(e => walletIds.Contains(e.CreditAccountId)).GroupBy(e => e.CreditAccountId)
            .Select(g => g.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Select(e => new Place(e.CreditAccountId, e.OccurredAt, e.Id, e.CommunityId)).First())
            .ToListAsync(ct);
        var lastOut = await before.Where(e => walletIds.Contains(e.DebitAccountId)).GroupBy(e => e.DebitAccountId)
            .Select(g => g.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Select(e => new Place(e.DebitAccountId, e.OccurredAt, e.Id, e.CommunityId)).First())
            .ToListAsync(ct);
        var homeAtStart = lastIn.Concat(lastOut).GroupBy(p => p.Wallet)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.At).ThenByDescending(p => p.Id).First().CommunityId);

        var moves = await db.JournalEntries.AsNoTracking()
            .Where(e => (walletIds.Contains(e.CreditAccountId) || walletIds.Contains(e.DebitAccountId)) && e.OccurredAt >= start && e.OccurredAt < end)
            .GroupJoin(db.JournalEntries, e => e.ReversesEntryId, o => (Guid?)o.Id, (e, originals) => new { e, originals })
            .SelectMany(x => x.originals.DefaultIfEmpty(), (x, o) => new
            {
                x.e.CreditAccountId,
                x.e.DebitAccountId,
                x.e.Points,
                x.e.Reason,
                x.e.CommunityId,
                OriginalReason = o == null ? (TransferReason?)null : o.Reason,
            })
            .ToListAsync(ct);

        var byWallet = walletIds.ToDictionary(w => w, w => new Accumulator
        {
            Opening = openIn.GetValueOrDefault(w) - openOut.GetValueOrDefault(w),
            Member = homeAtStart.TryGetValue(w, out var home) && home == communityId,
        });
        foreach (var m in moves)
        {
            var incoming = wallets.ContainsKey(m.CreditAccountId);
            var acc = byWallet[incoming ? m.CreditAccountId : m.DebitAccountId];
            var signed = incoming ? m.Points : -m.Points;
            acc.Net += signed;
            if (m.CommunityId != communityId)
            {
                acc.Elsewhere += signed;
                continue;
            }

            acc.Member = true;
            var effective = m.Reason == TransferReason.Reversal && m.OriginalReason is { } original ? original : m.Reason;
            if (EarningService.EarningReasons.Contains(effective))
            {
                acc.Earned[effective] = acc.Earned.GetValueOrDefault(effective) + signed;
            }
            else if (SpendReasons.Contains(effective) || RefundReasons.Contains(effective))
            {
                acc.Spent -= signed;
            }
            else if (effective == TransferReason.Expiry)
            {
                acc.Expired -= signed;
            }
            else
            {
                acc.Adjusted += signed;
            }
        }

        var members = byWallet.Where(x => x.Value.Member).ToDictionary(x => wallets[x.Key], x => x.Value);
        var memberIds = members.Keys.ToList();
        var residents = await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id))
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName, u.HonorRollOptOut }).ToListAsync(ct);
        return residents.Select(r =>
        {
            var acc = members[r.Id];
            return new ResidentMonth(r.Id, r.DisplayName, r.HonorRollOptOut, acc.Opening, acc.Earned, acc.Spent, acc.Expired, acc.Adjusted, acc.Elsewhere, acc.Opening + acc.Net);
        }).ToList();
    }

    public async Task<MerchantStatement?> MerchantMonthAsync(Guid merchantId, int year, int month, CancellationToken ct)
    {
        var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == merchantId, ct);
        if (merchant is null)
        {
            return null;
        }

        var town = await db.Towns.AsNoTracking().FirstAsync(t => t.Id == merchant.TownId, ct);
        var (start, end) = ShanghaiTime.Month(year, month);
        var account = await db.LedgerAccounts.AsNoTracking()
            .Where(a => a.Kind == AccountKind.MerchantReceivable && a.OwnerId == merchantId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        var rows = account is { } id
            ? await db.JournalEntries.AsNoTracking()
                .Where(e => (e.CreditAccountId == id || e.DebitAccountId == id) && e.OccurredAt >= start && e.OccurredAt < end)
                .Select(e => new { e.OccurredAt, e.Points, In = e.CreditAccountId == id }).ToListAsync(ct)
            : [];
        var coupons = await db.CouponRedemptions.AsNoTracking()
            .Where(c => c.MerchantId == merchantId && c.CreatedAt >= start && c.CreatedAt < end)
            .Select(c => new { c.CreatedAt, c.DiscountFen }).ToListAsync(ct);
        var couponDays = coupons.GroupBy(c => ShanghaiTime.Today(c.CreatedAt)).ToDictionary(g => g.Key, g => (Count: g.Count(), Fen: g.Sum(c => c.DiscountFen)));
        var pointDays = rows.GroupBy(r => ShanghaiTime.Today(r.OccurredAt)).ToDictionary(g => g.Key, g => g.ToList());
        var days = pointDays.Keys.Union(couponDays.Keys).Order().Select(day =>
        {
            var g = pointDays.GetValueOrDefault(day) ?? [];
            var redeemed = g.Where(r => r.In).Sum(r => r.Points);
            var refunded = g.Where(r => !r.In).Sum(r => r.Points);
            var (couponCount, subsidy) = couponDays.GetValueOrDefault(day);
            return new StatementDay(day, g.Count(r => r.In), redeemed, refunded, redeemed - refunded, ToFen(redeemed - refunded, town.PointsPerYuan), couponCount, subsidy);
        }).ToList();
        var totalRedeemed = days.Sum(d => d.RedeemedPoints);
        var totalRefunded = days.Sum(d => d.RefundedPoints);
        return new MerchantStatement(merchant.Id, merchant.Name, year, month, town.PointsPerYuan, totalRedeemed, totalRefunded,
            totalRedeemed - totalRefunded, ToFen(totalRedeemed - totalRefunded, town.PointsPerYuan), days);
    }

    /// <summary>Points to integer fen at the town's rate, rounded down (the town never pays for a fraction of a fen).</summary>
    public static long ToFen(long points, int pointsPerYuan) => points * 100 / pointsPerYuan;

    private sealed record Place(Guid Wallet, DateTimeOffset At, Guid Id, Guid? CommunityId);

    private sealed class Accumulator
    {
        public long Opening { get; set; }

        /// <summary>Whether the resident belongs in this community's month (see CommunityMonthAsync).</summary>
        public bool Member { get; set; }

        public long Elsewhere { get; set; }

        public Dictionary<TransferReason, long> Earned { get; } = [];

        public long Spent { get; set; }

        public long Expired { get; set; }

        public long Adjusted { get; set; }

        public long Net { get; set; }
    }
}
