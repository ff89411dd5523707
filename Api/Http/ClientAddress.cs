using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Points.Api.Http;

/// <summary>The caller's address: the peer, or what a configured proxy forwarded (see <see cref="ReverseProxy"/>).</summary>
public static class ClientAddress
{
    public static string Of(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }
}

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured only from the proxies the operator names:
/// <c>ReverseProxy:KnownNetworks</c> (CIDR list) and <c>ReverseProxy:KnownProxies</c> (addresses). Any other
/// peer's header is ignored, so a client cannot pick its own address to dodge a per-address limit.
/// </summary>
public static class ReverseProxy
{
    public const string Section = "ReverseProxy";

    public static (List<IPNetwork> Networks, List<IPAddress> Proxies, string? Error) Read(IConfiguration configuration)
    {
        var networks = new List<IPNetwork>();
        var proxies = new List<IPAddress>();
        foreach (var text in Values(configuration.GetSection(Section + ":KnownNetworks")))
        {
            if (!IPNetwork.TryParse(text, out var network))
            {
                return ([], [], $"ReverseProxy:KnownNetworks: '{text}' is not a CIDR network such as 10.0.0.0/8");
            }

            networks.Add(network);
        }

        foreach (var text in Values(configuration.GetSection(Section + ":KnownProxies")))
        {
            if (!IPAddress.TryParse(text, out var proxy))
            {
                return ([], [], $"ReverseProxy:KnownProxies: '{text}' is not an IP address");
            }

            proxies.Add(proxy);
        }

        return (networks, proxies, null);
    }

    /// <summary>A list (<c>ReverseProxy__KnownNetworks__0=…</c>) or one comma-separated value.</summary>
    private static IEnumerable<string> Values(IConfigurationSection section)
    {
        var items = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return items.Where(v => !string.IsNullOrWhiteSpace(v)).SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    public static void Configure(IServiceCollection services, IConfiguration configuration)
    {
        var (networks, proxies, _) = Read(configuration);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what the operator lists is trusted here.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            networks.ForEach(o.KnownIPNetworks.Add);
            proxies.ForEach(o.KnownProxies.Add);
            o.ForwardLimit = configuration.GetValue(Section + ":ForwardLimit", 1);
        });
    }

    public static bool IsConfigured(IConfiguration configuration) => Read(configuration) is { Error: null } r && (r.Networks.Count > 0 || r.Proxies.Count > 0);
}
