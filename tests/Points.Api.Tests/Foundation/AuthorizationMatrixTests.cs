using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// Walks every endpoint the app maps: anonymous callers get 401 wherever the endpoint is not
/// explicitly public (HostileInputTests sends every role junk and hostile requests). Feature tests
/// assert the exact 2xx/403 expectations; this sweep catches the endpoint someone forgot to guard.
/// </summary>
public sealed partial class AuthorizationMatrixTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly string[] PublicPrefixes = ["/healthz", "/readyz", "/openapi", "/api/auth/", "/api/public/", "/api/wechat/push", "/console", "/_content/", "/Points.Api."];

    public sealed record Route(string Method, string Template, bool AllowsAnonymous, bool RequiresAuth);

    private List<Route> Routes() => RoutesOf(factory.Services);

    internal static List<Route> RoutesOf(IServiceProvider services)
    {
        var sources = services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var routes = new List<Route>();
        // The console's static files (MapStaticAssets) are public; its Development-only fallback, which serves files
        // missing from the build manifest and answers 404 for anything else, is no route of the API.
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().Where(e => e.RoutePattern.RawText != "{**path:file}" && e.RoutePattern.RawText != "/{**path:file}"))
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var auth = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() || endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any();
            foreach (var method in methods)
            {
                routes.Add(new Route(method, "/" + endpoint.RoutePattern.RawText!.TrimStart('/'), anonymous, auth));
            }
        }

        return routes;
    }

    internal static string Fill(string template) => ParameterPattern().Replace(template, m =>
    {
        var name = m.Groups["name"].Value.ToLowerInvariant();
        var constraint = m.Groups["constraint"].Value;
        if (name == "documentname")
        {
            return "v1";
        }

        if (name.Contains("month") || name.Contains("yyyy") || name.Contains("period"))
        {
            return "2026-11";
        }

        if (constraint.Contains("int") || constraint.Contains("long"))
        {
            return "1";
        }

        if (constraint.Contains("guid") || name.EndsWith("id"))
        {
            return Guid.NewGuid().ToString();
        }

        return "x" + Guid.NewGuid().ToString("N")[..8];
    });

    [GeneratedRegex(@"\{(?<name>[A-Za-z_]+)(?::(?<constraint>[^}]+))?\}")]
    private static partial Regex ParameterPattern();

    [Fact]
    public void EveryEndpoint_IsEitherGuardedOrExplicitlyPublic()
    {
        var unguarded = Routes().Where(r => !r.RequiresAuth && !r.AllowsAnonymous).ToList();

        Assert.True(unguarded.Count == 0, "endpoints without RequireAuthorization or AllowAnonymous: " + string.Join(", ", unguarded.Select(r => $"{r.Method} {r.Template}")));
    }

    [Fact]
    public void PublicEndpoints_AreOnlyTheIntendedOnes()
    {
        var unexpected = Routes().Where(r => r.AllowsAnonymous && !PublicPrefixes.Any(p => r.Template.StartsWith(p, StringComparison.Ordinal)) && r.Template != "/docs").ToList();

        Assert.True(unexpected.Count == 0, "unexpected anonymous endpoints: " + string.Join(", ", unexpected.Select(r => $"{r.Method} {r.Template}")));
    }

    [Fact]
    public async Task GuardedEndpoints_Anonymous_Get401Problem()
    {
        var client = factory.CreateClient();
        foreach (var route in Routes().Where(r => !r.AllowsAnonymous))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), Fill(route.Template));
            if (route.Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Method} {route.Template} anonymous → {(int)response.StatusCode}");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "auth.required");
        }
    }

    /// <summary>Role expectations of the foundation's own routes; each feature's tests assert theirs.</summary>
    public static TheoryData<Role?, string, string, int> FoundationMatrix => new()
    {
        { null, "GET", "/api/me", 401 },
        { Role.Resident, "GET", "/api/me", 200 },
        { Role.Bank, "GET", "/api/me", 200 },
        { Role.Merchant, "GET", "/api/me", 200 },
        { Role.Resident, "GET", "/api/communities", 200 },
        { Role.Resident, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 403 },
        { Role.CommunityStaff, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 403 },
        { Role.Merchant, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 403 },
        { Role.Bank, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 403 },
        { Role.TownStaff, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 200 },
        { Role.Admin, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 200 },
        { null, "PATCH", $"/api/towns/{PointsApiFactory.DemoTownId}/settings", 401 },
        { Role.TownStaff, "GET", $"/api/towns/{PointsApiFactory.DemoTownId}", 200 },
        { null, "GET", "/healthz", 200 },
        { Role.Resident, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 403 },
        { Role.CommunityStaff, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 403 },
        { Role.Merchant, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 403 },
        { Role.Bank, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 403 },
        { Role.TownStaff, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 200 },
        { Role.Admin, "POST", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/unlock", 200 },
        { Role.Resident, "GET", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/lock-events", 403 },
        { Role.CommunityStaff, "GET", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/lock-events", 403 },
        { Role.Admin, "GET", $"/api/staff/{Points.Infrastructure.Seeding.DemoSeeder.StableId("user:staff-dongshan")}/lock-events", 200 },
        { null, "GET", "/api/residents", 401 },
        { Role.Resident, "GET", "/api/residents", 403 },
        { Role.Merchant, "GET", "/api/residents", 403 },
        { Role.Bank, "GET", "/api/residents", 403 },
        { Role.CommunityStaff, "GET", "/api/residents", 200 },
        { Role.TownStaff, "GET", "/api/residents", 200 },
        { Role.Admin, "GET", "/api/residents", 200 },
        { Role.Resident, "GET", $"/api/residents/{PointsApiFactory.DemoResidentId(1)}", 403 },
        { Role.TownStaff, "GET", $"/api/residents/{PointsApiFactory.DemoResidentId(1)}", 200 },
        { null, "GET", "/console/", 200 },
        { null, "GET", "/console/activities", 200 },
    };

    /// <summary>
    /// The administration routes by role: town staff and admins of the town (bank clients: admins only), merchants
    /// their own redemptions; the status each allowed role gets for an empty or unknown-id request shows it got past
    /// authorization into the handler (400 validation, 404 not found, 200).
    /// </summary>
    public static TheoryData<string, string, string, int[]> AdministrationMatrix()
    {
        var town = $"/api/towns/{PointsApiFactory.DemoTownId}";
        var id = Guid.NewGuid();
        var data = new TheoryData<string, string, string, int[]>();
        void Add(string method, string path, params int[] byRole) => data.Add(method, path, string.Join(',', AllRoleNames), byRole);

        // Resident, CommunityStaff, TownStaff, Admin, Merchant, Bank
        Add("GET", "/api/staff", 403, 403, 200, 200, 403, 403);
        Add("POST", "/api/staff", 403, 403, 400, 400, 403, 403);
        Add("PATCH", $"/api/staff/{id}", 403, 403, 404, 404, 403, 403);
        Add("POST", $"/api/staff/{id}/reset-password", 403, 403, 404, 404, 403, 403);
        Add("POST", "/api/me/password", 400, 400, 400, 400, 400, 400);
        Add("GET", "/api/merchants", 403, 403, 200, 200, 403, 403);
        Add("POST", "/api/merchants", 403, 403, 400, 400, 403, 403);
        Add("PATCH", $"/api/merchants/{id}", 403, 403, 404, 404, 403, 403);
        Add("POST", $"/api/merchants/{id}/operators", 403, 403, 400, 400, 403, 403);
        Add("GET", "/api/bank-clients", 403, 403, 403, 200, 403, 403);
        Add("POST", "/api/bank-clients", 403, 403, 403, 400, 403, 403);
        Add("POST", $"/api/bank-clients/{id}/rotate-secret", 403, 403, 403, 404, 403, 403);
        Add("POST", $"{town}/communities", 403, 403, 400, 400, 403, 403);
        Add("PATCH", $"/api/communities/{id}", 403, 403, 404, 404, 403, 403);
        Add("POST", $"/api/communities/{id}/grids", 403, 403, 400, 400, 403, 403);
        Add("PATCH", $"/api/grids/{id}", 403, 403, 404, 404, 403, 403);
        Add("GET", $"{town}/settings", 403, 403, 200, 200, 403, 403);
        Add("PATCH", $"{town}/settings", 403, 403, 200, 200, 403, 403);
        Add("GET", $"{town}/settlements/2026-10", 403, 403, 200, 200, 403, 403);
        Add("POST", $"{town}/settlements/2026-13/approve", 403, 403, 400, 400, 403, 403);
        Add("GET", "/api/merchant/redemptions", 403, 403, 403, 403, 200, 403);
        return data;
    }

    private static readonly string[] AllRoleNames = ["Resident", "CommunityStaff", "TownStaff", "Admin", "Merchant", "Bank"];

    [Theory]
    [MemberData(nameof(AdministrationMatrix))]
    public async Task AdministrationRoutes_ByRole_ExpectedStatus(string method, string path, string roles, int[] expected)
    {
        var failures = new List<string>();
        foreach (var (name, status) in roles.Split(',').Zip(expected))
        {
            var role = Enum.Parse<Role>(name);
            var client = await factory.ClientAsAsync(role, $"am-{role}".ToLowerInvariant());
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);
            if ((int)response.StatusCode != status)
            {
                failures.Add($"{method} {path} as {role}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        var anonymous = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        if (anonymous.StatusCode != HttpStatusCode.Unauthorized)
        {
            failures.Add($"{method} {path} anonymous: {(int)anonymous.StatusCode}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory]
    [MemberData(nameof(FoundationMatrix))]
    public async Task FoundationRoutes_ByRole_ExpectedStatus(Role? role, string method, string path, int expected)
    {
        var client = role is null ? factory.CreateClient() : await factory.ClientAsAsync(role.Value, $"fm-{role}".ToLowerInvariant());
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PATCH" or "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
    }
}
