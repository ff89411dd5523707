using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Api.WeChat;
using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

public sealed class CheckInMiniProgramCodeTests(FakeWeChatFactory factory) : IClassFixture<FakeWeChatFactory>
{
    [Fact]
    public async Task MiniProgramCode_Staff_GetsPng_SceneIsAShortTokenForTheActivity()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var activityId = Guid.CreateVersion7();

        var response = await staff.GetAsync($"/api/activities/{activityId}/checkin-miniprogram-code");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FakeWeChatServer.PngBytes, await response.Content.ReadAsByteArrayAsync());
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
    public async Task MiniProgramCode_PageNotPublished_JsonErrorAsTextPlain_Returns503Problem()
    {
        var staff = await factory.StaffAsync("town-staff");
        factory.WeChat.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Error(41030, "invalid page", "text/plain"));

        var response = await staff.GetAsync($"/api/activities/{Guid.CreateVersion7()}/checkin-miniprogram-code");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wechat.qrcode_page_missing");
    }

    [Fact]
    public async Task MiniProgramCode_DailyQuotaReached_Returns429Problem()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        factory.WeChat.Enqueue(FakeWeChatPaths.UnlimitedQrCode, FakeResponse.Error(45009, "reach max api daily quota limit"));

        var response = await staff.GetAsync($"/api/activities/{Guid.CreateVersion7()}/checkin-miniprogram-code");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "wechat.rate_limited");
    }

    [Fact]
    public async Task MiniProgramCode_Resident_Returns403_NoWeChatCall()
    {
        var resident = await factory.ResidentAsync(1);
        var before = factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode);

        var response = await resident.GetAsync($"/api/activities/{Guid.CreateVersion7()}/checkin-miniprogram-code");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.UnlimitedQrCode));
    }
}
