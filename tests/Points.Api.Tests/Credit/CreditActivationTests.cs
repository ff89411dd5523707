using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;
using Points.Domain.Identity;
using Points.Infrastructure.Credit;
using Points.Scoring;
using Points.Scoring.Synthetic;

namespace Points.Api.Tests.Credit;

/// <summary>Activating a model version re-scores every resident with it at once.</summary>
public sealed class CreditActivationTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Activate_NewVersion_EveryResidentsLatestProfileCarriesItAndHistoryKept()
    {
        const string version = "expert-2";
        var now = factory.Clock.GetUtcNow();
        var residents = await factory.WithDbAsync(db => db.Users.Where(u => u.Role == Role.Resident).Select(u => u.Id).ToListAsync());
        var earlier = await factory.WithDbAsync(db => db.CreditProfiles.AsNoTracking().Select(p => new { p.Id, p.ModelVersion }).ToListAsync());
        var scored = await factory.WithDbAsync(db => db.CreditProfiles.Select(p => p.ResidentId).Distinct().ToListAsync());
        Assert.Equal(residents.Order(), scored.Order());
        Assert.All(earlier, p => Assert.Equal(ExpertScorecard.Version, p.ModelVersion));
        var card = new Scorecard(ExpertScorecard.CreateModel() with { ModelVersion = version });
        await factory.WithDbAsync(async db =>
        {
            db.CreditModels.Add(new CreditModel(Guid.CreateVersion7(), version, CreditModelKind.Expert, card.ToJson(), "{}", "{}", now));
            await db.SaveChangesAsync();
        });
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var platform = await factory.StaffAsync("platform");

        var response = await platform.PostAsync($"/api/admin/credit/models/{version}/activate", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(version, body.GetProperty("version").GetString());
        Assert.True(body.GetProperty("isActive").GetBoolean());
        Assert.Equal(residents.Count, body.GetProperty("rescored").GetInt32());
        Assert.Equal(version, factory.Services.GetRequiredService<CreditModelHolder>().Current!.Version);
        Assert.Equal([version], await factory.WithDbAsync(db => db.CreditModels.Where(m => m.IsActive).Select(m => m.Version).ToListAsync()));

        var profiles = await factory.WithDbAsync(db => db.CreditProfiles.AsNoTracking().ToListAsync());
        foreach (var resident in residents)
        {
            var latest = profiles.Where(p => p.ResidentId == resident).OrderByDescending(p => p.AsOf).ThenByDescending(p => p.ComputedAt).First();
            Assert.Equal(version, latest.ModelVersion);
            Assert.Equal(factory.Clock.GetUtcNow(), latest.AsOf);
        }

        Assert.Equal(residents.Count, profiles.Count(p => p.ModelVersion == version));
        Assert.Equal(earlier.Select(p => p.Id).Order(), profiles.Where(p => p.ModelVersion == ExpertScorecard.Version).Select(p => p.Id).Order());
        var mine = await (await factory.ResidentAsync(3)).GetFromJsonAsync<JsonElement>("/api/me/credit");
        Assert.Equal(version, mine.GetProperty("modelVersion").GetString());
        var history = mine.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("modelVersion").GetString()).ToList();
        Assert.Equal(version, history[0]);
        Assert.Contains(ExpertScorecard.Version, history);
    }
}
