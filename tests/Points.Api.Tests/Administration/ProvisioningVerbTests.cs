using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Points.Api.Operations;
using Points.Api.Tests.Infrastructure;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Administration;

/// <summary><c>town create</c> and <c>platform-account create</c>: the first accounts of a deployment without the demo seed.</summary>
public sealed class ProvisioningVerbTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<(int Exit, string Output, string Error)> RunAsync(string verb, Dictionary<string, string?> arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ProvisioningVerbs.RunAsync(verb, factory.Services, new ConfigurationBuilder().AddInMemoryCollection(arguments).Build(), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task TownCreate_PrintsTheAdminsOneTimePassword_WhichSignsIn()
    {
        var (name, username) = (Unique("命令镇"), Unique("cli-"));

        var (exit, output, _) = await RunAsync("town create", new() { ["name"] = name, ["username"] = username, ["display-name"] = "命令行管理员" });

        Assert.Equal(0, exit);
        var password = output.Split("one-time password: ")[1].Split(' ')[0];
        var admin = await FirstSignInAsync(factory, username, password);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(await factory.WithDbAsync(db => db.Towns.Where(t => t.Name == name).Select(t => t.Id).SingleAsync()), me.GetProperty("townId").GetGuid());
    }

    [Fact]
    public async Task PlatformAccountCreate_SignsIn_AsThePlatformRole_AndRefusesATakenName()
    {
        var username = Unique("ops-");

        var (exit, output, _) = await RunAsync("platform-account create", new() { ["username"] = username, ["display-name"] = "平台运维" });
        var again = await RunAsync("platform-account create", new() { ["username"] = username, ["display-name"] = "平台运维" });
        var missing = await RunAsync("town create", new() { ["username"] = Unique("x-"), ["display-name"] = "某人" });

        Assert.Equal(0, exit);
        var platform = await FirstSignInAsync(factory, username, output.Split("one-time password: ")[1].Split(' ')[0]);
        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/api/towns")).StatusCode);
        Assert.Equal(1, again.Exit);
        Assert.Contains("staff.username_taken", again.Error);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("town.name_invalid", missing.Error);
    }
}
