using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL binary COPY of entities into their table, every mapped column taken from the EF model (names, value
/// converters), so a column added to the entity is copied without touching this code. Runs on the context's
/// connection and inside its current transaction, if any. PostgreSQL only: SQLite inserts through EF.
/// </summary>
public static class BulkCopy
{
    public static async Task<ulong> WriteAsync<T>(PointsDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped");
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().ToArray();
        var columns = properties.Select(p => (Property: p, Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter, DbType: DbTypeOf(p.GetColumnType()))).ToArray();
        var sql = $"COPY \"{table.Name}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))}) FROM STDIN (FORMAT BINARY)";

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var importer = await connection.BeginBinaryImportAsync(sql, ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                foreach (var (_, getter, converter, dbType) in columns)
                {
                    var value = getter.GetClrValue(row);
                    if (value is not null && converter is not null)
                    {
                        value = converter.ConvertToProvider(value);
                    }

                    if (value is null)
                    {
                        await importer.WriteNullAsync(ct);
                    }
                    else
                    {
                        await importer.WriteAsync(value, dbType, ct);
                    }
                }
            }

            return await importer.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static NpgsqlDbType DbTypeOf(string columnType) => columnType switch
    {
        "uuid" => NpgsqlDbType.Uuid,
        "boolean" => NpgsqlDbType.Boolean,
        "smallint" => NpgsqlDbType.Smallint,
        "integer" => NpgsqlDbType.Integer,
        "bigint" => NpgsqlDbType.Bigint,
        "double precision" => NpgsqlDbType.Double,
        "real" => NpgsqlDbType.Real,
        "bytea" => NpgsqlDbType.Bytea,
        "jsonb" => NpgsqlDbType.Jsonb,
        "timestamp with time zone" => NpgsqlDbType.TimestampTz,
        "date" => NpgsqlDbType.Date,
        var t when t.StartsWith("numeric", StringComparison.Ordinal) => NpgsqlDbType.Numeric,
        var t when t.StartsWith("character varying", StringComparison.Ordinal) => NpgsqlDbType.Varchar,
        "text" => NpgsqlDbType.Text,
        _ => throw new NotSupportedException($"COPY of column type {columnType}"),
    };
}
