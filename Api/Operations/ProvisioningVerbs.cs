using Points.Infrastructure.Administration;

namespace Points.Api.Operations;

/// <summary>
/// <c>town create --name … --username … --display-name …</c> creates a town with its first admin, and
/// <c>platform-account create --username … --display-name …</c> a platform account: how a deployment without the
/// demo seed gets its first accounts. Each prints the one-time password once; the first sign-in must change it.
/// </summary>
public static class ProvisioningVerbs
{
    public static readonly string[] Verbs = ["town create", "platform-account create"];

    public static async Task<int> RunAsync(string verb, IServiceProvider services, IConfiguration arguments, TextWriter output, TextWriter error)
    {
        await using var scope = services.CreateAsyncScope();
        var towns = scope.ServiceProvider.GetRequiredService<TownProvisioning>();
        var (username, displayName) = (arguments["username"], arguments["display-name"]);
        if (verb == "town create")
        {
            var created = await towns.CreateTownAsync(arguments["name"], username, displayName, CancellationToken.None);
            if (!created.IsSuccess)
            {
                error.WriteLine($"town create: {created.Error.Title} ({created.Error.Code}); usage: town create --name 镇街名称 --username 管理员用户名 --display-name 管理员姓名");
                return 1;
            }

            output.WriteLine($"town {created.Value.Town.Name} created, id {created.Value.Town.Id}");
            output.WriteLine($"admin {created.Value.Admin.Account.Username} one-time password: {created.Value.Admin.OneTimePassword} (shown once; change it at the first sign-in)");
            return 0;
        }

        var account = await towns.CreatePlatformAccountAsync(username, displayName, CancellationToken.None);
        if (!account.IsSuccess)
        {
            error.WriteLine($"platform-account create: {account.Error.Title} ({account.Error.Code}); usage: platform-account create --username 用户名 --display-name 姓名");
            return 1;
        }

        output.WriteLine($"platform account {account.Value.Account.Username} one-time password: {account.Value.OneTimePassword} (shown once; change it at the first sign-in)");
        return 0;
    }
}
