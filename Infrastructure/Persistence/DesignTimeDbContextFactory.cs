using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// How <c>dotnet ef</c> builds the context: always on PostgreSQL, so the model snapshot
/// (<c>Migrations/PointsDbContextModelSnapshot.cs</c>) is PostgreSQL's model. <c>migrations add</c> and
/// <c>has-pending-model-changes</c> need no server; <c>database update</c> uses <c>POINTS_EF_PG</c>
/// (a connection string), else a local default. The SQLite side of a new migration comes from the helpers
/// in <see cref="Migrations.MigrationTypes"/> (see the README's Migrations section).
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PointsDbContext>
{
    public PointsDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("POINTS_EF_PG") ?? "Host=127.0.0.1;Database=points;Username=postgres";
        var options = new DbContextOptionsBuilder<PointsDbContext>();
        DatabaseSetup.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PointsDbContext(options.Options);
    }
}
