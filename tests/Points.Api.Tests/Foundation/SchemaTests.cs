using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Foundation;

public sealed class SchemaTests
{
    private static PointsDbContext NewContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PointsDbContext>();
        DatabaseSetup.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PointsDbContext(options.Options);
    }

    [Fact]
    public async Task Migrations_FromFirstWithData_UpgradeToLatestKeepingData()
    {
        var cs = TestServers.CreateDatabase();
        await using var db = NewContext(cs);
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);

        await migrator.MigrateAsync(all[0]);
        Assert.Equal([all[0]], (await db.Database.GetAppliedMigrationsAsync()).ToList());

        var town = Guid.NewGuid();
        var community = Guid.NewGuid();
        var resident = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync($"INSERT INTO towns (id, name, points_per_yuan, market_days, daily_earning_cap, refund_window_days) VALUES ({town}, '升级镇', 50, '25', 200, 7)");
        await db.Database.ExecuteSqlAsync($"INSERT INTO communities (id, town_id, name) VALUES ({community}, {town}, '升级村')");
        await db.Database.ExecuteSqlAsync($"INSERT INTO users (id, role, display_name, town_id, community_id, we_chat_open_id, failed_login_count, created_at, honor_roll_opt_out, is_active) VALUES ({resident}, 'Resident', '老王', {town}, {community}, 'upgrade-openid', 0, now(), false, true)");

        var family = Guid.NewGuid();
        var (used, live) = (Guid.NewGuid(), Guid.NewGuid());
        await db.Database.ExecuteSqlAsync($"INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at, used_at) VALUES ({used}, {resident}, {family}, {new string('a', 64)}, now() - interval '1 hour', now() + interval '29 days', now())");
        await db.Database.ExecuteSqlAsync($"INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at) VALUES ({live}, {resident}, {family}, {new string('b', 64)}, now(), now() + interval '30 days')");

        await migrator.MigrateAsync();

        Assert.Equal(all, (await db.Database.GetAppliedMigrationsAsync()).ToList());
        var carried = await db.RefreshTokenFamilies.AsNoTracking().SingleAsync(f => f.Id == family);
        Assert.Equal((live, resident), (carried.CurrentTokenId, carried.UserId));
        Assert.Null(carried.RevokedAt);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == resident);
        Assert.Equal("老王", user.DisplayName);
        Assert.Equal(community, user.CommunityId);
        Assert.Equal("升级村", (await db.Communities.AsNoTracking().SingleAsync(c => c.Id == community)).Name);
    }

    [Fact]
    public async Task Migrations_Latest_MatchTheModelColumnForColumn()
    {
        var cs = TestServers.CreateDatabase();
        await using var db = NewContext(cs);
        await db.Database.MigrateAsync();

        var columns = new Dictionary<(string Table, string Column), bool>();
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2) == "YES";
            }
        }

        var problems = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null))
        {
            var table = entity.GetTableName()!;
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store);
                if (column is null)
                {
                    continue;
                }

                if (!columns.TryGetValue((table, column), out var nullable))
                {
                    problems.Add($"{table}.{column} is mapped but no migration creates it");
                }
                else if (nullable != property.IsColumnNullable(store))
                {
                    problems.Add($"{table}.{column} nullability differs: model {property.IsColumnNullable(store)}, database {nullable}");
                }
            }
        }

        var mappedTables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).ToHashSet();
        foreach (var table in columns.Keys.Select(k => k.Table).Distinct().Where(t => !t.StartsWith("__", StringComparison.Ordinal)))
        {
            if (!mappedTables.Contains(table))
            {
                problems.Add($"table {table} exists but is not mapped");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // Every mapped entity can actually be queried (types and names line up).
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.ClrType.IsClass))
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(db, null)!;
            _ = await set.Take(1).ToListAsync();
        }
    }

    [Fact]
    public async Task Migrations_OnSqlite_ApplyAndQuery()
    {
        var path = Path.Combine(Path.GetTempPath(), $"points-schema-{Guid.NewGuid():N}.db");
        var options = new DbContextOptionsBuilder<PointsDbContext>();
        DatabaseSetup.Configure(options, DatabaseProvider.Sqlite, $"Data Source={path}");
        await using var db = new PointsDbContext(options.Options);

        await db.Database.MigrateAsync();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.ClrType.IsClass))
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(db, null)!;
            _ = await set.Take(1).ToListAsync();
        }
    }
}
