using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Points.Console.Admin;
using Points.Console.ApiClient;
using Points.Console.Merchant;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>The merchant terminal's form logic in bUnit: the yuan preview while typing, one Idempotency-Key per attempt.</summary>
public sealed class MerchantFormTests : ConsoleComponentTest
{
    private readonly ScriptedApi _handler = new();

    public MerchantFormTests()
    {
        UseApi(_handler);
    }

    [Theory]
    [InlineData(50, "120", "¥2.40")]
    [InlineData(30, "100", "¥3.33")] // fen truncated as the API's statement does: 10000 / 30 = 333
    [InlineData(1, "7", "¥7.00")]
    public void YuanPreview_FollowsThePointsAsTheyAreTyped(int rate, string points, string yuan)
    {
        var form = Render<RedeemForm>(p => p.Add(f => f.PointsPerYuan, rate));

        form.Find("#redeem-points").Input(points);

        Assert.Contains(yuan, form.Find("[data-testid=yuan-preview]").TextContent, StringComparison.Ordinal);
        Assert.Equal(Yuan.OfPoints(long.Parse(points, System.Globalization.CultureInfo.InvariantCulture), rate), yuan);
    }

    [Fact]
    public void ScannerEnter_WithoutPoints_DoesNotRedeem()
    {
        var form = Render<RedeemForm>(p => p.Add(f => f.PointsPerYuan, 50));

        form.Find("#paycode").Input("123456789012");
        form.Find("form").Submit();

        Assert.Empty(_handler.Keys);
    }

    [Fact]
    public void RetryAfterTimeout_ReusesTheKey_NextAttemptAndChangedPointsGetNewOnes()
    {
        _handler.FailNetwork();
        _handler.Answer(HttpStatusCode.Created, Receipt(120));
        _handler.Answer(HttpStatusCode.Conflict, """{"title":"付款码已使用","status":409,"code":"paycode.used"}""");
        _handler.Answer(HttpStatusCode.Created, Receipt(80));
        var redeemed = new List<long>();
        var form = Render<RedeemForm>(p => p.Add(f => f.PointsPerYuan, 50).Add(f => f.Redeemed, r => redeemed.Add(r.Points)));

        form.Find("#paycode").Input("111122223333");
        form.Find("#redeem-points").Input("120");
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.NotNull(form.Find(".page-alert button")));
        form.Find(".page-alert button").Click(); // 重试 after the network failure
        form.WaitForAssertion(() => Assert.Equal([120L], redeemed));

        form.Find("#paycode").Input("444455556666");
        form.Find("#redeem-points").Input("80");
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Contains("付款码已使用", form.Markup, StringComparison.Ordinal));
        form.Find("form").Submit(); // the same code and points after a refusal on the merits: a new attempt
        form.WaitForAssertion(() => Assert.Equal([120L, 80L], redeemed));

        Assert.Equal(4, _handler.Keys.Count);
        Assert.Equal(_handler.Keys[0], _handler.Keys[1]);
        Assert.Equal(3, _handler.Keys.Distinct().Count());
        Assert.All(_handler.Keys, k => Assert.False(string.IsNullOrEmpty(k)));
        Assert.Equal("111122223333", JsonDocument.Parse(_handler.Bodies[0]).RootElement.GetProperty("paycode").GetString());
        Assert.Equal(120, JsonDocument.Parse(_handler.Bodies[0]).RootElement.GetProperty("points").GetInt64());
    }

    [Fact]
    public void PasswordGate_ReadsTheOneTimePasswordClaimFromTheToken()
    {
        static string Token(string payload) => "e30." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".sig";

        Assert.True(PasswordGate.Required(Token("""{"sub":"x","pwd_change":"true"}""")));
        Assert.False(PasswordGate.Required(Token("""{"sub":"x"}""")));
        Assert.False(PasswordGate.Required("not-a-token"));
        Assert.False(PasswordGate.Required(null));
    }

    [Theory]
    [InlineData("activities", new[] { "Merchant" }, false)]
    [InlineData("", new[] { "Merchant" }, false)]
    [InlineData("merchant/redeem", new[] { "Merchant" }, true)]
    [InlineData("merchant", new[] { "Merchant" }, true)]
    [InlineData("merchant/redeem", new[] { "CommunityStaff" }, false)]
    [InlineData("admin/bank-clients", new[] { "TownStaff" }, false)]
    [InlineData("admin/bank-clients", new[] { "Admin" }, true)]
    [InlineData("activities/new?x=1", new[] { "CommunityStaff" }, true)]
    [InlineData("account/password", new[] { "Merchant" }, true)]
    public void Menu_KeepsEachRoleToItsOwnPages(string path, string[] roles, bool allowed)
    {
        Assert.Equal(allowed, ConsoleMenu.Allows(path, r => r.Any(roles.Contains)));
    }

    private static string Receipt(long points) =>
        $$"""{"id":"{{Guid.NewGuid()}}","merchantId":"{{Guid.NewGuid()}}","residentId":"{{Guid.NewGuid()}}","points":{{points}},"at":"2026-12-01T10:00:00+08:00","journalEntryId":"{{Guid.NewGuid()}}"}""";
}
