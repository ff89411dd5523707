using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Points.Infrastructure;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Residents;
using Points.Infrastructure.Seeding;

// Roster import benchmark (not part of the test command): on a migrated, seeded PostgreSQL database
// (--pg CONN or POINTS_TEST_PG, e.g. from `scripts/test.sh --servers-only`), commits a roster of --rows (10,000)
// fresh residents through ResidentImportService (validation, phone encryption and hashing, the duplicate lookup,
// the binary COPY and the audit row), and as the anchor COPYs the same number of rows of the same widths into a
// scratch table in the same run. Prints `<metric>: <value> <unit>; anchor <name>: <value> <unit>; ratio <r>`.
var pg = Arg("pg") ?? Environment.GetEnvironmentVariable("POINTS_TEST_PG") ?? throw new InvalidOperationException("--pg is required");
var rows = int.Parse(Arg("rows") ?? "10000", CultureInfo.InvariantCulture);

var builder = new NpgsqlConnectionStringBuilder(pg) { Database = "points_bench_import_" + Guid.NewGuid().ToString("N")[..8] };
await using (var admin = new NpgsqlConnection(pg))
{
    await admin.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE {builder.Database}", admin);
    await create.ExecuteNonQueryAsync();
}

var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Database:Provider"] = "Postgres",
    ["ConnectionStrings:Points"] = builder.ConnectionString,
    ["Points:DataDir"] = Path.Combine(Path.GetTempPath(), "points-bench-import"),
}).Build();
var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
services.AddSingleton<IConfiguration>(config);
services.AddPointsInfrastructure(config, new BenchEnvironment());
await using var sp = services.BuildServiceProvider();
await DependencyInjection.MigrateAsync(sp, CancellationToken.None);
await DemoSeeder.SeedIfEmptyAsync(sp, CancellationToken.None);
var protector = new PersonalDataProtector(RandomNumberGenerator.GetBytes(PersonalDataProtector.KeyBytes));

var community = await Scoped(db => db.Communities.AsNoTracking().FirstAsync(c => c.Id == DemoSeeder.StableId("community:dongshan")));
var grid = await Scoped(db => db.Grids.AsNoTracking().Where(g => g.CommunityId == community.Id).Select(g => g.Name).FirstAsync());
var roster = Enumerable.Range(0, rows)
    .Select(i => new ImportRow(i + 1, "居民" + i.ToString(CultureInfo.InvariantCulture), "158" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture), grid)).ToList();

// Warm-up: a dry run of a small roster (JIT, the connection pool, the plans).
await Scoped(db => new ResidentImportService(db, protector, TimeProvider.System).ImportAsync(community, roster.Take(100).ToList(), true, CancellationToken.None));

var watch = Stopwatch.StartNew();
var outcome = await Scoped(db => new ResidentImportService(db, protector, TimeProvider.System).ImportAsync(community, roster, false, CancellationToken.None));
var importMs = watch.Elapsed.TotalMilliseconds;
if (!outcome.IsSuccess || outcome.Value.Imported != rows)
{
    Console.Error.WriteLine($"import failed: {outcome.Error?.Code} imported {(outcome.IsSuccess ? outcome.Value.Imported : 0)} errors {(outcome.IsSuccess ? outcome.Value.Errors.Count : 0)}");
    return 1;
}

double anchorMs;
await using (var connection = new NpgsqlConnection(builder.ConnectionString))
{
    await connection.OpenAsync();
    await using (var scratch = new NpgsqlCommand("CREATE TABLE bench_scratch (id uuid PRIMARY KEY, display_name varchar(32), phone_cipher varchar(256), phone_hash varchar(64) UNIQUE)", connection))
    {
        await scratch.ExecuteNonQueryAsync();
    }

    var data = roster.Select(r => (Id: Guid.CreateVersion7(), r.Name, Cipher: Convert.ToBase64String(RandomNumberGenerator.GetBytes(60)), Hash: Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))).ToList();
    watch.Restart();
    await using (var w = await connection.BeginBinaryImportAsync("COPY bench_scratch (id, display_name, phone_cipher, phone_hash) FROM STDIN (FORMAT BINARY)"))
    {
        foreach (var d in data)
        {
            await w.StartRowAsync();
            await w.WriteAsync(d.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(d.Name!, NpgsqlDbType.Varchar);
            await w.WriteAsync(d.Cipher, NpgsqlDbType.Varchar);
            await w.WriteAsync(d.Hash, NpgsqlDbType.Varchar);
        }

        await w.CompleteAsync();
    }

    anchorMs = watch.Elapsed.TotalMilliseconds;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"import {rows} rows: {importMs:F0} ms; anchor raw COPY {rows} rows: {anchorMs:F0} ms; ratio {importMs / anchorMs:F1}"));
return importMs < 10_000 ? 0 : 1;

async Task<T> Scoped<T>(Func<PointsDbContext, Task<T>> work)
{
    await using var scope = sp.CreateAsyncScope();
    return await work(scope.ServiceProvider.GetRequiredService<PointsDbContext>());
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed class BenchEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Production";

    public string ApplicationName { get; set; } = "Points.Bench.Import";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
}
