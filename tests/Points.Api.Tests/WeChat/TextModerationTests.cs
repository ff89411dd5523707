using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

/// <summary>
/// Every resident text goes through WeChat msg_sec_check with the author's openid (the fake answers risky for text
/// containing "risky", review for "review"): risky text is refused with nothing stored; text for a person goes on to
/// the staff who read it anyway.
/// </summary>
public sealed class TextModerationTests(WeChatAppFactory factory) : IClassFixture<WeChatAppFactory>
{
    private int ChecksWith(string fragment) =>
        factory.WeChat.Requests.Count(r => r.Path == FakeWeChatPaths.MsgSecCheck && (r.BodyValue("content") ?? "").Contains(fragment, StringComparison.Ordinal));

    [Fact]
    public async Task RiskyDeclaration_IsRefused_AndNothingIsStored_ReviewTextGoesToStaff()
    {
        var resident = await factory.ResidentAsync(11);
        var marker = Guid.NewGuid().ToString("N")[..8];

        var risky = await resident.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = $"risky 帮邻居修水管 {marker}" });
        var review = await resident.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = $"review 帮邻居修水管 {marker}" });

        await ProblemAssert.IsProblemAsync(risky, HttpStatusCode.UnprocessableEntity, "content.risky");
        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Declarations.AnyAsync(d => d.Text.StartsWith("risky") && d.Text.EndsWith(marker))));
        var call = factory.WeChat.Requests.Last(r => r.Path == FakeWeChatPaths.MsgSecCheck && (r.BodyValue("content") ?? "").Contains($"risky 帮邻居修水管 {marker}", StringComparison.Ordinal));
        Assert.Equal("demo-resident-11", call.BodyValue("openid"));
        Assert.Equal("3", call.BodyValue("scene"));
    }

    [Fact]
    public async Task RiskyHazard_Appeal_AndDisplayName_AreRefused()
    {
        var resident = await factory.ResidentAsync(12);
        var marker = Guid.NewGuid().ToString("N")[..8];

        var hazard = await resident.PostAsJsonAsync("/api/hazards", new { category = "Electrical", description = $"risky 配电箱 {marker}", latitude = 30.03, longitude = 120.87, address = "东山村" });
        var appeal = await resident.PostAsJsonAsync("/api/me/credit/appeals", new { kind = "HumanReview", text = $"risky 请复核 {marker}" });
        var rename = await resident.PatchAsJsonAsync("/api/me", new { displayName = "risky名" });
        var fine = await resident.PostAsJsonAsync("/api/hazards", new { category = "Electrical", description = $"配电箱门坏了 {marker}", latitude = 30.03, longitude = 120.87, address = "东山村" });

        await ProblemAssert.IsProblemAsync(hazard, HttpStatusCode.UnprocessableEntity, "content.risky");
        await ProblemAssert.IsProblemAsync(appeal, HttpStatusCode.UnprocessableEntity, "content.risky");
        await ProblemAssert.IsProblemAsync(rename, HttpStatusCode.UnprocessableEntity, "content.risky");
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
        Assert.Equal(1, ChecksWith($"配电箱门坏了 {marker}"));
        Assert.False(await factory.WithDbAsync(db => db.CreditAppeals.AnyAsync(a => a.Text.Contains(marker))));
        Assert.NotEqual("risky名", (await resident.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task ABlockedWord_NeverReachesWeChat()
    {
        var resident = await factory.ResidentAsync(13);
        var marker = Guid.NewGuid().ToString("N")[..8];

        var response = await resident.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = $"代开发票 {marker}" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "content.risky");
        Assert.Equal(0, ChecksWith(marker));
    }
}
