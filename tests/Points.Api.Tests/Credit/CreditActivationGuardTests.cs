using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Infrastructure.Seeding;
using Points.Infrastructure.Credit;
using Points.Scoring;
using Points.Scoring.Synthetic;

namespace Points.Api.Tests.Credit;

/// <summary>The activation guard: a candidate that collapses the tiers, drifts from the live model or scores worse is refused; an admin overrides only in writing.</summary>
public sealed class CreditActivationGuardTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task AddCandidateAsync(string version, string tierShares, double psi, string against, double auc)
    {
        var card = new Scorecard(ExpertScorecard.CreateModel() with { ModelVersion = version });
        var metrics = $$"""{"cv":{"aucMean":{{auc.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"psi":{"against":"{{against}}","value":{{psi.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"tierShares":{{tierShares}}}""";
        await factory.WithDbAsync(async db =>
        {
            db.CreditModels.Add(new CreditModel(Guid.CreateVersion7(), version, CreditModelKind.Trained, card.ToJson(), metrics, "{\"version\":\"" + version + "\"}", factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
    }

    private Task<string> LiveVersionAsync() => factory.WithDbAsync(db => db.CreditModels.Where(m => m.IsActive).Select(m => m.Version).SingleAsync());

    [Fact]
    public async Task Activate_GuardRefusesCollapseHighPsiAndLowerAuc_OverrideNeedsAWrittenReasonShownInTheCard()
    {
        var platform = await factory.StaffAsync("platform");
        var live = await LiveVersionAsync();
        await AddCandidateAsync("guard-collapsed", """{"poor":1.0,"fair":0,"good":0,"very-good":0,"excellent":0}""", 9.32, live, 0.81);

        var refused = await platform.PostAsync("/api/admin/credit/models/guard-collapsed/activate", null);
        var shortReason = await platform.PostAsJsonAsync("/api/admin/credit/models/guard-collapsed/activate", new { overrideReason = "就要启用" });

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "credit.activation_refused");
        var checks = problem.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Equal(["tier_collapse", "psi_too_high"], checks);
        Assert.Contains("较差", problem.GetProperty("checks")[0].GetProperty("title").GetString());
        await ProblemAssert.IsProblemAsync(shortReason, HttpStatusCode.BadRequest, "credit.override_reason_required");
        Assert.Equal(live, await LiveVersionAsync());

        await AddCandidateAsync("guard-good", """{"poor":0.1,"fair":0.2,"good":0.4,"very-good":0.2,"excellent":0.1}""", 0.04, live, 0.80);
        var good = await platform.PostAsync("/api/admin/credit/models/guard-good/activate", null);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overriddenChecks").ValueKind);

        await AddCandidateAsync("guard-weaker", """{"poor":0.1,"fair":0.2,"good":0.4,"very-good":0.2,"excellent":0.1}""", 0.02, "guard-good", 0.70);
        await AddCandidateAsync("guard-stale", """{"poor":0.1,"fair":0.2,"good":0.4,"very-good":0.2,"excellent":0.1}""", 0.02, live, 0.85);
        var weaker = await platform.PostAsync("/api/admin/credit/models/guard-weaker/activate", null);
        var stale = await platform.PostAsync("/api/admin/credit/models/guard-stale/activate", null);
        var weakerChecks = (await ProblemAssert.IsProblemAsync(weaker, HttpStatusCode.Conflict, "credit.activation_refused")).GetProperty("checks");
        Assert.Equal("auc_below_live", Assert.Single(weakerChecks.EnumerateArray()).GetProperty("code").GetString());
        var staleChecks = (await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict, "credit.activation_refused")).GetProperty("checks");
        Assert.Equal("psi_not_measured", Assert.Single(staleChecks.EnumerateArray()).GetProperty("code").GetString());

        const string reason = "经镇纪委同意：银行试点期间先用新模型，一周内复核";
        var overridden = await platform.PostAsJsonAsync("/api/admin/credit/models/guard-weaker/activate", new { overrideReason = reason });

        Assert.Equal(HttpStatusCode.OK, overridden.StatusCode);
        var body = await overridden.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("auc_below_live", Assert.Single(body.GetProperty("overriddenChecks").EnumerateArray()).GetProperty("code").GetString());
        Assert.Equal("guard-weaker", await LiveVersionAsync());
        var models = await platform.GetFromJsonAsync<JsonElement>("/api/admin/credit/models");
        var card = models.EnumerateArray().Single(m => m.GetProperty("version").GetString() == "guard-weaker").GetProperty("modelCard");
        Assert.Equal(reason, card.GetProperty("activationOverride").GetProperty("reason").GetString());
        var row = await factory.WithDbAsync(db => db.CreditModels.SingleAsync(m => m.Version == "guard-weaker"));
        Assert.Equal(DemoSeeder.StableId("user:platform"), row.ActivationOverriddenBy);

        var back = await platform.PostAsync($"/api/admin/credit/models/{ExpertScorecard.Version}/activate", null);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public void Factors_WhenNothingCostPoints_StillExplainTheScore()
    {
        var result = ExpertScorecard.Create().Score(new FeatureRow());

        var factors = CreditProfileService.Factors(result with { Reasons = [] });

        var only = Assert.Single(factors);
        Assert.False(string.IsNullOrWhiteSpace(only.Description));
        Assert.False(string.IsNullOrWhiteSpace(only.Improvement));
        Assert.Equal([CreditProfileService.NothingLost], CreditProfileService.ReadFactors("[]"));
    }
}
