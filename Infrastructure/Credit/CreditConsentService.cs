using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Credit;

/// <summary>What a bank may learn about a resident: tier, band, as-of and model version. Nothing else.</summary>
public sealed record BankCreditView(string Tier, string TierName, string Band, DateTimeOffset AsOf, string ModelVersion);

public sealed record GrantedConsent(CreditConsent Consent, string Token);

public sealed record OutcomeItem(string? ConsentToken, Guid? ResidentId, DateOnly LoanDate, LoanOutcomeKind Outcome, string ExternalRef);

public enum OutcomeItemStatus
{
    Created,
    Replayed,
    Rejected,
}

/// <summary>One outcome's fate; a rejected one says why in <see cref="Title"/> (Chinese), e.g. that it can never become a training label.</summary>
public sealed record OutcomeItemResult(string ExternalRef, OutcomeItemStatus Status, string? Code, string? Title = null);

/// <summary>Consents, bank queries (always audited) and loan outcomes.</summary>
public sealed class CreditConsentService(PointsDbContext db, CreditProfileService profiles, CreditConsentLookup lookup, CreditQueryAuditor auditor, TimeProvider clock)
{
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Tokens carry 256 random bits, so an unsalted SHA-256 is enough and keeps the lookup one index probe.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async Task<Result<GrantedConsent>> GrantAsync(Guid residentId, Guid bankId, string purpose, int days, CancellationToken ct, string? token = null)
    {
        if (!await db.BankClients.AnyAsync(b => b.Id == bankId && b.IsActive, ct))
        {
            return CreditErrors.BankNotFound;
        }

        token ??= NewToken();
        var granted = CreditConsent.Grant(Guid.CreateVersion7(), residentId, bankId, purpose, days, Hash(token), clock.GetUtcNow());
        if (!granted.IsSuccess)
        {
            return granted.Error;
        }

        db.CreditConsents.Add(granted.Value);
        await db.SaveChangesAsync(ct);
        return new GrantedConsent(granted.Value, token);
    }

    public async Task<Result<CreditConsent>> RevokeAsync(Guid residentId, Guid consentId, CancellationToken ct)
    {
        var consent = await db.CreditConsents.FirstOrDefaultAsync(c => c.Id == consentId && c.ResidentId == residentId, ct);
        if (consent is null)
        {
            return CreditErrors.ConsentNotFound;
        }

        consent.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return consent;
    }

    /// <summary>
    /// A bank reads a profile through a consent token. Unknown, expired, revoked and other banks' tokens all give the
    /// same <see cref="CreditErrors.ConsentRequired"/>; every attempt is audited, and the answer leaves only after its
    /// audit row is committed: on PostgreSQL by the lookup's own statement, which reads the consent and the latest
    /// profile and writes the audit row in one round trip, coalesced with concurrent queries (<see cref="CreditConsentLookup"/>);
    /// otherwise, and for a resident never scored, by <see cref="CreditQueryAuditor"/>. There is no cache, so a
    /// revocation takes effect on the very next query on every instance.
    /// </summary>
    public async Task<Result<BankCreditView>> QueryAsync(Guid bankId, string token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempt = new BankQueryAttempt(Guid.CreateVersion7(now), bankId, Hash(token ?? string.Empty), now);
        var found = await lookup.FindAsync(attempt, ct);
        var profile = found.Profile;
        if (found.Allowed && profile is null && await profiles.LatestOrComputeAsync(found.ResidentId!.Value, ct) is { } computed)
        {
            // Never scored yet (a new resident before the nightly run): score now.
            profile = new BankProfileView(computed.Tier, computed.Band, computed.AsOf, computed.ModelVersion);
        }

        var granted = found.Allowed && profile is not null;
        if (!found.Audited)
        {
            await auditor.RecordAsync(new CreditQuery(attempt.QueryId, bankId, found.ConsentId, found.ResidentId,
                granted ? CreditQueryOutcome.Granted : CreditQueryOutcome.Denied, granted ? profile!.ModelVersion : null, now), ct);
        }

        if (!granted)
        {
            return CreditErrors.ConsentRequired;
        }

        var tier = Points.Scoring.ScoreTiers.All.First(t => t.Code == profile!.Tier);
        return new BankCreditView(tier.Code, tier.Name, profile!.Band, profile.AsOf, profile.ModelVersion);
    }

    /// <summary>
    /// Records loan outcomes. Each names the resident by a consent token, or by id when this bank holds a live consent
    /// of that resident. (bank, externalRef) makes a retry harmless; reusing a reference for a different loan is rejected.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeItemResult>> RecordOutcomesAsync(Guid bankId, IReadOnlyList<OutcomeItem> items, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var results = new List<OutcomeItemResult>(items.Count);
        foreach (var item in items)
        {
            CreditConsent? consent;
            if (!string.IsNullOrEmpty(item.ConsentToken))
            {
                var hash = Hash(item.ConsentToken);
                consent = await db.CreditConsents.AsNoTracking().FirstOrDefaultAsync(c => c.TokenHash == hash, ct);
                if (consent is not null && item.ResidentId is { } named && named != consent.ResidentId)
                {
                    consent = null;
                }
            }
            else if (item.ResidentId is { } residentId)
            {
                consent = await db.CreditConsents.AsNoTracking()
                    .Where(c => c.BankId == bankId && c.ResidentId == residentId && c.RevokedAt == null && c.ExpiresAt > now)
                    .FirstOrDefaultAsync(ct);
            }
            else
            {
                consent = null;
            }

            if (consent is null || !consent.AllowsBank(bankId, now))
            {
                results.Add(new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Rejected, CreditErrors.ConsentRequired.Code, CreditErrors.ConsentRequired.Title));
                continue;
            }

            var accountCreated = await db.Users.AsNoTracking().Where(u => u.Id == consent.ResidentId).Select(u => u.CreatedAt).FirstAsync(ct);
            if (LoanOutcome.CheckLoanDate(item.LoanDate, accountCreated, now) is { } never)
            {
                results.Add(new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Rejected, never.Code, never.Title));
                continue;
            }

            var existing = await db.LoanOutcomes.AsNoTracking().FirstOrDefaultAsync(o => o.BankId == bankId && o.ExternalRef == item.ExternalRef, ct);
            if (existing is not null)
            {
                results.Add(existing.SameAs(consent.ResidentId, item.LoanDate, item.Outcome)
                    ? new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Replayed, null)
                    : new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Rejected, "idempotency.conflict", "该业务编号已登记过另一笔贷款的结果"));
                continue;
            }

            db.LoanOutcomes.Add(new LoanOutcome(Guid.CreateVersion7(now), bankId, consent.ResidentId, consent.Id, item.LoanDate, item.Outcome, item.ExternalRef, now));
            try
            {
                await db.SaveChangesAsync(ct);
                results.Add(new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Created, null));
            }
            catch (DbUpdateException)
            {
                // A concurrent post with the same reference won the unique index.
                db.ChangeTracker.Clear();
                results.Add(new OutcomeItemResult(item.ExternalRef, OutcomeItemStatus.Replayed, null));
            }
        }

        return results;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
