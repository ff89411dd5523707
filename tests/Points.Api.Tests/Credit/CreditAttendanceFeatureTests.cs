using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Credit;

namespace Points.Api.Tests.Credit;

/// <summary>The attendance features, computed from real sign-up rows made through the API.</summary>
public sealed class CreditAttendanceFeatureTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Extract_AttendedAndNoShow_CountFromRealSignUps()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 10);
        foreach (var n in new[] { 21, 23 })
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var times = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => new { a.StartsAt, a.EndsAt }).FirstAsync());
        var attended = PointsApiFactory.DemoResidentId(21);
        var absent = PointsApiFactory.DemoResidentId(23);
        factory.Clock.Set(times.StartsAt);
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{attended}/checkin", new { })).StatusCode);
        factory.Clock.Set(times.EndsAt.AddMinutes(10));
        staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { attended }, status = "Attended" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { absent }, status = "NoShow" })).StatusCode);

        await using var scope = factory.Services.CreateAsyncScope();
        var m = await scope.ServiceProvider.GetRequiredService<BehaviourFeatureExtractor>().ExtractAsync([attended, absent], times.EndsAt.AddDays(1), CancellationToken.None);
        var a = m.IndexOf(attended);
        var b = m.IndexOf(absent);

        Assert.Equal(1, m.Get("activitiesAttended90d", a));
        Assert.Equal(1, m.Get("activitiesAttended365d", a));
        Assert.True(m.Get("volunteerHours365d", a) > 0);
        Assert.Equal(0, m.Get("noShowCount365d", a));
        Assert.Equal(0, m.Get("activitiesAttended365d", b));
        Assert.Equal(1, m.Get("noShowCount365d", b));
        Assert.True(m.Get("noShowRate365d", b) > 0.99);
    }
}
