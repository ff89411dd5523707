using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// The EF model snapshot (what <c>dotnet ef migrations add</c> diffs the model against) is the model the hand-written
/// migrations build. If it were not, the next generated migration would carry changes nobody asked for, or miss some.
/// Together with <see cref="SchemaTests"/> (the migrated schema is the model, column for column) this says: a database
/// created by today's migrations upgrades to the next generated migration without a spurious change.
/// </summary>
public sealed class ModelSnapshotTests
{
    private static PointsDbContext NewContext(DatabaseProvider provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<PointsDbContext>();
        DatabaseSetup.Configure(options, provider, connectionString);
        return new PointsDbContext(options.Options);
    }

    /// <summary>What <c>dotnet ef migrations has-pending-model-changes</c> computes: the snapshot against the design-time model.</summary>
    private static IReadOnlyList<MigrationOperation> SnapshotToModel(PointsDbContext db)
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot;
        Assert.NotNull(snapshot);
        Assert.Equal("PointsDbContextModelSnapshot", snapshot.GetType().Name);
        IModel model = snapshot.Model is IMutableModel mutable ? mutable.FinalizeModel() : snapshot.Model;
        model = db.GetService<IModelRuntimeInitializer>().Initialize(model, designTime: true);
        return db.GetService<IMigrationsModelDiffer>().GetDifferences(model.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());
    }

    private static string Describe(MigrationOperation op) => op switch
    {
        ColumnOperation c => $"{op.GetType().Name} {c.Table}.{c.Name} {c.ColumnType} null={c.IsNullable}",
        TableOperation t => $"{op.GetType().Name} {t.Name}",
        _ => op.GetType().Name,
    };

    [Fact]
    public async Task Snapshot_OnPostgres_IsTheModelOfTheMigratedDatabase()
    {
        await using var db = NewContext(DatabaseProvider.Postgres, TestServers.CreateDatabase());
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Empty(SnapshotToModel(db).Select(Describe));
        Assert.False(db.Database.HasPendingModelChanges());
    }

    /// <summary>
    /// The snapshot is PostgreSQL's (the design-time factory). On SQLite the same tables, columns, nullability, lengths,
    /// keys, indexes and foreign keys must come out; only the store types differ (SQLite's own, and instants as ticks).
    /// </summary>
    [Fact]
    public async Task Snapshot_OnSqlite_DiffersFromTheModelInStoreTypesOnly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"points-snapshot-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = NewContext(DatabaseProvider.Sqlite, $"Data Source={path}");
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());

            var operations = SnapshotToModel(db);
            var typeOnly = operations.OfType<AlterColumnOperation>().Where(a =>
                a.IsNullable == a.OldColumn.IsNullable && a.MaxLength == a.OldColumn.MaxLength && Equals(a.DefaultValue, a.OldColumn.DefaultValue)
                && a.DefaultValueSql == a.OldColumn.DefaultValueSql && a.ComputedColumnSql == a.OldColumn.ComputedColumnSql).ToList();
            Assert.Empty(operations.Except(typeOnly).Select(Describe));

            // The instants are the store-type change that matters: PostgreSQL's timestamptz, SQLite's UTC ticks.
            Assert.Contains(typeOnly, a => a.ClrType == typeof(long) && a.OldColumn.ClrType == typeof(DateTimeOffset));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void DesignTimeFactory_BuildsThePostgresContext()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);

        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.False(db.Database.HasPendingModelChanges());
    }
}
