using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Api.WeChat;
using Points.Domain.Activities;
using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

/// <summary><c>GET /api/activities/{id}/checkin-code?kind=miniprogram</c> and checking in with its scene token.</summary>
public sealed class CheckInMiniProgramCodeTests(FakeWeChatFactory factory) : IClassFixture<FakeWeChatFactory>
{
    private static string MiniProgramCodeUrl(Guid id) => $"/api/activities/{id}/checkin-code?kind=miniprogram";

    /// <summary>A published activity of 东山村 with the given demo residents signed up, the clock 10 minutes before it starts.</summary>
    private async Task<Guid> OpenForCheckInAsync(params int[] residents)
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)));
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 10);
        foreach (var n in residents)
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        var startsAt = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.StartsAt).FirstAsync());
        factory.Clock.Set(startsAt.AddMinutes(-10));
        return id;
    }

    private async Task<string> SceneOfAsync(HttpClient staff, Guid id)
    {
        var response = await staff.GetAsync(MiniProgramCodeUrl(id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return factory.WeChat.Requests.Last(r => r.Path == FakeWeChatPaths.UnlimitedQrCode).BodyValue("scene")!;
    }

    [Fact]
    public async Task MiniProgramCode_Staff_GetsPng_SceneIsAShortTokenForTheActivity()
    {
        var activityId = await OpenForCheckInAsync();
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.GetAsync(MiniProgramCodeUrl(activityId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The fake serves the PNG as image/jpeg like WeChat does; the endpoint names it by its bytes.
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FakeWeChatServer.PngBytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var request = factory.WeChat.Requests.Last(r => r.Path == FakeWeChatPaths.UnlimitedQrCode);
        var scene = request.BodyValue("scene")!;
        Assert.True(scene.Length <= WeChatValidation.MaxSceneLength);
        Assert.Null(WeChatValidation.CheckScene(scene));
        Assert.Equal("pages/checkin/index", request.BodyValue("page"));
        var tokens = factory.Services.GetRequiredService<CheckInSceneTokens>();
        Assert.Equal(CheckInSceneTokens.Check.Valid, tokens.Verify(scene, activityId, factory.Clock.GetUtcNow()));
        Assert.Equal(CheckInSceneTokens.Check.Invalid, tokens.Verify(scene, Guid.CreateVersion7(), factory.Clock.GetUtcNow()));
        Assert.Equal(CheckInSceneTokens.Check.Expired, tokens.Verify(scene, activityId, factory.Clock.GetUtcNow() + tokens.Lifetime + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task MiniProgramCode_UnknownActivity_Returns404_NoWeChatCall()
    {
        var staff = await factory.StaffAsync("town-staff");
        var before = factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode);

        var response = await staff.GetAsync(MiniProgramCodeUrl(Guid.CreateVersion7()));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "activity.not_found");
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode));
    }

    [Fact]
    public async Task MiniProgramCode_StaffOfAnotherCommunity_Returns403OutOfScope_NoWeChatCall()
    {
        var activityId = await OpenForCheckInAsync();
        var xihu = await factory.StaffAsync("staff-xihu");
        var before = factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode);

        var response = await xihu.GetAsync(MiniProgramCodeUrl(activityId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "activity.out_of_scope");
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode));
    }

    [Fact]
    public async Task CheckInCode_UnknownKind_Returns400()
    {
        var activityId = await OpenForCheckInAsync();
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.GetAsync($"/api/activities/{activityId}/checkin-code?kind=barcode");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task MiniProgramCode_PageNotPublished_JsonErrorAsTextPlain_Returns503Problem()
    {
        var activityId = await OpenForCheckInAsync();
        var staff = await factory.StaffAsync("town-staff");
        factory.WeChat.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Error(41030, "invalid page", "text/plain"));

        var response = await staff.GetAsync(MiniProgramCodeUrl(activityId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wechat.qrcode_page_missing");
    }

    [Fact]
    public async Task MiniProgramCode_DailyQuotaReached_Returns429Problem()
    {
        var activityId = await OpenForCheckInAsync();
        var staff = await factory.StaffAsync("staff-dongshan");
        factory.WeChat.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Error(45009, "reach max api daily quota limit"));

        var response = await staff.GetAsync(MiniProgramCodeUrl(activityId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "wechat.rate_limited");
    }

    [Fact]
    public async Task MiniProgramCode_Resident_Returns403_NoWeChatCall()
    {
        var activityId = await OpenForCheckInAsync();
        var resident = await factory.ResidentAsync(1);
        var before = factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode);

        var response = await resident.GetAsync(MiniProgramCodeUrl(activityId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode));
    }

    [Fact]
    public async Task CheckIn_WithSceneToken_ChecksInAsMiniProgramCode()
    {
        var activityId = await OpenForCheckInAsync(11);
        var scene = await SceneOfAsync(await factory.StaffAsync("staff-dongshan"), activityId);
        var resident = await factory.ResidentAsync(11);

        var response = await resident.PostAsJsonAsync($"/api/activities/{activityId}/checkins", new { code = scene, lat = 30.0301, lng = 120.8701 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("checkedInAt").ValueKind);
        var signUp = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == activityId && s.ResidentId == PointsApiFactory.DemoResidentId(11)));
        Assert.Equal(CheckInMethod.MiniProgramCode, signUp.CheckInMethod);
        Assert.Equal(factory.Clock.GetUtcNow(), signUp.CheckedInAt);
    }

    [Fact]
    public async Task CheckIn_WithExpiredForgedOrOtherActivitysSceneToken_ProblemAndNotCheckedIn()
    {
        var activityId = await OpenForCheckInAsync(13);
        var staff = await factory.StaffAsync("staff-dongshan");
        var scene = await SceneOfAsync(staff, activityId);
        var forged = scene[..^2] + (scene[^2] == 'A' ? "B" : "A") + scene[^1];
        var otherActivity = await factory.WithDbAsync(db => db.Activities.Where(a => a.Id != activityId && a.Status == ActivityStatus.Published && a.CommunityId == PointsApiFactory.DongshanId).Select(a => a.Id).FirstAsync());
        var otherScene = await SceneOfAsync(staff, otherActivity);
        var resident = await factory.ResidentAsync(13);
        var checkIn = $"/api/activities/{activityId}/checkins";

        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync(checkIn, new { code = forged, lat = 30.03, lng = 120.87 }), HttpStatusCode.BadRequest, "checkin.code_invalid");
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync(checkIn, new { code = otherScene, lat = 30.03, lng = 120.87 }), HttpStatusCode.BadRequest, "checkin.code_invalid");
        var lifetime = factory.Services.GetRequiredService<CheckInSceneTokens>().Lifetime;
        factory.Clock.Advance(lifetime + TimeSpan.FromSeconds(1));
        resident = await factory.ResidentAsync(13);
        await ProblemAssert.IsProblemAsync(await resident.PostAsJsonAsync(checkIn, new { code = scene, lat = 30.03, lng = 120.87 }), HttpStatusCode.Conflict, "checkin.code_expired");

        var signUp = await factory.WithDbAsync(db => db.SignUps.AsNoTracking().SingleAsync(s => s.ActivityId == activityId && s.ResidentId == PointsApiFactory.DemoResidentId(13)));
        Assert.Null(signUp.CheckedInAt);
    }
}
