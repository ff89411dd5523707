using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Activities;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Quotas;
using Points.Infrastructure.Seeding;

namespace Points.Infrastructure.Activities;

/// <summary>Demo activities in both communities: one open now with 30 places, one upcoming, one finished.</summary>
public sealed class ActivitySeed : IDemoSeedContributor
{
    public async Task SeedAsync(IServiceProvider services, DemoTown town, CancellationToken ct)
    {
        var db = services.GetRequiredService<PointsDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = Domain.Common.ShanghaiTime.StartOfDay(Domain.Common.ShanghaiTime.Today(now));
        var dongshan = town.CommunityIds[0];
        var xihu = town.CommunityIds[1];
        var staffDongshan = town.StaffByUsername["staff-dongshan"];
        var staffXihu = town.StaffByUsername["staff-xihu"];

        var open = Details("东山村护水巡河", "沿东山溪巡查垃圾与排污口，请穿防滑鞋。", ActivityCategory.RiverPatrol, "东山村村委会门口", 30.0312, 120.8705,
            today.AddDays(2).AddHours(9), 2, now.AddHours(-1), 30, 20, Eligibility.Anyone);
        var upcoming = Details("西湖社区垃圾分类督导", "在小区投放点指导居民分类投放。", ActivityCategory.GarbageSorting, "西湖社区3号投放点", 30.0401, 120.8802,
            today.AddDays(5).AddHours(18), 2, today.AddDays(3).AddHours(8), 10, 15, Eligibility.CommunityResidents);
        var finished = Details("东山村平安巡逻", "夜间平安巡逻。", ActivityCategory.SafetyPatrol, "东山村文化礼堂", 30.0318, 120.8711,
            today.AddDays(-3).AddHours(19), 2, today.AddDays(-10), 20, 25, Eligibility.TownResidents);

        Add(db, "activity:open", town.TownId, dongshan, open, staffDongshan, now.AddDays(-1), null);
        Add(db, "activity:upcoming", town.TownId, xihu, upcoming, staffXihu, now.AddDays(-1), null);
        Add(db, "activity:finished", town.TownId, dongshan, finished, staffDongshan, now.AddDays(-12), now);
        await db.SaveChangesAsync(ct);
    }

    private static ActivityDetails Details(string title, string description, ActivityCategory category, string address, double lat, double lng,
        DateTimeOffset startsAt, int hours, DateTimeOffset opensAt, int capacity, int points, Eligibility eligibility) =>
        new(title, description, category, address, lat, lng, startsAt, startsAt.AddHours(hours), opensAt, startsAt.AddHours(-1), startsAt.AddHours(-12), capacity, points, eligibility);

    private static void Add(PointsDbContext db, string name, Guid townId, Guid communityId, ActivityDetails details, Guid staff, DateTimeOffset createdAt, DateTimeOffset? completedAt)
    {
        var activity = Activity.Create(DemoSeeder.StableId(name), townId, communityId, details, staff, createdAt).Value;
        activity.Publish(createdAt);
        if (completedAt is { } at)
        {
            activity.Complete(at);
        }

        db.Activities.Add(activity);
    }
}

public static class ActivityServiceCollectionExtensions
{
    /// <summary>Activities, sign-up quotas (Redis or in-process), the notification outbox and their jobs.</summary>
    public static IServiceCollection AddActivities(this IServiceCollection services, InfrastructureChoice choice, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddQuotas(choice, configuration);
        services.AddNotifications();
        services.AddSingleton<ActivityDirectory>();
        services.AddScoped<SignUpService>();
        services.AddScoped<ActivityService>();
        services.AddScoped<WaitlistRoster>();
        services.AddScoped<IDemoSeedContributor, ActivitySeed>();
        return services;
    }
}
