using System.Text;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// The whole authorization matrix: every route the app maps, with the roles its role policy admits. Every role is
/// sent to every route: a role outside the list must get the policy's 403 <c>auth.forbidden</c>, a role inside it
/// must get past the policy (whatever the handler then answers). A route that is mapped but not listed, or listed
/// but no longer mapped, fails: adding a route means deciding here who may call it.
/// Then a second town, created by the platform role, shows that its admin reaches nothing of the demo town.
/// </summary>
public sealed class RouteRoleMatrixTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Role[] AllRoles = Enum.GetValues<Role>();

    /// <summary>Any: every signed-in role (the handler scopes it); Public: no sign-in; Staff: community and town staff and admins; Town: town staff and admins.</summary>
    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["DELETE /api/activities/{id:guid}/signups/me"] = "Resident",
        ["DELETE /api/activities/{id:guid}/waitlist"] = "Resident",
        ["DELETE /api/me/credit/consents/{id:guid}"] = "Resident",
        ["GET /api/activities/"] = "Any",
        ["GET /api/activities/{id:guid}"] = "Any",
        ["GET /api/activities/{id:guid}/checkin-code"] = "Staff",
        ["GET /api/activities/{id:guid}/signups"] = "Staff",
        ["GET /api/activities/{id:guid}/waitlist"] = "Staff",
        ["GET /api/admin/credit/models/"] = "Admin, Platform",
        ["GET /api/articles/"] = "Any",
        ["GET /api/articles/{id:guid}"] = "Any",
        ["GET /api/articles/{id:guid}/comments"] = "Staff",
        ["GET /api/bank-clients/"] = "Admin",
        ["GET /api/bank/credit/{consentToken}"] = "Bank",
        ["GET /api/coupon-templates/"] = "Town",
        ["POST /api/polls/"] = "Staff",
        ["GET /api/polls/"] = "Admin, CommunityStaff, Resident, TownStaff",
        ["GET /api/polls/{id:guid}"] = "Admin, CommunityStaff, Resident, TownStaff",
        ["POST /api/polls/{id:guid}/votes"] = "Resident",
        ["GET /api/polls/{id:guid}/results"] = "Staff",
        ["POST /api/proposals/"] = "Resident",
        ["GET /api/proposals/"] = "Staff",
        ["POST /api/proposals/{id:guid}/answer"] = "Staff",
        ["POST /api/proposals/{id:guid}/poll"] = "Staff",
        ["GET /api/me/proposals"] = "Resident",
        ["PUT /api/residents/{id:guid}/household"] = "Staff",
        ["GET /api/communities/"] = "Any",
        ["GET /api/community-moves/"] = "Staff",
        ["POST /api/coupon-templates/"] = "Town",
        ["POST /api/coupon-templates/{id:guid}/void"] = "Town",
        ["POST /api/premises/"] = "Staff",
        ["GET /api/premises/"] = "Staff",
        ["GET /api/premises/{id:guid}"] = "Staff",
        ["GET /api/premises/stats"] = "Staff",
        ["GET /api/premises/{id:guid}/code-poster"] = "Staff",
        ["POST /api/premises/{id:guid}/self-checks"] = "Resident",
        ["PUT /api/towns/{townId:guid}/premises-checklists/{kind}"] = "Town",
        ["GET /api/towns/{townId:guid}/premises-checklists"] = "Staff",
        ["GET /api/me/premises"] = "Resident",
        ["GET /api/public/premises/{code}"] = "Public",
        ["GET /api/premises/follow-ups/"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["POST /api/premises/follow-ups/{id:guid}/close"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["POST /api/community-moves/{id:guid}/approve"] = "Staff",
        ["POST /api/community-moves/{id:guid}/reject"] = "Staff",
        ["GET /api/me/community-moves/"] = "Resident",
        ["POST /api/me/community-moves/"] = "Resident",
        ["POST /api/me/community-moves/{id:guid}/withdraw"] = "Resident",
        ["GET /api/communities/{id:guid}"] = "Any",
        ["GET /api/communities/{id:guid}/summaries/{month}"] = "Staff",
        ["GET /api/credit/appeals/"] = "Staff",
        ["GET /api/declarations/{id:guid}"] = "Any",
        ["GET /api/declarations/mine"] = "Any",
        ["GET /api/declarations/settings"] = "Admin, CommunityStaff, GridWorker, Merchant, MicroGridLeader, Platform, Resident, TownStaff", // a bank belongs to no town
        ["GET /api/hazards/"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["GET /api/regions/tree"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["GET /api/report-stats/"] = "Staff",
        ["GET /api/towns/{townId:guid}/hazard-settings/"] = "Town",
        ["PUT /api/towns/{townId:guid}/hazard-settings/"] = "Town",
        ["POST /api/grids/{id:guid}/micro-grids"] = "Town",
        ["PUT /api/grids/{id:guid}/workers"] = "Town",
        ["GET /api/grids/{id:guid}/workers"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["PUT /api/micro-grids/{id:guid}/leader"] = "Staff",
        ["PUT /api/residents/{id:guid}/micro-grid"] = "Staff",
        ["POST /api/hazards/{id:guid}/assign"] = "Staff",
        ["POST /api/hazards/{id:guid}/escalate"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["POST /api/hazards/{id:guid}/urgency"] = "Staff",
        ["POST /api/hazards/{id:guid}/rating"] = "Resident",
        ["GET /api/hazards/{id:guid}"] = "Any",
        ["GET /api/hazards/mine"] = "Any",
        ["GET /api/market/items"] = "Any",
        ["GET /api/market/orders"] = "Staff",
        ["GET /api/market/orders/mine"] = "Resident",
        ["GET /api/me/"] = "Any",
        ["GET /api/me/coupons"] = "Resident",
        ["POST /api/mediators/"] = "Staff",
        ["GET /api/mediators/"] = "Staff",
        ["PATCH /api/mediators/{id:guid}"] = "Staff",
        ["GET /api/mediations/{id:guid}"] = "Any",
        ["POST /api/mediations/"] = "Resident",
        ["POST /api/mediations/{id:guid}/cancel"] = "Resident",
        ["POST /api/mediations/{id:guid}/confirm"] = "Resident",
        ["POST /api/mediations/{id:guid}/accept"] = "Resident",
        ["POST /api/mediations/{id:guid}/decline"] = "Resident",
        ["POST /api/mediations/{id:guid}/visits"] = "Resident",
        ["POST /api/mediations/{id:guid}/outcome"] = "Resident",
        ["GET /api/mediations/"] = "Staff",
        ["GET /api/mediations/{id:guid}/suggestions"] = "Staff",
        ["POST /api/mediations/{id:guid}/dispatch"] = "Staff",
        ["GET /api/me/mediations"] = "Resident",
        ["GET /api/me/mediator/cases"] = "Resident",
        ["GET /api/mediation-cases/"] = "Any",
        ["GET /api/me/credit/"] = "Resident",
        ["GET /api/me/credit/consents"] = "Resident",
        ["GET /api/me/credit/queries"] = "Resident",
        ["GET /api/me/negative-records/"] = "Any",
        ["GET /api/me/phone/"] = "Resident",
        ["GET /api/me/points"] = "Any",
        ["GET /api/me/micro-grid"] = "MicroGridLeader, Resident",
        ["GET /api/me/signups/"] = "Resident",
        ["GET /api/merchant/redemptions"] = "Merchant",
        ["GET /api/merchant/statements/{month}"] = "Merchant",
        ["GET /api/merchants/"] = "Town",
        ["GET /api/negative-records/"] = "Staff",
        ["GET /api/negative-records/{id:guid}"] = "Any",
        ["GET /api/public/communities/{id:guid}/honor-roll"] = "Public",
        ["GET /api/public/communities/{id:guid}/summaries/{month}"] = "Public",
        ["GET /api/residents/"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["GET /api/audit/"] = "Town",
        ["POST /api/residents/{id:guid}/proxy-sessions/"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["POST /api/proxy-sessions/{id:guid}/end"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["GET /api/me/proxy-actions"] = "Resident",
        ["PUT /api/me/proxy-preference"] = "Resident",
        ["POST /api/communities/{id:guid}/residents/import"] = "Staff",
        ["GET /api/residents/{id:guid}"] = "Staff",
        ["GET /api/residents/{residentId:guid}/negative-records/"] = "Staff",
        ["GET /api/reviews/"] = "Staff",
        ["GET /api/staff/"] = "Town",
        ["GET /api/staff/{id:guid}/lock-events"] = "Town",
        ["GET /api/towns/"] = "Platform",
        ["GET /api/towns/{id:guid}"] = "Any",
        ["GET /api/towns/{townId:guid}/earning-rules"] = "Town",
        ["GET /api/towns/{townId:guid}/settings"] = "Town",
        ["GET /api/towns/{townId:guid}/settlements/{month}"] = "Town",
        ["GET /api/uploads/{id:guid}"] = "Any",
        ["GET /api/wechat/push/"] = "Public",
        ["GET /api/wechat/push/media/{token}"] = "Public",
        ["GET /healthz"] = "Public",
        ["GET /openapi/{documentName}.json"] = "Public",
        ["GET /readyz"] = "Public",
        ["PATCH /api/activities/{id:guid}"] = "Staff",
        ["PATCH /api/communities/{id:guid}"] = "Town",
        ["PATCH /api/grids/{id:guid}"] = "Town",
        ["PATCH /api/market/items/{id:guid}"] = "Staff",
        ["PATCH /api/me/"] = "Any",
        ["PATCH /api/merchants/{id:guid}"] = "Town",
        ["PATCH /api/staff/{id:guid}"] = "Town",
        ["PATCH /api/towns/{townId:guid}/settings"] = "Town",
        ["POST /api/activities/"] = "Staff",
        ["POST /api/activities/{id:guid}/attendance"] = "Staff",
        ["POST /api/activities/{id:guid}/cancel"] = "Staff",
        ["POST /api/activities/{id:guid}/checkins"] = "Resident",
        ["POST /api/activities/{id:guid}/checkouts"] = "Resident",
        ["POST /api/activities/{id:guid}/complete"] = "Staff",
        ["POST /api/activities/{id:guid}/publish"] = "Staff",
        ["POST /api/activities/{id:guid}/signups"] = "Resident",
        ["POST /api/activities/{id:guid}/signups/{residentId:guid}/checkin"] = "Staff",
        ["POST /api/activities/{id:guid}/signups/{residentId:guid}/checkout"] = "Staff",
        ["POST /api/activities/{id:guid}/waitlist"] = "Resident",
        ["POST /api/admin/credit/models/{version}/activate"] = "Platform",
        ["POST /api/admin/credit/models/train"] = "Platform",
        ["POST /api/articles/"] = "Staff",
        ["POST /api/articles/{id:guid}/comments"] = "Resident",
        ["POST /api/articles/{id:guid}/publish"] = "Staff",
        ["POST /api/articles/{id:guid}/quiz"] = "Resident",
        ["POST /api/articles/{id:guid}/reads"] = "Resident",
        ["POST /api/articles/{id:guid}/reads/finish"] = "Resident",
        ["POST /api/articles/comments/{commentId:guid}/moderate"] = "Staff",
        ["POST /api/auth/dev-token"] = "Public",
        ["POST /api/auth/refresh"] = "Public",
        ["POST /api/auth/staff"] = "Public",
        ["POST /api/auth/token"] = "Public",
        ["POST /api/auth/wechat"] = "Public",
        ["POST /api/bank-clients/"] = "Admin",
        ["POST /api/bank-clients/{id:guid}/rotate-secret"] = "Admin",
        ["POST /api/bank/outcomes"] = "Bank",
        ["POST /api/communities/{id:guid}/grids"] = "Town",
        ["POST /api/credit/appeals/{id:guid}/answer"] = "Staff",
        ["POST /api/declarations/"] = "Resident",
        ["POST /api/declarations/{id:guid}/resubmit"] = "Any",
        ["POST /api/declarations/{id:guid}/review"] = "Staff",
        ["POST /api/declarations/{id:guid}/revoke"] = "Staff",
        ["POST /api/declarations/{id:guid}/withdraw"] = "Any",
        ["POST /api/hazards/"] = "Resident",
        ["POST /api/hazards/{id:guid}/transitions"] = "Admin, CommunityStaff, GridWorker, TownStaff",
        ["POST /api/market/items"] = "Staff",
        ["POST /api/market/orders"] = "Resident",
        ["POST /api/market/orders/{id:guid}/cancel"] = "Any",
        ["POST /api/market/orders/{id:guid}/pickup"] = "Staff",
        ["POST /api/market/orders/pickup"] = "Staff",
        ["POST /api/me/credit/appeals"] = "Resident",
        ["POST /api/me/credit/consents"] = "Resident",
        ["POST /api/me/password"] = "Any",
        ["POST /api/me/paycode"] = "Resident",
        ["POST /api/me/phone/"] = "Resident",
        ["POST /api/me/phone/legacy"] = "Resident",
        ["POST /api/merchant/coupon-redemptions"] = "Merchant",
        ["POST /api/merchant/redemptions"] = "Merchant",
        ["POST /api/merchant/redemptions/{id:guid}/refund"] = "Merchant",
        ["POST /api/merchants/"] = "Town",
        ["POST /api/merchants/{id:guid}/operators"] = "Town",
        ["POST /api/negative-records/{id:guid}/appeal"] = "Any",
        ["POST /api/negative-records/{id:guid}/appeal-decision"] = "Staff",
        ["POST /api/negative-records/{id:guid}/explanation"] = "Any",
        ["POST /api/negative-records/{id:guid}/revoke"] = "Staff",
        ["POST /api/points/adjustments"] = "Town",
        ["POST /api/residents/{residentId:guid}/negative-records/"] = "Staff",
        ["POST /api/staff/"] = "Town",
        ["POST /api/staff/{id:guid}/reset-password"] = "Town",
        ["POST /api/staff/{id:guid}/unlock"] = "Town",
        ["POST /api/towns/"] = "Platform",
        ["POST /api/towns/{townId:guid}/communities"] = "Town",
        ["POST /api/towns/{townId:guid}/settlements/{month}/approve"] = "Town",
        ["POST /api/uploads/"] = "Any",
        ["POST /api/wechat/push/"] = "Public",
        ["PUT /api/declarations/settings/{category}"] = "Town",
        ["PUT /api/towns/{townId:guid}/earning-rules/{source}"] = "Town",
        ["PUT /api/towns/{townId:guid}/expiry-policy"] = "Town",
    };

    private static IReadOnlySet<Role>? Admitted(string entry) => entry switch
    {
        "Public" or "Any" => null,
        "Staff" => new HashSet<Role> { Role.CommunityStaff, Role.TownStaff, Role.Admin },
        "Town" => new HashSet<Role> { Role.TownStaff, Role.Admin },
        _ => entry.Split(", ").Select(Enum.Parse<Role>).ToHashSet(),
    };

    private static string Key(AuthorizationMatrixTests.Route route) => $"{route.Method} {route.Template}";

    /// <summary>The console's files (one route per file, from MapStaticAssets) and its page fallback: public, GET/HEAD only, no API.</summary>
    private static readonly string[] ConsoleFiles = ["/console", "/_content/", "/Points.Api."];

    private static bool IsConsoleFile(AuthorizationMatrixTests.Route route) => ConsoleFiles.Any(p => route.Template.StartsWith(p, StringComparison.Ordinal));

    private List<AuthorizationMatrixTests.Route> ApiRoutes() =>
        AuthorizationMatrixTests.RoutesOf(factory.Services).Where(r => r.Template != "/docs" && !IsConsoleFile(r)).ToList();

    [Fact]
    public void ConsoleFiles_ArePublicReadsOnly()
    {
        var files = AuthorizationMatrixTests.RoutesOf(factory.Services).Where(IsConsoleFile).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(f.AllowsAnonymous && f.Method is "GET" or "HEAD", $"{Key(f)} should be a public read"));
    }

    [Fact]
    public void EveryMappedRoute_IsInTheTable_AndEveryListedRouteIsMapped()
    {
        var mapped = ApiRoutes().Select(Key).ToHashSet();

        var unlisted = mapped.Where(k => !Table.ContainsKey(k)).Order().ToList();
        var gone = Table.Keys.Where(k => !mapped.Contains(k)).Order().ToList();

        Assert.True(unlisted.Count == 0, "routes without an entry in RouteRoleMatrixTests.Table (decide who may call them): " + string.Join(", ", unlisted));
        Assert.True(gone.Count == 0, "entries for routes that are no longer mapped: " + string.Join(", ", gone));
    }

    [Fact]
    public async Task EveryRoute_AdmitsExactlyItsListedRoles()
    {
        var clients = new Dictionary<Role, HttpClient>();
        foreach (var role in AllRoles)
        {
            clients[role] = await factory.ClientAsAsync(role, $"rm-{role}".ToLowerInvariant());
        }

        var failures = new List<string>();
        var calls = 0;
        foreach (var route in ApiRoutes().Where(r => Table.ContainsKey(Key(r))))
        {
            var entry = Table[Key(route)];
            if (entry == "Public")
            {
                Assert.True(route.AllowsAnonymous, $"{Key(route)} is listed Public but requires sign-in");
                continue;
            }

            var admitted = Admitted(entry);
            var path = AuthorizationMatrixTests.Fill(route.Template);
            foreach (var role in AllRoles)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (route.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var response = await clients[role].SendAsync(request);
                calls++;
                var refusedByPolicy = response.StatusCode == HttpStatusCode.Forbidden && await CodeOf(response) == "auth.forbidden";
                var shouldPass = admitted is null || admitted.Contains(role);
                if (response.StatusCode == HttpStatusCode.Unauthorized || (shouldPass && refusedByPolicy))
                {
                    failures.Add($"{Key(route)} as {role}: listed as allowed ({entry}), got {(int)response.StatusCode}");
                }
                else if (!shouldPass && !refusedByPolicy)
                {
                    failures.Add($"{Key(route)} as {role}: not listed ({entry}), got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls broke the table:{Environment.NewLine}" + string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task ASecondTownsAdmin_ReachesNothingOfTheDemoTown()
    {
        var platform = await factory.StaffAsync("platform");
        var username = Unique("t2-");
        var created = await platform.PostAsJsonAsync("/api/towns", new { name = Unique("第二镇"), adminUsername = username, adminDisplayName = "第二镇管理员" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var admin = await FirstSignInAsync(factory, username, body.GetProperty("admin").GetProperty("oneTimePassword").GetString()!);
        var demo = new Dictionary<string, string>
        {
            ["townId"] = PointsApiFactory.DemoTownId.ToString(),
            ["communityId"] = PointsApiFactory.DongshanId.ToString(),
        };

        var failures = new List<string>();
        var checkedRoutes = 0;
        foreach (var route in AuthorizationMatrixTests.RoutesOf(factory.Services).Where(r => r.Template.Contains("{townId") || r.Template.StartsWith("/api/communities/{id", StringComparison.Ordinal)))
        {
            var path = route.Template.Replace("{townId:guid}", demo["townId"], StringComparison.Ordinal)
                .Replace("/api/communities/{id:guid}", $"/api/communities/{demo["communityId"]}", StringComparison.Ordinal);
            path = AuthorizationMatrixTests.Fill(path);
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
            if (route.Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{\"name\":\"越界\"}", Encoding.UTF8, "application/json");
            }

            var response = await admin.SendAsync(request);
            checkedRoutes++;
            if (response.IsSuccessStatusCode && !(route.Method == "GET" && Table[Key(route)] == "Any"))
            {
                failures.Add($"{route.Method} {path}: {(int)response.StatusCode}");
            }
        }

        Assert.True(checkedRoutes >= 10, $"only {checkedRoutes} demo-town routes checked");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/residents/{PointsApiFactory.DemoResidentId(1)}"), HttpStatusCode.Forbidden, "residents.out_of_scope");
        var residents = await admin.GetFromJsonAsync<JsonElement>("/api/residents");
        Assert.Equal(0, residents.GetProperty("total").GetInt32());
        Assert.True(failures.Count == 0, "the second town's admin reached the demo town: " + string.Join(Environment.NewLine, failures));
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
