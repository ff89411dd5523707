using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Domain.Identity;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Credit;

public sealed class CreditConsentTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid DemoBank = DemoSeeder.StableId("bank");

    private async Task<(Guid Id, string Token)> GrantAsync(HttpClient resident, Guid bankId, int days = 30)
    {
        var response = await resident.PostAsJsonAsync("/api/me/credit/consents", new { bankId, purpose = "申请农户小额贷款", days });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("consentToken").GetString()!);
    }

    private static async Task<string> DeniedBodyAsync(HttpResponseMessage response)
    {
        var json = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "credit.consent_required");
        var node = JsonNode.Parse(json.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }

    [Fact]
    public async Task BankQuery_FortyInParallel_EachAnsweredAfterItsOwnAuditRow()
    {
        var resident = await factory.ResidentAsync(21);
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var (consentId, token) = await GrantAsync(resident, DemoBank);
        var unknown = CreditConsentService.NewToken();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => bank.GetAsync($"/api/bank/credit/{(i % 4 == 0 ? unknown : token)}")));

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var rows = await factory.WithDbAsync(db => db.CreditQueries.AsNoTracking().Where(q => q.BankId == DemoBank && (q.ConsentId == consentId || q.ConsentId == null)).ToListAsync());
        Assert.Equal(30, rows.Count(q => q.ConsentId == consentId && q.Outcome == CreditQueryOutcome.Granted));
        Assert.True(rows.Count(q => q.ConsentId == null && q.Outcome == CreditQueryOutcome.Denied) >= 10);
        Assert.Equal(rows.Count, rows.Select(q => q.Id).Distinct().Count());
    }

    [Fact]
    public async Task BankQuery_WhenAuditCannotBeWritten_Returns503AndRevealsNothing()
    {
        var resident = await factory.ResidentAsync(23);
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var (consentId, token) = await GrantAsync(resident, DemoBank);

        await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE credit_queries RENAME TO credit_queries_away"));
        HttpResponseMessage refused;
        try
        {
            refused = await bank.GetAsync($"/api/bank/credit/{token}");
        }
        finally
        {
            await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE credit_queries_away RENAME TO credit_queries"));
        }

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "service.busy");
        Assert.DoesNotContain("tier", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await factory.WithDbAsync(db => db.CreditQueries.CountAsync(q => q.ConsentId == consentId)));

        var answered = await bank.GetAsync($"/api/bank/credit/{token}");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => db.CreditQueries.CountAsync(q => q.ConsentId == consentId)));
    }

    [Fact]
    public async Task BankQuery_WithLiveConsent_ReturnsOnlyTierBandAsOfModelVersion_AndIsAudited()
    {
        var resident = await factory.ResidentAsync(5);
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var (consentId, token) = await GrantAsync(resident, DemoBank);

        var response = await bank.GetAsync($"/api/bank/credit/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var names = body.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["asOf", "band", "modelScope", "modelVersion", "tier", "tierName"], names);
        Assert.Equal("expert-1", body.GetProperty("modelVersion").GetString());
        Assert.Matches(@"^\d{3}-\d{3}$", body.GetProperty("band").GetString());
        Assert.Equal("platform", body.GetProperty("modelScope").GetString());
        var text = body.GetRawText();
        Assert.DoesNotContain(PointsApiFactory.DemoResidentId(5).ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("score", text, StringComparison.OrdinalIgnoreCase);

        var audit = await factory.WithDbAsync(db => db.CreditQueries.AsNoTracking().Where(q => q.ConsentId == consentId).ToListAsync());
        var row = Assert.Single(audit);
        Assert.Equal(CreditQueryOutcome.Granted, row.Outcome);
        Assert.Equal(PointsApiFactory.DemoResidentId(5), row.ResidentId);
        Assert.Equal(DemoBank, row.BankId);

        var queries = await resident.GetFromJsonAsync<JsonElement>("/api/me/credit/queries");
        var seen = Assert.Single(queries.EnumerateArray());
        Assert.Equal("Granted", seen.GetProperty("outcome").GetString());
        Assert.Equal("演示农商银行", seen.GetProperty("bankName").GetString());
    }

    [Fact]
    public async Task BankQuery_RevokedUnknownOtherBankExpired_AllSame403()
    {
        var resident = await factory.ResidentAsync(7);
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var otherBank = await factory.ClientAsAsync(Role.Bank, "other-bank");
        var (consentId, token) = await GrantAsync(resident, DemoBank);
        Assert.Equal(HttpStatusCode.OK, (await bank.GetAsync($"/api/bank/credit/{token}")).StatusCode);

        var viaOtherBank = await DeniedBodyAsync(await otherBank.GetAsync($"/api/bank/credit/{token}"));
        Assert.Equal(HttpStatusCode.NoContent, (await resident.DeleteAsync($"/api/me/credit/consents/{consentId}")).StatusCode);
        var revoked = await DeniedBodyAsync(await bank.GetAsync($"/api/bank/credit/{token}"));
        var unknown = await DeniedBodyAsync(await bank.GetAsync($"/api/bank/credit/{CreditConsentService.NewToken()}"));

        Assert.Equal(unknown, revoked);
        Assert.Equal(unknown, viaOtherBank);

        var (_, shortToken) = await GrantAsync(resident, DemoBank, days: 1);
        Assert.Equal(HttpStatusCode.OK, (await bank.GetAsync($"/api/bank/credit/{shortToken}")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromMinutes(1)));
        try
        {
            var freshBank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
            var expired = await DeniedBodyAsync(await freshBank.GetAsync($"/api/bank/credit/{shortToken}"));
            Assert.Equal(unknown, expired);
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromDays(1).Add(TimeSpan.FromMinutes(1)));
        }

        resident = await factory.ResidentAsync(7);
        var consents = await resident.GetFromJsonAsync<JsonElement>("/api/me/credit/consents");
        Assert.Contains(consents.EnumerateArray(), c => c.GetProperty("id").GetGuid() == consentId && c.GetProperty("status").GetString() == "Revoked");
        var queries = (await resident.GetFromJsonAsync<JsonElement>("/api/me/credit/queries")).EnumerateArray().ToList();
        Assert.Equal(2, queries.Count(q => q.GetProperty("outcome").GetString() == "Granted"));
        Assert.Equal(2, queries.Count(q => q.GetProperty("outcome").GetString() == "Denied"));
        var audited = await factory.WithDbAsync(db => db.CreditQueries.AsNoTracking().Where(q => q.At >= factory.Clock.GetUtcNow().AddMinutes(-5)).ToListAsync());
        Assert.True(audited.Count(q => q.Outcome == CreditQueryOutcome.Denied) >= 4);
        Assert.Contains(audited, q => q.Outcome == CreditQueryOutcome.Denied && q.ResidentId == null && q.ConsentId == null);
    }

    [Fact]
    public async Task GrantConsent_InvalidDaysOrUnknownBank_Rejected()
    {
        var resident = await factory.ResidentAsync(9);

        var zero = await resident.PostAsJsonAsync("/api/me/credit/consents", new { bankId = DemoBank, purpose = "贷款", days = 0 });
        var tooLong = await resident.PostAsJsonAsync("/api/me/credit/consents", new { bankId = DemoBank, purpose = "贷款", days = 366 });
        var unknownBank = await resident.PostAsJsonAsync("/api/me/credit/consents", new { bankId = Guid.NewGuid(), purpose = "贷款", days = 30 });

        await ProblemAssert.IsProblemAsync(zero, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(unknownBank, HttpStatusCode.NotFound, "credit.bank_not_found");
        Assert.Equal(0, await factory.WithDbAsync(db => db.CreditConsents.CountAsync(c => c.ResidentId == PointsApiFactory.DemoResidentId(9))));
    }

    [Fact]
    public async Task GrantConsent_StoresOnlyTheTokenHash()
    {
        var resident = await factory.ResidentAsync(11);
        var (id, token) = await GrantAsync(resident, DemoBank, days: 365);

        var stored = await factory.WithDbAsync(db => db.CreditConsents.AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(CreditConsentService.Hash(token), stored.TokenHash);
        Assert.True(token.Length >= 40);
        Assert.Equal(factory.Clock.GetUtcNow().AddDays(365), stored.ExpiresAt);
    }

    [Fact]
    public async Task DemoSeed_ConsentForDemoBank_Works()
    {
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);

        var response = await bank.GetAsync($"/api/bank/credit/{CreditDemoSeed.DemoConsentToken}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profiles = await factory.WithDbAsync(db => db.CreditProfiles.Select(p => p.ResidentId).Distinct().CountAsync());
        Assert.True(profiles >= 50);
    }

    [Fact]
    public async Task Authorization_RolesCannotCrossIntoOtherRoutes()
    {
        var resident = await factory.ResidentAsync(13);
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var staff = await factory.StaffAsync("staff-dongshan");

        await ProblemAssert.IsProblemAsync(await resident.GetAsync($"/api/bank/credit/{CreditDemoSeed.DemoConsentToken}"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync("/api/bank/outcomes", new { outcomes = Array.Empty<object>() }), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await resident.GetAsync("/api/admin/credit/models"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await resident.PostAsync("/api/admin/credit/models/train", null), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await bank.GetAsync("/api/me/credit"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await bank.GetAsync("/api/me/credit/queries"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await staff.GetAsync("/api/me/credit"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await staff.PostAsync("/api/admin/credit/models/expert-1/activate", null), HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task PostOutcomes_FutureOrBeforeTheAccount_RefusedWithTheReason_ValidOneCreated()
    {
        var bank = await factory.ClientAsAsync(Role.Bank, DemoSeeder.DemoBankClientId);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var opened = await factory.WithDbAsync(db => db.Users.Where(u => u.Id == PointsApiFactory.DemoResidentId(1)).Select(u => u.CreatedAt).SingleAsync());
        var openedDay = DateOnly.FromDateTime(opened.ToOffset(TimeSpan.FromHours(8)).DateTime);

        var response = await bank.PostAsJsonAsync("/api/bank/outcomes", new
        {
            outcomes = new object[]
            {
                new { consentToken = CreditDemoSeed.DemoConsentToken, loanDate = today.AddDays(1), outcome = "Repaid", externalRef = "d-future" },
                new { consentToken = CreditDemoSeed.DemoConsentToken, loanDate = openedDay.AddDays(-1), outcome = "Defaulted", externalRef = "d-before" },
                new { consentToken = CreditDemoSeed.DemoConsentToken, loanDate = openedDay, outcome = "Repaid", externalRef = "d-ok" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var results = body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("externalRef").GetString()!);
        Assert.Equal((1, 2), (body.GetProperty("created").GetInt32(), body.GetProperty("rejected").GetInt32()));
        Assert.Equal("loan_outcome.date_in_future", results["d-future"].GetProperty("code").GetString());
        Assert.Equal("loan_outcome.before_account", results["d-before"].GetProperty("code").GetString());
        Assert.Contains("不能作为模型训练样本", results["d-before"].GetProperty("title").GetString());
        Assert.Equal("Created", results["d-ok"].GetProperty("status").GetString());
        Assert.Equal(["d-ok"], await factory.WithDbAsync(db => db.LoanOutcomes.Where(o => o.ExternalRef.StartsWith("d-")).Select(o => o.ExternalRef).ToListAsync()));
    }
}
