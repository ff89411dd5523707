using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Credit;

/// <summary>
/// The bank query lookup against the domain rule. On PostgreSQL one statement decides and audits; its SQL form of
/// <see cref="CreditConsent.AllowsBank"/> must give the domain's answer in every case, and each decided query must
/// have exactly its audit row. On SQLite the lookup only finds, and the caller audits.
/// </summary>
public sealed class CreditBankLookupTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Lookup_OnPostgres_DecidesLikeTheDomainAndAuditsEveryDecidedQueryInTheSameStatement() =>
        await BankLookupKit.RunAsync(factory, "lookup-pg", auditsInLookup: true);
}

public sealed class CreditBankLookupEmbeddedTests(EmbeddedFactory factory) : IClassFixture<EmbeddedFactory>
{
    [Fact]
    public async Task Lookup_OnSqlite_DecidesLikeTheDomainAndLeavesTheAuditToTheCaller() =>
        await BankLookupKit.RunAsync(factory, "lookup-sqlite", auditsInLookup: false);
}

internal static class BankLookupKit
{
    private static readonly Guid DemoBank = DemoSeeder.StableId("bank");

    public static async Task RunAsync(PointsApiFactory factory, string prefix, bool auditsInLookup)
    {
        var now = factory.Clock.GetUtcNow();
        var ids = await CreditTestData.NewResidentsAsync(factory, 2, now.AddDays(-100), prefix);
        var (scored, neverScored) = (ids[0], ids[1]);
        var profile = new CreditProfile(Guid.CreateVersion7(), scored, 700, "good", "700-749", now.AddHours(-3), "expert-1", "[]", now.AddHours(-3));
        var older = new CreditProfile(Guid.CreateVersion7(), scored, 560, "fair", "550-599", now.AddDays(-1), "expert-1", "[]", now.AddDays(-1));

        CreditConsent Grant(Guid resident, int days, string token) =>
            CreditConsent.Grant(Guid.CreateVersion7(), resident, DemoBank, "测试", days, CreditConsentService.Hash(prefix + token), now.AddDays(-days).AddHours(1)).Value;
        var live = Grant(scored, 30, "live");
        var revoked = Grant(scored, 30, "revoked");
        revoked.Revoke(now.AddMinutes(-1));
        var expiring = Grant(scored, 2, "expiring");
        var fresh = Grant(neverScored, 30, "fresh");
        await factory.WithDbAsync(async db =>
        {
            db.CreditProfiles.AddRange(profile, older);
            db.CreditConsents.AddRange(live, revoked, expiring, fresh);
            await db.SaveChangesAsync();
        });

        var otherBank = Guid.CreateVersion7();
        var cases = new (string Name, CreditConsent? Consent, Guid Bank, DateTimeOffset At, string Token)[]
        {
            ("live", live, DemoBank, now, "live"),
            ("revoked", revoked, DemoBank, now, "revoked"),
            ("just before expiry", expiring, DemoBank, expiring.ExpiresAt.AddSeconds(-1), "expiring"),
            ("at expiry", expiring, DemoBank, expiring.ExpiresAt, "expiring"),
            ("another bank's token", live, otherBank, now, "live"),
            ("unknown token", null, DemoBank, now, "unknown"),
            ("never scored", fresh, DemoBank, now, "fresh"),
            ("live again, same batch", live, DemoBank, now, "live"),
        };
        var attempts = cases.Select(c => new BankQueryAttempt(Guid.CreateVersion7(), c.Bank, CreditConsentService.Hash(prefix + c.Token), c.At)).ToArray();

        // Concurrent, so they coalesce: each must get its own row back, in its own order.
        var lookup = factory.Services.GetRequiredService<CreditConsentLookup>();
        var found = await Task.WhenAll(attempts.Select(a => lookup.FindAsync(a, CancellationToken.None)));

        var latest = new BankProfileView(profile.Tier, profile.Band, profile.AsOf, profile.ModelVersion);
        var audit = await factory.WithDbAsync(db => db.CreditQueries.AsNoTracking().Where(q => attempts.Select(a => a.QueryId).Contains(q.Id)).ToListAsync());
        for (var i = 0; i < cases.Length; i++)
        {
            var (name, consent, bank, at, _) = cases[i];
            var expected = BankQueryFound.From(consent, consent?.ResidentId == scored ? latest : null, attempts[i]);
            var got = found[i];
            Assert.True(expected.ConsentId == got.ConsentId && expected.ResidentId == got.ResidentId && expected.Allowed == got.Allowed,
                $"{name}: expected {expected}, got {got}");
            Assert.True(got.Profile is null == (consent is null || consent.ResidentId == neverScored), $"{name}: profile {got.Profile}");
            if (got.Profile is { } p)
            {
                Assert.Equal(latest.Tier, p.Tier);
                Assert.Equal(latest.Band, p.Band);
                Assert.Equal(latest.AsOf, p.AsOf);
            }

            var rows = audit.Where(q => q.Id == attempts[i].QueryId).ToList();
            var decided = !got.Allowed || got.Profile is not null;
            Assert.True(got.Audited == (auditsInLookup && decided), $"{name}: audited {got.Audited}");
            if (!got.Audited)
            {
                Assert.Empty(rows);
                continue;
            }

            var row = Assert.Single(rows);
            Assert.Equal(got.Allowed ? CreditQueryOutcome.Granted : CreditQueryOutcome.Denied, row.Outcome);
            Assert.Equal(got.Allowed ? "expert-1" : null, row.ModelVersion);
            Assert.Equal((bank, expected.ConsentId, expected.ResidentId), (row.BankId, row.ConsentId, row.ResidentId));
            Assert.Equal(at, row.At);
        }

        Assert.Equal([true, false, true, false, false, false, true, true], found.Select(f => f.Allowed));

        // The one case left undecided: the service scores the resident now, answers, and audits it once.
        await using var scope = factory.Services.CreateAsyncScope();
        var answer = await scope.ServiceProvider.GetRequiredService<CreditConsentService>().QueryAsync(DemoBank, prefix + "fresh", CancellationToken.None);
        Assert.True(answer.IsSuccess);
        var freshRows = await factory.WithDbAsync(db => db.CreditQueries.AsNoTracking().Where(q => q.ConsentId == fresh.Id).ToListAsync());
        var freshRow = Assert.Single(freshRows);
        Assert.Equal((CreditQueryOutcome.Granted, neverScored, answer.Value.ModelVersion), (freshRow.Outcome, freshRow.ResidentId, freshRow.ModelVersion));
    }
}
