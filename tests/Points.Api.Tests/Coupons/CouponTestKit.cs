using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Coupons;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Coupons;

/// <summary>Shared moves for coupon tests: a template body, the issue run, a resident's code, attendance in a month.</summary>
public static class CouponTestKit
{
    public static readonly Guid MarketId = DemoSeeder.StableId("merchant:market");
    public static readonly Guid BarberId = DemoSeeder.StableId("merchant:barber");
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>A template valid from an hour before the factory clock for <paramref name="days"/> days, at the market, 8 yuan off.</summary>
    public static Dictionary<string, object?> Template(PointsApiFactory factory, int? percentOff = null, long? discountFen = 800, int pointsCost = 0,
        Guid[]? merchants = null, int days = 20, int perResident = 1, int totalCap = 1000, int minActivities = 0)
    {
        var now = factory.Clock.GetUtcNow().ToOffset(Shanghai);
        return new Dictionary<string, object?>
        {
            ["title"] = "便民超市满减券" + Guid.NewGuid().ToString("N")[..4],
            ["percentOff"] = percentOff,
            ["discountFen"] = percentOff is null ? discountFen : null,
            ["pointsCost"] = pointsCost,
            ["merchantIds"] = merchants ?? [MarketId],
            ["validFrom"] = now.AddHours(-1),
            ["validTo"] = now.AddDays(days),
            ["perResidentLimit"] = perResident,
            ["totalCap"] = totalCap,
            ["minActivitiesLastMonth"] = minActivities,
        };
    }

    public static async Task<JsonElement> CreateTemplateAsync(PointsApiFactory factory, Dictionary<string, object?> body)
    {
        var staff = await factory.StaffAsync("town-staff");
        var response = await staff.PostAsJsonAsync("/api/coupon-templates", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<Guid> TemplateIdAsync(PointsApiFactory factory, Dictionary<string, object?> body) =>
        (await CreateTemplateAsync(factory, body)).GetProperty("id").GetGuid();

    public static async Task<CouponIssueRun> IssueAsync(PointsApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CouponIssuer>().IssueMonthAsync(CancellationToken.None);
    }

    public static Task<string?> CodeAsync(PointsApiFactory factory, Guid templateId, Guid residentId) =>
        factory.WithDbAsync(db => db.Coupons.Where(c => c.TemplateId == templateId && c.ResidentId == residentId)
            .OrderByDescending(c => c.IssuedAt).Select(c => c.Code).FirstOrDefaultAsync());

    public static Task<int> CountAsync(PointsApiFactory factory, Guid templateId) =>
        factory.WithDbAsync(db => db.Coupons.CountAsync(c => c.TemplateId == templateId));

    /// <summary>One activity two days after the clock that <paramref name="residents"/> attend (checked in, confirmed by staff); leaves the clock after it.</summary>
    public static async Task AttendAsync(PointsApiFactory factory, params int[] residents)
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 50);
        foreach (var n in residents)
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var times = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => new { a.StartsAt, a.EndsAt }).FirstAsync());
        factory.Clock.Set(times.StartsAt);
        var staff = await factory.StaffAsync("staff-dongshan");
        var ids = residents.Select(PointsApiFactory.DemoResidentId).ToArray();
        foreach (var resident in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{resident}/checkin", new { })).StatusCode);
        }

        factory.Clock.Set(times.EndsAt.AddMinutes(10));
        staff = await factory.StaffAsync("staff-dongshan");
        var confirmed = await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = ids, status = "Attended" });
        Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
    }
}
