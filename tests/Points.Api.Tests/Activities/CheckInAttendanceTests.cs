using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Activities;
using Points.Domain.Ledger;

namespace Points.Api.Tests.Activities;

public sealed class CheckInAttendanceTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private async Task<(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> SignedUpAsync(params int[] residents)
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

    [Fact]
    public async Task CheckIn_WithFreshCode_ChecksInAndRejectsExpiredForgedAndFarAway()
    {
        var (id, startsAt, _) = await SignedUpAsync(1, 3);
        factory.Clock.Set(startsAt.AddMinutes(-10));
        var staff = await factory.StaffAsync("staff-dongshan");
        var resident = await factory.ResidentAsync(1);
        var codeBody = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}/checkin-code");
        var code = codeBody.GetProperty("code").GetString()!;
        Assert.StartsWith("iVBOR", codeBody.GetProperty("qrPng").GetString(), StringComparison.Ordinal);
        var forged = code[..^2] + (code[^2] == 'A' ? "B" : "A") + code[^1];

        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code = forged, lat = 30.03, lng = 120.87 }), HttpStatusCode.BadRequest, "checkin.code_invalid");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code, lat = 31.03, lng = 120.87 }), HttpStatusCode.Conflict, "checkin.too_far");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code }), HttpStatusCode.BadRequest, "checkin.location_required");
        var ok = await resident.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code, lat = 30.0305, lng = 120.8702 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var late = await factory.ResidentAsync(3);
        await ProblemAssert.IsProblemAsync(await late.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code, lat = 30.03, lng = 120.87 }), HttpStatusCode.Conflict, "checkin.code_expired");
        var otherActivityCode = await ActivityTestKitCode(staff, await SeededOpenActivityAsync());
        await ProblemAssert.IsProblemAsync(await late.PostAsJsonAsync($"/api/activities/{id}/checkins", new { code = otherActivityCode, lat = 30.03, lng = 120.87 }), HttpStatusCode.BadRequest, "checkin.code_invalid");
        await factory.WithDbAsync(async db =>
        {
            var rows = await db.SignUps.Where(s => s.ActivityId == id).ToListAsync();
            Assert.Equal(CheckInMethod.Code, rows.Single(s => s.ResidentId == PointsApiFactory.DemoResidentId(1)).CheckInMethod);
            Assert.Null(rows.Single(s => s.ResidentId == PointsApiFactory.DemoResidentId(3)).CheckedInAt);
        });
    }

    private static async Task<string> ActivityTestKitCode(HttpClient staff, Guid activityId) =>
        (await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{activityId}/checkin-code")).GetProperty("code").GetString()!;

    private Task<Guid> SeededOpenActivityAsync() => factory.WithDbAsync(db =>
        db.Activities.Where(a => a.Status == ActivityStatus.Published && a.CommunityId == PointsApiFactory.DongshanId).Select(a => a.Id).FirstAsync());

    [Fact]
    public async Task Attendance_Attended_PaysOnceAndNoShowAndShortStayAreRecorded()
    {
        var (id, startsAt, endsAt) = await SignedUpAsync(5, 7, 9);
        factory.Clock.Set(startsAt);
        var staff = await factory.StaffAsync("staff-dongshan");
        var five = PointsApiFactory.DemoResidentId(5);
        var seven = PointsApiFactory.DemoResidentId(7);
        var nine = PointsApiFactory.DemoResidentId(9);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{five}/checkin", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{seven}/checkin", new { })).StatusCode);
        factory.Clock.Set(startsAt.AddMinutes(30));
        staff = await factory.StaffAsync("staff-dongshan");
        var checkout = await staff.PostAsJsonAsync($"/api/activities/{id}/signups/{seven}/checkout", new { });
        Assert.Equal(30, (await checkout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attendedMinutes").GetInt32());
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { five }, status = "Attended" }), HttpStatusCode.Conflict, "attendance.too_early");

        factory.Clock.Set(endsAt.AddMinutes(10));
        staff = await factory.StaffAsync("staff-dongshan");
        var first = await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { five, seven }, status = "Attended" });
        var again = await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { five }, status = "Attended" });
        var noShow = await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { nine }, status = "NoShow" });

        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, firstBody.GetProperty("confirmed").GetInt32());
        var results = firstBody.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(20, results.Single(r => r.GetProperty("residentId").GetGuid() == five).GetProperty("pointsAwarded").GetInt64());
        Assert.Equal("attendance.too_short", results.Single(r => r.GetProperty("residentId").GetGuid() == seven).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeated = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().Single();
        Assert.Equal(0, repeated.GetProperty("pointsAwarded").GetInt64());
        Assert.Equal(20, repeated.GetProperty("pointsPaidEarlier").GetInt64());
        Assert.Equal(HttpStatusCode.OK, noShow.StatusCode);
        await factory.WithDbAsync(async db =>
        {
            var rows = await db.SignUps.Where(s => s.ActivityId == id).ToListAsync();
            Assert.Equal(SignUpStatus.Attended, rows.Single(s => s.ResidentId == five).Status);
            Assert.Equal(120, rows.Single(s => s.ResidentId == five).AttendedMinutes);
            Assert.Equal(SignUpStatus.Active, rows.Single(s => s.ResidentId == seven).Status);
            var absent = rows.Single(s => s.ResidentId == nine);
            Assert.Equal(SignUpStatus.NoShow, absent.Status);
            Assert.True(absent.NoShow);
            var signUpId = rows.Single(s => s.ResidentId == five).Id;
            Assert.Equal(1, await db.JournalEntries.CountAsync(e => e.IdempotencyKey == $"attendance:{signUpId}" && e.Reason == TransferReason.ActivityAttendance && e.Points == 20));
        });
        factory.Clock.Set(Start);
    }

    [Fact]
    public async Task Attendance_ByStaffOfAnotherCommunity_Returns403()
    {
        var (id, _, endsAt) = await SignedUpAsync(11);
        factory.Clock.Set(endsAt.AddMinutes(1));
        var xihu = await factory.StaffAsync("staff-xihu");

        var response = await xihu.PostAsJsonAsync($"/api/activities/{id}/attendance", new { residentIds = new[] { PointsApiFactory.DemoResidentId(11) }, status = "Attended" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "activity.out_of_scope");
        Assert.Equal(SignUpStatus.Active, await factory.WithDbAsync(db => db.SignUps.Where(s => s.ActivityId == id).Select(s => s.Status).FirstAsync()));
        factory.Clock.Set(Start);
    }
}
