using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Points.Console.Activities;
using Points.Console.ApiClient;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>bUnit: the 签到码 page fetches the next code by itself before the shown one expires, counting on the server's clock.</summary>
public sealed class CheckInCodeTests : ConsoleComponentTest
{
    private static readonly Guid ActivityId = Guid.NewGuid();
    private readonly FakeTimeProvider _clock = Points.Testing.TestClocks.AtDefaultStart();
    private readonly Handler _handler;

    public CheckInCodeTests()
    {
        _handler = new Handler(_clock);
        UseApi(_handler, _clock);
    }

    [Fact]
    public void Code_IsReplacedBeforeItExpires_WithoutAClick()
    {
        _handler.ServerAhead = TimeSpan.Zero;
        var page = Render<CheckInCodePage>(p => p.Add(x => x.Id, ActivityId));
        page.WaitForAssertion(() => Assert.Equal("code-1", page.Find("[data-testid=checkin-code]").TextContent));
        Assert.StartsWith("60 秒后自动更新", page.Find("[data-testid=checkin-countdown]").TextContent, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(50));
        page.WaitForAssertion(() => Assert.StartsWith("10 秒后自动更新", page.Find("[data-testid=checkin-countdown]").TextContent, StringComparison.Ordinal));
        Assert.Equal("code-1", page.Find("[data-testid=checkin-code]").TextContent);

        _clock.Advance(TimeSpan.FromSeconds(CheckInCodePage.RefreshAhead));
        page.WaitForAssertion(() => Assert.Equal("code-2", page.Find("[data-testid=checkin-code]").TextContent));
    }

    [Fact]
    public void Countdown_UsesTheServersClock_WhenThisPcIsTwoMinutesBehind()
    {
        _handler.ServerAhead = TimeSpan.FromMinutes(2);
        var page = Render<CheckInCodePage>(p => p.Add(x => x.Id, ActivityId));

        page.WaitForAssertion(() => Assert.Equal("code-1", page.Find("[data-testid=checkin-code]").TextContent));
        Assert.StartsWith("60 秒后自动更新", page.Find("[data-testid=checkin-countdown]").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, _handler.CodeRequests);
    }

    [Fact]
    public void MiniProgramCode_IsTheOtherKind()
    {
        var page = Render<CheckInCodePage>(p => p.Add(x => x.Id, ActivityId));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=checkin-code]")));

        page.FindAll("button").Single(b => b.TextContent == "小程序码").Click();

        page.WaitForAssertion(() => Assert.Equal("data:image/png;base64,iVBORw0K", page.Find("img[alt=小程序签到码]").GetAttribute("src")));
        Assert.Contains($"api/activities/{ActivityId}/checkin-code?kind=miniprogram", _handler.Paths);
    }

    /// <summary>A server whose clock runs <see cref="ServerAhead"/> ahead of the test clock; each code is valid 60 s.</summary>
    private sealed class Handler(TimeProvider clock) : HttpMessageHandler
    {
        public TimeSpan ServerAhead { get; set; }

        public int CodeRequests { get; private set; }

        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery.TrimStart('/');
            Paths.Add(path);
            var serverNow = clock.GetUtcNow() + ServerAhead;
            HttpResponseMessage response;
            if (path.EndsWith("kind=miniprogram", StringComparison.Ordinal))
            {
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Convert.FromBase64String("iVBORw0K")) };
                response.Content.Headers.ContentType = new("image/png");
            }
            else if (path.EndsWith("/checkin-code", StringComparison.Ordinal))
            {
                CodeRequests++;
                var json = $$"""{"code":"code-{{CodeRequests}}","expiresAt":"{{serverNow.AddSeconds(60):O}}","qrPng":"iVBORw0K"}""";
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            }
            else
            {
                var json = $$"""{"id":"{{ActivityId}}","title":"护河巡查","category":"RiverPatrol","status":"Published","capacity":5}""";
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            }

            response.Headers.Date = serverNow;
            return Task.FromResult(response);
        }
    }
}
