using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Points.Api.Operations;

/// <summary>Server-side request time over a period: how many requests, and their percentiles, in milliseconds.</summary>
public sealed record RequestTimingSummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

/// <summary>
/// Opt-in (<c>Diagnostics:RequestTiming=true</c>) histogram of the time each request spends in this process, from
/// the first middleware to the end of the endpoint. A benchmark compares it with what its client measured to tell
/// whether a latency tail is inside the API or outside it (the client, the kernel, waiting for a CPU).
/// Buckets of 50 µs up to 500 ms, one more for anything slower: recording is one atomic increment.
/// </summary>
public sealed class RequestTimingHistogram
{
    private const double BucketMilliseconds = 0.05;
    private readonly long[] _counts = new long[10_001];

    public void Record(TimeSpan elapsed)
    {
        var bucket = (int)Math.Min(elapsed.TotalMilliseconds / BucketMilliseconds, _counts.Length - 1);
        Interlocked.Increment(ref _counts[bucket]);
    }

    /// <summary>
    /// The percentiles since the last reset. Each is the upper edge of its bucket, so never below the true value by
    /// more than 50 µs; the top bucket reports 500 ms for anything at or beyond it.
    /// </summary>
    public RequestTimingSummary Snapshot(bool reset)
    {
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = reset ? Interlocked.Exchange(ref _counts[i], 0) : Volatile.Read(ref _counts[i]);
        }

        var total = counts.Sum();
        if (total == 0)
        {
            return new RequestTimingSummary(0, 0, 0, 0, 0, 0);
        }

        double Percentile(double p)
        {
            var rank = (long)Math.Ceiling(p * total);
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank)
                {
                    return Math.Round((i + 1) * BucketMilliseconds, 2);
                }
            }

            return Math.Round(counts.Length * BucketMilliseconds, 2);
        }

        var max = Array.FindLastIndex(counts, c => c > 0);
        return new RequestTimingSummary(total, Percentile(0.50), Percentile(0.90), Percentile(0.99), Percentile(0.999),
            Math.Round((max + 1) * BucketMilliseconds, 2));
    }
}

public static class RequestTiming
{
    public const string Setting = "Diagnostics:RequestTiming";

    /// <summary>The instrument's own route; its reads are not counted.</summary>
    public const string Route = "/internal/request-timing";

    /// <summary>Times every request when the histogram is registered; first in the pipeline, so it sees all of it.</summary>
    public static WebApplication UseRequestTiming(this WebApplication app)
    {
        if (app.Services.GetService<RequestTimingHistogram>() is { } histogram)
        {
            app.Use(async (context, next) =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await next(context);
                }
                finally
                {
                    if (!context.Request.Path.StartsWithSegments(Route))
                    {
                        histogram.Record(Stopwatch.GetElapsedTime(started));
                    }
                }
            });
        }

        return app;
    }

    /// <summary>
    /// <c>GET /internal/request-timing[?reset=true]</c>, mapped only when timing is on and answered only to a caller
    /// on this machine (anyone else gets 404): it is a benchmark's instrument, not part of the API.
    /// </summary>
    public static void MapRequestTiming(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<RequestTimingHistogram>() is null)
        {
            return;
        }

        app.MapGet(Route, Results<Ok<RequestTimingSummary>, NotFound> (HttpContext context, RequestTimingHistogram histogram, bool? reset) =>
                context.Connection.RemoteIpAddress is { } caller && IPAddress.IsLoopback(caller)
                    ? TypedResults.Ok(histogram.Snapshot(reset ?? false))
                    : TypedResults.NotFound())
            .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
    }
}
