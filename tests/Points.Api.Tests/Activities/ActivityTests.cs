using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Activities;
using Points.Domain.Notifications;
using Points.Infrastructure.Notifications;

namespace Points.Api.Tests.Activities;

public sealed class ActivityTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Create_AsResident_Returns403()
    {
        var resident = await factory.ResidentAsync(1);

        var response = await resident.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task CreateAndPublish_ByStaffOfAnotherCommunity_Returns403()
    {
        var xihu = await factory.StaffAsync("staff-xihu");
        var id = await ActivityTestKit.PublishedAsync(factory);

        var create = await xihu.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory, communityId: PointsApiFactory.DongshanId));
        var cancel = await xihu.PostAsync($"/api/activities/{id}/cancel", null);

        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Forbidden, "activity.out_of_scope");
        await ProblemAssert.IsProblemAsync(cancel, HttpStatusCode.Forbidden, "activity.out_of_scope");
        Assert.Equal(ActivityStatus.Published, await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()));
    }

    [Fact]
    public async Task Create_ByTownStaffForEitherCommunity_Succeeds()
    {
        var town = await factory.StaffAsync("town-staff");

        var response = await town.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory, communityId: PointsApiFactory.XihuId));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Draft", body.GetProperty("status").GetString());
        Assert.Equal(PointsApiFactory.XihuId, body.GetProperty("communityId").GetGuid());
    }

    public static TheoryData<string, object?, string> BadInput => new()
    {
        { "capacity", 0, "validation.failed" },
        { "capacity", 10_001, "validation.failed" },
        { "points", 1001, "validation.failed" },
        { "title", null, "validation.failed" },
        { "title", new string('长', 65), "validation.failed" },
        { "endsAt", "2026-11-25T08:00:00+08:00", "activity.time_invalid" },
        { "signUpClosesAt", "2026-11-25T10:00:00+08:00", "activity.signup_window_invalid" },
        { "signUpOpensAt", "2026-11-25T08:30:00+08:00", "activity.signup_window_invalid" },
        { "cancellationDeadline", "2026-11-25T09:30:00+08:00", "activity.cancellation_deadline_invalid" },
        { "latitude", 91, "validation.failed" },
        { "longitude", null, "activity.coordinates_invalid" },
        { "endsAt", "2026-12-05T09:00:00+08:00", "activity.too_long" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Create_WithBadInput_Returns400WithCode(string field, object? value, string code)
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var body = ActivityTestKit.Body(factory);
        body[field] = value;
        var before = await factory.WithDbAsync(db => db.Activities.CountAsync());

        var response = await staff.PostAsJsonAsync("/api/activities", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await factory.WithDbAsync(db => db.Activities.CountAsync()));
    }

    [Fact]
    public async Task Lifecycle_DraftHiddenThenPublishedSignUpDuplicateAndDetail()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var resident = await factory.ResidentAsync(3);
        var created = await staff.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory, capacity: 5));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await ProblemAssert.IsProblemAsync(await resident.GetAsync($"/api/activities/{id}"), HttpStatusCode.NotFound, "activity.not_found");
        await ProblemAssert.IsProblemAsync(await resident.PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "activity.not_open");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);

        var signUp = await resident.PostAsync($"/api/activities/{id}/signups", null);
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        await ProblemAssert.IsProblemAsync(await resident.PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "signup.duplicate");

        var detail = await resident.GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        Assert.Equal(4, detail.GetProperty("placesLeft").GetInt32());
        Assert.Equal("Active", detail.GetProperty("mySignUp").GetProperty("status").GetString());
        var list = await resident.GetFromJsonAsync<JsonElement>($"/api/activities?community={PointsApiFactory.DongshanId}&status=Published&pageSize=100");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id && a.GetProperty("placesLeft").GetInt32() == 4);
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/signups");
        Assert.Contains(mine.EnumerateArray(), s => s.GetProperty("activityId").GetGuid() == id);
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(1, await db.SignUps.CountAsync(s => s.ActivityId == id && s.Status == SignUpStatus.Active));
            Assert.Equal(1, await db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync());
        });
    }

    [Fact]
    public async Task SignUp_WhenNotEligible_Returns403()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, eligibility: "CommunityResidents");
        var xihuResident = await factory.ResidentAsync(4);

        var response = await xihuResident.PostAsync($"/api/activities/{id}/signups", null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "signup.not_eligible");
        Assert.Equal(0, await factory.WithDbAsync(db => db.SignUps.CountAsync(s => s.ActivityId == id)));
    }

    [Fact]
    public async Task SignUp_WhenFull_OffersWaitlistAndCancelPromotesFirstWaiting()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 1);
        var holder = await factory.ResidentAsync(5);
        var first = await factory.ResidentAsync(7);
        var second = await factory.ResidentAsync(9);
        Assert.Equal(HttpStatusCode.Created, (await holder.PostAsync($"/api/activities/{id}/signups", null)).StatusCode);

        var full = await ProblemAssert.IsProblemAsync(await first.PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "activity.full");
        Assert.Contains("/waitlist", full.GetProperty("waitlist").GetProperty("join").GetString());
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);
        var secondJoin = await (await second.PostAsync($"/api/activities/{id}/waitlist", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, secondJoin.GetProperty("position").GetInt32());
        await ProblemAssert.IsProblemAsync(await first.PostAsync($"/api/activities/{id}/waitlist", null), HttpStatusCode.Conflict, "waitlist.duplicate");

        var cancel = await holder.DeleteAsync($"/api/activities/{id}/signups/me");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var firstDetail = await first.GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        Assert.Equal("Active", firstDetail.GetProperty("mySignUp").GetProperty("status").GetString());
        Assert.True(firstDetail.GetProperty("mySignUp").GetProperty("fromWaitlist").GetBoolean());
        await ProblemAssert.IsProblemAsync(await second.PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "activity.full");
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(1, await db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync());
            var active = await db.SignUps.Where(s => s.ActivityId == id && s.Status == SignUpStatus.Active).Select(s => s.ResidentId).ToListAsync();
            Assert.Equal([PointsApiFactory.DemoResidentId(7)], active);
            Assert.Equal(1, await db.Notifications.CountAsync(n => n.RecipientId == PointsApiFactory.DemoResidentId(7) && n.Kind == NotificationKind.WaitlistPromoted));
        });
        Assert.Equal(HttpStatusCode.NoContent, (await second.DeleteAsync($"/api/activities/{id}/waitlist")).StatusCode);
    }

    [Fact]
    public async Task Cancel_AfterDeadline_IsRecordedLateAndFreesThePlace()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 2);
        var resident = await factory.ResidentAsync(11);
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        var deadline = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.CancellationDeadline).FirstAsync());
        factory.Clock.Set(deadline.AddMinutes(5));
        try
        {
            resident = await factory.ResidentAsync(11);
            var response = await resident.DeleteAsync($"/api/activities/{id}/signups/me");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("cancelledLate").GetBoolean());
            await factory.WithDbAsync(async db =>
            {
                var row = await db.SignUps.FirstAsync(s => s.ActivityId == id && s.ResidentId == PointsApiFactory.DemoResidentId(11));
                Assert.Equal(SignUpStatus.Cancelled, row.Status);
                Assert.True(row.CancelledLate);
                Assert.Equal(0, await db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync());
            });
        }
        finally
        {
            factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
        }
    }

    [Fact]
    public async Task Patch_CapacityBelowSignUps_Returns409AndRaisingItPromotesWaitlist()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 2);
        foreach (var n in new[] { 13, 15 })
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var waiting = await factory.ResidentAsync(17);
        Assert.Equal(HttpStatusCode.Created, (await waiting.PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);

        var lower = await staff.PatchAsJsonAsync($"/api/activities/{id}", new { capacity = 1 });
        var raise = await staff.PatchAsJsonAsync($"/api/activities/{id}", new { capacity = 4 });

        await ProblemAssert.IsProblemAsync(lower, HttpStatusCode.Conflict, "activity.capacity_below_signups");
        Assert.Equal(HttpStatusCode.OK, raise.StatusCode);
        var body = await raise.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, body.GetProperty("capacity").GetInt32());
        Assert.Equal(1, body.GetProperty("placesLeft").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(19)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        await ProblemAssert.IsProblemAsync(await (await factory.ResidentAsync(21)).PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "activity.full");
        Assert.Equal(4, await factory.WithDbAsync(db => db.SignUps.CountAsync(s => s.ActivityId == id && s.Status == SignUpStatus.Active)));
    }

    [Fact]
    public async Task CancelActivity_ReleasesPlacesWritesOutboxAndDrainSendsOrRetries()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 3);
        foreach (var n in new[] { 23, 25 })
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var response = await staff.PostAsync($"/api/activities/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProblemAssert.IsProblemAsync(await (await factory.ResidentAsync(27)).PostAsync($"/api/activities/{id}/signups", null), HttpStatusCode.Conflict, "activity.not_open");
        var keys = new[] { $"activity-cancelled:{id}:{PointsApiFactory.DemoResidentId(23)}", $"activity-cancelled:{id}:{PointsApiFactory.DemoResidentId(25)}" };
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.SignUps.CountAsync(s => s.ActivityId == id && s.Status == SignUpStatus.Active));
            Assert.Equal(0, await db.Activities.Where(a => a.Id == id).Select(a => a.Taken).FirstAsync());
            Assert.Equal(2, await db.Notifications.CountAsync(n => keys.Contains(n.DedupeKey) && n.Status == NotificationStatus.Pending && n.Kind == NotificationKind.ActivityCancelled));
        });

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var failing = new NotificationDrainer(scope.ServiceProvider.GetRequiredService<Points.Infrastructure.Persistence.PointsDbContext>(), new FailingSender(), factory.Clock);
            Assert.True(await failing.DrainAsync(100, CancellationToken.None) >= 2);
        }

        await factory.WithDbAsync(async db =>
        {
            var rows = await db.Notifications.Where(n => keys.Contains(n.DedupeKey)).ToListAsync();
            Assert.All(rows, n =>
            {
                Assert.Equal(NotificationStatus.Failed, n.Status);
                Assert.Equal(1, n.Attempts);
                Assert.True(n.NextAttemptAt > factory.Clock.GetUtcNow());
            });
        });

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        try
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NotificationDrainer>().DrainAsync(100, CancellationToken.None);
            await factory.WithDbAsync(async db =>
                Assert.Equal(2, await db.Notifications.CountAsync(n => keys.Contains(n.DedupeKey) && n.Status == NotificationStatus.Sent && n.SentAt != null)));
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task ReminderJob_QueuesOneReminderPerSignUpOnce()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 3);
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(29)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        var startsAt = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.StartsAt).FirstAsync());
        var original = factory.Clock.GetUtcNow();
        factory.Clock.Set(startsAt.AddMinutes(-50));
        try
        {
            var job = new ActivityReminderJob();
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                await job.RunAsync(scope.ServiceProvider, CancellationToken.None);
            }

            await using (var scope = factory.Services.CreateAsyncScope())
            {
                await job.RunAsync(scope.ServiceProvider, CancellationToken.None);
            }

            Assert.Equal(1, await factory.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.ActivityReminder && n.RecipientId == PointsApiFactory.DemoResidentId(29))));
        }
        finally
        {
            factory.Clock.Set(original);
        }
    }

    private sealed class FailingSender : INotificationSender
    {
        public Task<SendOutcome> SendAsync(NotificationMessage message, CancellationToken ct) => throw new HttpRequestException("wechat down");
    }
}
