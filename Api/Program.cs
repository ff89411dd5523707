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

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.IncludeScopes = false;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
    o.UseUtcTimestamp = false;
});

if (StartupChecks.Problem(builder.Configuration, builder.Environment) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 2;
}

builder.Services.AddPointsApi(builder.Configuration, builder.Environment);
var app = builder.Build();

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

if (options.SeedDemo)
{
    await DemoSeeder.SeedIfEmptyAsync(app.Services, CancellationToken.None);
}

DependencyInjection.ConnectRedis(app.Services);

app.UsePointsPipeline();
app.MapPointsEndpoints();
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"Points API listening on {url}  (OpenAPI UI: {url}/docs, document: {url}/openapi/v1.json)");
    }
});
await app.RunAsync();
return 0;
