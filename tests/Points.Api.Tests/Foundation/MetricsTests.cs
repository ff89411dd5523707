using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Jobs;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Foundation;

public sealed class MetricsTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Scrape_AfterTraffic_HasEveryDocumentedMetric()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var resident = await factory.ResidentAsync(4);
        var created = await staff.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory, capacity: 5));
        var activityId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await resident.PostAsync($"/api/activities/{activityId}/signups", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/activities/{activityId}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsync($"/api/activities/{activityId}/signups", null)).StatusCode);
        var (payer, _) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var redeemed = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(payer), points = 20 }, Guid.NewGuid().ToString()));
        var redemptionId = (await redeemed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await merchant.PostAsync($"/api/merchant/redemptions/{redemptionId}/refund", null)).StatusCode);
        var scheduler = factory.Services.GetRequiredService<JobScheduler>();
        var job = factory.Services.GetServices<IScheduledJob>().First(j => j.Name == "notification-drain");
        Assert.True(await scheduler.RunOnceAsync(job, CancellationToken.None));

        var (status, text) = await ScrapeAsync(factory, IPAddress.Loopback);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Contains("http_server_request_duration_seconds_count{", text, StringComparison.Ordinal);
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*http_route=""/api/activities/\{id:guid\}/signups""", text);
        Assert.Matches(@"points_signups_total\{[^}]*outcome=""admitted""[^}]*\} [1-9]", text);
        Assert.Matches(@"points_signups_total\{[^}]*outcome=""refused""[^}]*reason=""activity.not_open""[^}]*\} [1-9]", text);
        Assert.Matches(@"points_redemptions_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"points_redemptions_points_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"points_refunds_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"points_jobs_runs_total\{[^}]*job=""notification-drain""[^}]*outcome=""succeeded""", text);
        Assert.Matches(@"points_outbox_backlog(\{[^}]*\})? \d", text);
        Assert.Matches(@"points_outbox_oldest_age_seconds(\{[^}]*\})? \d", text);
        Assert.Matches(@"points_redis_connected(\{[^}]*\})? 1", text);
        Assert.Matches(@"db_client_connection", text);
    }

    [Fact]
    public async Task Scrape_FromOutsideAllowedNetworks_NotFound()
    {
        var (status, _) = await ScrapeAsync(factory, IPAddress.Parse("203.0.113.7"));

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task Scrape_FromConfiguredNetwork_Answered()
    {
        await using var allowed = new PointsApiFactory();
        allowed.Settings["Metrics:AllowedNetworks"] = "203.0.113.0/24";

        var (inside, text) = await ScrapeAsync(allowed, IPAddress.Parse("203.0.113.7"));
        var (outside, _) = await ScrapeAsync(allowed, IPAddress.Parse("198.51.100.1"));

        Assert.Equal(StatusCodes.Status200OK, inside);
        Assert.Contains("points_", text, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status404NotFound, outside);
    }

    private static async Task<(int Status, string Text)> ScrapeAsync(PointsApiFactory target, IPAddress caller)
    {
        // The exporter caches a scrape briefly; a fresh request after the traffic is enough.
        var context = await target.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = caller;
        });
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }
}
