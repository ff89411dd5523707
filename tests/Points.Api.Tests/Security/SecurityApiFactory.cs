using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Identity;

namespace Points.Api.Tests.Security;

/// <summary>
/// The API with the production sign-in limits and loopback named as the reverse proxy, so a test picks the
/// client address with <c>X-Forwarded-For</c>. The test server has no socket, so the peer is set to loopback.
/// </summary>
public class SecurityApiFactory : PointsApiFactory
{
    public const string Password = "Right#2026-x";

    /// <summary>Long enough for HS512 too, so a refusal of HS512 is the algorithm pin, not the key size.</summary>
    public const string SigningKey = "security-test-signing-key-long-enough-for-hs512-0123456789abcdefghijklmnop";

    public SecurityApiFactory()
    {
        Settings["ReverseProxy:KnownNetworks"] = "127.0.0.0/8";
        Settings["Auth:SigningKey"] = SigningKey;
        Settings["RateLimiting:PasswordPerAddress"] = "100000";
        Settings["RateLimiting:PasswordPerAccount"] = "100000";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, LoopbackPeer>());
    }

    private sealed class LoopbackPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A client whose requests arrive through the proxy on behalf of <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    /// <summary>A new staff account with a known password in <paramref name="townId"/> (the demo town when null).</summary>
    public async Task<(Guid Id, string Username)> NewStaffAsync(Role role = Role.CommunityStaff, Guid? townId = null)
    {
        var username = "sec-" + Guid.NewGuid().ToString("N")[..10];
        var id = Guid.CreateVersion7();
        await WithDbAsync(async db =>
        {
            var town = townId ?? DemoTownId;
            var community = role == Role.CommunityStaff ? (Guid?)(town == DemoTownId ? DongshanId : db.Communities.First(c => c.TownId == town).Id) : null;
            db.Users.Add(UserAccount.NewStaff(id, role, username, SecretHasher.Hash(Password, 1_000), username[..10], town, community, null, Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        return (id, username);
    }

    /// <summary>A second town with one community, for scope tests.</summary>
    public async Task<Guid> NewTownAsync()
    {
        var townId = Guid.CreateVersion7();
        await WithDbAsync(async db =>
        {
            db.Towns.Add(new Town(townId, "第二镇" + townId.ToString("N")[..4]));
            db.Communities.Add(new Community(Guid.CreateVersion7(), townId, "第二村"));
            await db.SaveChangesAsync();
        });
        return townId;
    }
}

/// <summary>No proxy configured: a forwarded address must be ignored, whoever sends it.</summary>
public sealed class NoProxyFactory : SecurityApiFactory
{
    public const int PasswordPerAddress = 3;

    public NoProxyFactory()
    {
        Settings.Remove("ReverseProxy:KnownNetworks");
        Settings["RateLimiting:PasswordPerAddress"] = PasswordPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
