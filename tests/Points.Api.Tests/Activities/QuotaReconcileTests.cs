using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Activities;
using Points.Infrastructure.Quotas;
using StackExchange.Redis;

namespace Points.Api.Tests.Activities;

/// <summary>A Redis flushed in the middle of a rush: no oversell, and the reconciler makes Redis agree with the database again.</summary>
public sealed class QuotaReconcileTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task RushWithRedisFlushedMidway_NeverOversellsAndReconcilerRepairsRedis()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 30);
        var clients = new List<HttpClient>();
        for (var n = 1; n <= 50; n++)
        {
            clients.Add(await factory.ResidentAsync(n));
        }

        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        var store = (RedisQuotaStore)factory.Services.GetRequiredService<IQuotaStore>();
        var completed = 0;
        var attempts = clients.Concat(clients).Concat(clients).Select(async client =>
        {
            var response = await client.PostAsync($"/api/activities/{id}/signups", null);
            if (Interlocked.Increment(ref completed) == 20)
            {
                await redis.GetDatabase().KeyDeleteAsync(store.Keys(id));
            }

            return response;
        });
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var members = await factory.WithDbAsync(db => db.SignUps.Where(s => s.ActivityId == id && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync());
        Assert.Equal(30, members.Count);
        Assert.Equal(30, await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync()));

        await redis.GetDatabase().KeyDeleteAsync(store.Keys(id));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<QuotaReconciler>().ReconcileAsync(CancellationToken.None) >= 1);
        }

        var repaired = await store.ReadAsync(id);
        Assert.NotNull(repaired);
        Assert.True(repaired.Members.SetEquals(members));
        Assert.Equal(0, repaired.Remaining);
    }

    /// <summary>
    /// Redis holds a place for a resident whose attempt never wrote a row (its reply was lost with the connection and it
    /// went elsewhere, or it failed while Redis was away). "Duplicate" would refuse them a place they do not have: the
    /// database decides, admits them once, and a real second attempt is then a duplicate.
    /// </summary>
    [Fact]
    public async Task SignUp_WhenRedisHoldsAPlaceNobodyWrote_DatabaseAdmitsThemOnce()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 2);
        var store = factory.Services.GetRequiredService<IQuotaStore>();
        var resident = PointsApiFactory.DemoResidentId(7);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<QuotaRebuilder>().EnsureLoadedAsync(id, CancellationToken.None);
        }

        Assert.Equal(ReserveOutcome.Admitted, await store.TryReserveAsync(id, resident, true, factory.Services.GetRequiredService<TimeProvider>().GetUtcNow(), Guid.NewGuid()));
        var client = await factory.ResidentAsync(7);

        var first = await client.PostAsync($"/api/activities/{id}/signups", null);
        var again = await client.PostAsync($"/api/activities/{id}/signups", null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("signup.duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(1, await factory.WithDbAsync(db => db.SignUps.CountAsync(s => s.ActivityId == id && s.ResidentId == resident && s.Status == SignUpStatus.Active)));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync()));
        var snapshot = await store.ReadAsync(id);
        Assert.Equal([resident], snapshot!.Members);
        Assert.Equal(1, snapshot.Remaining);
    }
}

/// <summary>The same sign-up rules with the embedded in-process quota store (no Redis configured).</summary>
public sealed class InProcessSignUpTests(InProcessSignUpTests.Factory factory) : IClassFixture<InProcessSignUpTests.Factory>
{
    public sealed class Factory : PointsApiFactory
    {
        public Factory()
        {
            Settings["Redis:Configuration"] = "";
        }
    }

    [Fact]
    public async Task Rush_WithInProcessStore_AdmitsExactlyCapacityAndSurvivesLostState()
    {
        Assert.IsType<InProcessQuotaStore>(factory.Services.GetRequiredService<IQuotaStore>());
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 10);
        var clients = new List<HttpClient>();
        for (var n = 1; n <= 30; n++)
        {
            clients.Add(await factory.ResidentAsync(n));
        }

        ((InProcessQuotaStore)factory.Services.GetRequiredService<IQuotaStore>()).Clear();
        var responses = await Task.WhenAll(clients.Concat(clients).Select(c => c.PostAsync($"/api/activities/{id}/signups", null)));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(10, await factory.WithDbAsync(db => db.SignUps.CountAsync(s => s.ActivityId == id && s.Status == SignUpStatus.Active)));
        var snapshot = await factory.Services.GetRequiredService<IQuotaStore>().ReadAsync(id);
        Assert.Equal(10, snapshot!.Members.Count);
        Assert.Equal(0, snapshot.Remaining);
    }
}
