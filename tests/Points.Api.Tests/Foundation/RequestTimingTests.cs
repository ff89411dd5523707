using Microsoft.AspNetCore.Http;
using Points.Api.Operations;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Foundation;

public sealed class TimedApiFactory : PointsApiFactory
{
    public TimedApiFactory() => Settings[RequestTiming.Setting] = "true";
}

/// <summary>The benchmark's instrument: server-side request time, opt-in, readable only from this machine.</summary>
public sealed class RequestTimingTests(TimedApiFactory timed) : IClassFixture<TimedApiFactory>
{
    [Fact]
    public void Snapshot_KnownSamples_PercentilesAtBucketUpperEdges()
    {
        var histogram = new RequestTimingHistogram();
        // 1,000 samples: 980 at 1.02 ms, 15 at 7.52 ms, 4 at 30.02 ms, 1 beyond the top bucket.
        for (var i = 0; i < 980; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(1.02));
        }

        for (var i = 0; i < 15; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(7.52));
        }

        for (var i = 0; i < 4; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(30.02));
        }

        histogram.Record(TimeSpan.FromSeconds(2));

        var summary = histogram.Snapshot(reset: true);

        Assert.Equal(1000, summary.Count);
        Assert.Equal(1.05, summary.P50Ms); // 1.02 ms falls in [1.00, 1.05)
        Assert.Equal(1.05, summary.P90Ms);
        Assert.Equal(7.55, summary.P99Ms); // rank 990 is the 10th of the 7.52 ms samples
        Assert.Equal(30.05, summary.P999Ms); // rank 999 is the last 30.02 ms sample
        Assert.Equal(500.05, summary.MaxMs); // the overflow bucket
        Assert.Equal(0, histogram.Snapshot(reset: false).Count);
    }

    [Fact]
    public void Snapshot_NothingRecorded_AllZero()
    {
        Assert.Equal(new RequestTimingSummary(0, 0, 0, 0, 0, 0), new RequestTimingHistogram().Snapshot(reset: false));
    }

    [Fact]
    public async Task Endpoint_Loopback_CountsRequestsSinceReset()
    {
        await Read(IPAddress.Loopback, reset: true);
        var client = timed.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }

        var (status, body) = await Read(IPAddress.Loopback, reset: false);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(5, body.GetProperty("count").GetInt64()); // the reads themselves are not counted
        Assert.True(body.GetProperty("p99Ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Endpoint_RemoteCaller_NotFound()
    {
        var (status, _) = await Read(IPAddress.Parse("203.0.113.7"), reset: true);

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task Endpoint_TimingOff_NotMapped()
    {
        await using var plain = new PointsApiFactory();
        var context = await plain.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/internal/request-timing";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
        });

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
    }

    private async Task<(int Status, JsonElement Body)> Read(IPAddress caller, bool reset)
    {
        var context = await timed.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/internal/request-timing";
            c.Request.QueryString = new QueryString(reset ? "?reset=true" : "");
            c.Connection.RemoteIpAddress = caller;
        });
        var body = context.Response.StatusCode == StatusCodes.Status200OK
            ? await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body)
            : default;
        return (context.Response.StatusCode, body);
    }
}
