using Points.Api;
using Points.Infrastructure;
using Points.Infrastructure.Seeding;
using Points.Scoring.Cli;

// Command-line verbs: `scoring ...` needs no host at all; `migrate` and `seed` run against the configured database.
if (args.Length > 0 && args[0] == "scoring")
{
    return ScoringCli.Run(args[1..], Console.Out, Console.Error);
}

var verb = args.Length > 0 && args[0] is "migrate" or "seed" ? args[0]
    : args.Length > 1 && args[0] == "ledger" && args[1] == "check" ? "ledger check"
    : args.Length > 1 && Points.Api.Operations.ProvisioningVerbs.Verbs.Contains($"{args[0]} {args[1]}") ? $"{args[0]} {args[1]}" : null;
var builder = WebApplication.CreateBuilder(verb is null ? args : args[(verb.Split(' ').Length)..]);

// Development listens on http://localhost:5080 unless an address is chosen: ASPNETCORE_URLS, --urls,
// a "urls" setting, ASPNETCORE_HTTP_PORTS or Kestrel:Endpoints (all of which the host reads itself).
if (builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"]) && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.IncludeScopes = false;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
    o.UseUtcTimestamp = false;
});

// Every failure to start is one line on stderr that names the setting and what to do, and a non-zero exit.
WebApplication app;
try
{
    if (StartupChecks.Problem(builder.Configuration, builder.Environment) is { } refusal)
    {
        Console.Error.WriteLine(refusal);
        return 2;
    }

    builder.Services.AddPointsApi(builder.Configuration, builder.Environment);
    app = builder.Build();

    if (verb == "migrate")
    {
        await DependencyInjection.MigrateAsync(app.Services, CancellationToken.None);
        Console.WriteLine("database schema is up to date");
        return 0;
    }

    if (verb == "seed")
    {
        await DependencyInjection.MigrateAsync(app.Services, CancellationToken.None);
        Console.WriteLine(await DemoSeeder.SeedIfEmptyAsync(app.Services, CancellationToken.None) ? "demo town seeded" : "database not empty: nothing seeded");
        return 0;
    }

    if (verb is not null && Points.Api.Operations.ProvisioningVerbs.Verbs.Contains(verb))
    {
        await DependencyInjection.MigrateAsync(app.Services, CancellationToken.None);
        return await Points.Api.Operations.ProvisioningVerbs.RunAsync(verb, app.Services, app.Configuration, Console.Out, Console.Error);
    }

    if (verb == "ledger check")
    {
        await Points.Infrastructure.Persistence.DatabaseBootstrap.EnsureAsync(app.Services.GetRequiredService<InfrastructureChoice>(), createIfMissing: false, CancellationToken.None);
        // Proves the ledger: every balance equals its entries, no wallet below zero, all balances sum to zero.
        await using var scope = app.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<Points.Infrastructure.Ledger.LedgerReports>().CheckAsync(CancellationToken.None);
        Console.WriteLine($"ledger check: {report.Accounts} accounts, {report.Entries} entries, global sum {report.GlobalSum}");
        foreach (var problem in report.Problems)
        {
            Console.WriteLine($"  PROBLEM {problem}");
        }

        Console.WriteLine(report.Ok ? "ledger check: OK" : "ledger check: FAILED");
        return report.Ok ? 0 : 1;
    }

    var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PointsOptions>>().Value;
    if (options.MigrateOnStartup)
    {
        await DependencyInjection.MigrateAsync(app.Services, CancellationToken.None);
    }
    else
    {
        await Points.Infrastructure.Persistence.DatabaseBootstrap.EnsureAsync(app.Services.GetRequiredService<InfrastructureChoice>(), createIfMissing: false, CancellationToken.None);
    }

    if (options.SeedDemo)
    {
        await DemoSeeder.SeedIfEmptyAsync(app.Services, CancellationToken.None);
    }

    DependencyInjection.ConnectRedis(app.Services, required: !app.Environment.IsDevelopment());

    app.UsePointsPipeline();
    app.MapPointsEndpoints();
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"Points API listening on {url}  (OpenAPI UI: {url}/docs, document: {url}/openapi/v1.json)");
        }
    });
    try
    {
        await app.StartAsync();
    }
    catch (IOException ex)
    {
        throw new StartupException($"cannot listen: {ex.Message} Choose another address with ASPNETCORE_URLS or --urls.");
    }
}
catch (StartupException ex)
{
    Console.Error.WriteLine($"Points API cannot start: {ex.Message}");
    return 3;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Console.Error.WriteLine($"Points API cannot start: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
