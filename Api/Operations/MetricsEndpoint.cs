using System.Net;
using Npgsql;
using OpenTelemetry.Metrics;
using Points.Infrastructure.Diagnostics;

namespace Points.Api.Operations;

/// <summary>Who may read <c>/metrics</c>: loopback always, plus the networks in <c>Metrics:AllowedNetworks</c>.</summary>
public sealed class MetricsAccess(IReadOnlyList<IPNetwork> networks)
{
    public IReadOnlyList<IPNetwork> Networks { get; } = networks;

    public bool Allows(IPAddress? caller)
    {
        if (caller is null)
        {
            return false;
        }

        if (caller.IsIPv4MappedToIPv6)
        {
            caller = caller.MapToIPv4();
        }

        return IPAddress.IsLoopback(caller) || Networks.Any(n => n.Contains(caller));
    }

    /// <exception cref="InvalidOperationException">An entry is not a network in CIDR notation.</exception>
    public static MetricsAccess From(IConfiguration configuration)
    {
        var section = configuration.GetSection(MetricsEndpoint.AllowedNetworksSetting);
        var entries = section.GetChildren().Select(c => c.Value).ToList();
        if (entries.Count == 0 && section.Value is { } joined)
        {
            entries = [.. joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var networks = new List<IPNetwork>();
        foreach (var entry in entries.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            if (!IPNetwork.TryParse(entry, out var network))
            {
                throw new InvalidOperationException($"{MetricsEndpoint.AllowedNetworksSetting}: '{entry}' is not a network such as 10.0.0.0/8.");
            }

            networks.Add(network);
        }

        return new MetricsAccess(networks);
    }
}

/// <summary>
/// OpenTelemetry metrics exported for Prometheus at <c>GET /metrics</c>: ASP.NET Core's request metrics (rate and
/// latency by route), Kestrel's connections, Npgsql's pool, and the application's own (<see cref="PointsMetrics"/>).
/// Anyone not allowed by <see cref="MetricsAccess"/> gets the 404 an unknown route gets.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";
    public const string EnabledSetting = "Metrics:Enabled";
    public const string AllowedNetworksSetting = "Metrics:AllowedNetworks";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledSetting, true);

    public static IServiceCollection AddPointsMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.AddSingleton(MetricsAccess.From(configuration));
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", PointsMetrics.MeterName)
            .AddNpgsqlInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Refuses callers outside the allowed networks before the exporter sees the request.</summary>
    public static WebApplication UseMetricsAccess(this WebApplication app)
    {
        if (app.Services.GetService<MetricsAccess>() is not { } access)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase) && !access.Allows(context.Connection.RemoteIpAddress))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        return app;
    }

    public static void MapMetrics(this WebApplication app)
    {
        if (app.Services.GetService<MetricsAccess>() is null)
        {
            return;
        }

        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().DisableRateLimiting();
    }
}
