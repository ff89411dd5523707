using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Activities;
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

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Extract_AttendanceAndNoShowRecordedAfterAsOf_NotCountedBeforeRecordingCountedAfter()
    {
        var (id, startsAt, endsAt) = await ActivityWithSignUpsAsync(25, 27);
        var attended = PointsApiFactory.DemoResidentId(25);
        var absent = PointsApiFactory.DemoResidentId(27);
        factory.Clock.Set(startsAt);
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{attended}/checkin", new { })).StatusCode);
        var recordedAt = endsAt.AddDays(3);
        factory.Clock.Set(recordedAt);
        staff = await factory.StaffAsync("staff-dongshan");
        await ConfirmAsync(staff, id, attended, "Attended");
        await ConfirmAsync(staff, id, absent, "NoShow");

        var before = await FeaturesAsync([attended, absent], endsAt.AddDays(1));
        var after = await FeaturesAsync([attended, absent], recordedAt.AddDays(1));

        foreach (var r in new[] { attended, absent })
        {
            var i = before.IndexOf(r);
            Assert.Equal(0, before.Get("activitiesAttended90d", i));
            Assert.Equal(0, before.Get("activitiesAttended365d", i));
            Assert.Equal(0, before.Get("volunteerHours365d", i));
            Assert.Equal(0, before.Get("noShowCount365d", i));
            Assert.True(double.IsNaN(before.Get("noShowRate365d", i)));
        }

        var a = after.IndexOf(attended);
        var b = after.IndexOf(absent);
        Assert.Equal(1, after.Get("activitiesAttended90d", a));
        Assert.Equal(1, after.Get("activitiesAttended365d", a));
        Assert.Equal(2, after.Get("volunteerHours365d", a));
        Assert.Equal(0, after.Get("noShowCount365d", a));
        Assert.Equal(1, after.Get("noShowCount365d", b));
        Assert.Equal(1, after.Get("noShowRate365d", b));
        Assert.Equal(0, after.Get("activitiesAttended365d", b));
        var rows = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().Where(s => s.ActivityId == id).ToListAsync());
        var yes = rows.Single(s => s.ResidentId == attended);
        var no = rows.Single(s => s.ResidentId == absent);
        Assert.Equal((SignUpStatus.Attended, recordedAt, (DateTimeOffset?)null), (yes.Status, yes.ConfirmedAt!.Value, yes.NoShowAt));
        Assert.Equal((SignUpStatus.NoShow, recordedAt, recordedAt), (no.Status, no.ConfirmedAt!.Value, no.NoShowAt!.Value));
    }

    [Fact]
    public async Task Extract_LateCancelMadeAfterAsOf_NotCountedBeforeCancelCountedAfter()
    {
        var (id, startsAt, _) = await ActivityWithSignUpsAsync(29);
        var resident = PointsApiFactory.DemoResidentId(29);
        var cancelledAt = startsAt.AddHours(-1);
        factory.Clock.Set(cancelledAt);

        var cancelled = await (await factory.ResidentAsync(29)).DeleteAsync($"/api/activities/{id}/signups/me");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var body = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cancelled", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("cancelledLate").GetBoolean());
        var before = await FeaturesAsync([resident], cancelledAt.AddHours(-1));
        var atCancel = await FeaturesAsync([resident], cancelledAt);
        var after = await FeaturesAsync([resident], cancelledAt.AddDays(1));
        Assert.Equal(0, before.Get("lateCancels365d", 0));
        Assert.Equal(0, atCancel.Get("lateCancels365d", 0));
        Assert.Equal(1, after.Get("lateCancels365d", 0));
        Assert.Equal(0, after.Get("activitiesAttended365d", 0));
        Assert.Equal(0, after.Get("noShowCount365d", 0));
        var row = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == id && s.ResidentId == resident));
        Assert.Equal((SignUpStatus.Cancelled, true, cancelledAt, cancelledAt), (row.Status, row.CancelledLate, row.CancelledAt!.Value, row.LateCancelledAt!.Value));
    }

    [Fact]
    public async Task Extract_LateCancelThenSignedUpAgain_LateCancelStaysOnRecord()
    {
        var (id, startsAt, _) = await ActivityWithSignUpsAsync(30);
        var resident = PointsApiFactory.DemoResidentId(30);
        var cancelledAt = startsAt.AddHours(-6); // after the deadline (12 h before the start)
        factory.Clock.Set(cancelledAt);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ResidentAsync(30)).DeleteAsync($"/api/activities/{id}/signups/me")).StatusCode);
        var rejoinedAt = startsAt.AddHours(-4); // sign-up closes 1 h before the start
        factory.Clock.Set(rejoinedAt);

        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(30)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);

        var before = await FeaturesAsync([resident], cancelledAt);
        var between = await FeaturesAsync([resident], cancelledAt.AddHours(1));
        var after = await FeaturesAsync([resident], rejoinedAt.AddDays(1));
        Assert.Equal(0, before.Get("lateCancels365d", 0));
        Assert.Equal(1, between.Get("lateCancels365d", 0));
        Assert.Equal(1, after.Get("lateCancels365d", 0));
        var row = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == id && s.ResidentId == resident));
        Assert.Equal((SignUpStatus.Active, false, (DateTimeOffset?)null, cancelledAt), (row.Status, row.CancelledLate, row.CancelledAt, row.LateCancelledAt!.Value));

        // A second late cancellation of the same sign-up keeps the first time: one activity, one late cancellation.
        factory.Clock.Set(rejoinedAt.AddMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ResidentAsync(30)).DeleteAsync($"/api/activities/{id}/signups/me")).StatusCode);
        var again = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == id && s.ResidentId == resident));
        Assert.Equal((SignUpStatus.Cancelled, true, cancelledAt), (again.Status, again.CancelledLate, again.LateCancelledAt!.Value));
        Assert.Equal(1, (await FeaturesAsync([resident], rejoinedAt.AddDays(1))).Get("lateCancels365d", 0));
    }

    [Fact]
    public async Task Extract_NoShowCorrectedToAttendedLater_CountsNoShowUntilCorrectionAttendedAfter()
    {
        var (id, startsAt, endsAt) = await ActivityWithSignUpsAsync(31);
        var resident = PointsApiFactory.DemoResidentId(31);
        factory.Clock.Set(startsAt);
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{resident}/checkin", new { })).StatusCode);
        var noShowAt = endsAt.AddHours(1);
        factory.Clock.Set(noShowAt);
        await ConfirmAsync(await factory.StaffAsync("staff-dongshan"), id, resident, "NoShow");
        var correctedAt = endsAt.AddDays(5);
        factory.Clock.Set(correctedAt);
        await ConfirmAsync(await factory.StaffAsync("staff-dongshan"), id, resident, "Attended");

        var beforeBoth = await FeaturesAsync([resident], noShowAt.AddMinutes(-30));
        var between = await FeaturesAsync([resident], noShowAt.AddDays(1));
        var after = await FeaturesAsync([resident], correctedAt.AddDays(1));

        Assert.Equal((0d, 0d), (beforeBoth.Get("noShowCount365d", 0), beforeBoth.Get("activitiesAttended365d", 0)));
        Assert.Equal((1d, 0d, 1d), (between.Get("noShowCount365d", 0), between.Get("activitiesAttended365d", 0), between.Get("noShowRate365d", 0)));
        Assert.Equal((0d, 1d, 0d), (after.Get("noShowCount365d", 0), after.Get("activitiesAttended365d", 0), after.Get("noShowRate365d", 0)));
        var row = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == id && s.ResidentId == resident));
        Assert.Equal((SignUpStatus.Attended, false, noShowAt, correctedAt), (row.Status, row.NoShow, row.NoShowAt!.Value, row.ConfirmedAt!.Value));
    }

    /// <summary>An activity two days after <see cref="Start"/> with the demo residents signed up.</summary>
    private async Task<(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> ActivityWithSignUpsAsync(params int[] residents)
    {
        factory.Clock.Set(Start);
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 10);
        foreach (var n in residents)
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var times = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => new { a.StartsAt, a.EndsAt }).FirstAsync());
        return (id, times.StartsAt, times.EndsAt);
    }

    private static async Task ConfirmAsync(HttpClient staff, Guid activity, Guid resident, string status)
    {
        var response = await staff.PostAsJsonAsync($"/api/activities/{activity}/attendance", new { residentIds = new[] { resident }, status });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        Assert.Equal(status, result.GetProperty("outcome").GetString());
    }

    private async Task<FeatureMatrix> FeaturesAsync(IReadOnlyCollection<Guid> residents, DateTimeOffset asOf)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var m = await scope.ServiceProvider.GetRequiredService<BehaviourFeatureExtractor>().ExtractAsync(residents, asOf, CancellationToken.None);
        Assert.Equal(residents.Count, m.Count);
        return m;
    }
}
