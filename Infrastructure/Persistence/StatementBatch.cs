using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// A few writes that must commit together, sent in as few round trips as the provider allows: on
/// PostgreSQL one batch (Npgsql runs a batch outside an explicit transaction as one implicit
/// transaction: the first error skips the rest and rolls back the earlier statements); elsewhere one
/// explicit transaction, statement by statement. The SQL is plain INSERT and UPDATE built from the EF
/// model (table and column names, each property's provider type mapping and value converter), so the
/// hot path follows the model and stays provider-neutral. Correctness rests on constraints, not on
/// row counts: a statement that must not succeed is refused by a unique index or a check constraint,
/// which aborts the whole batch.
/// </summary>
public sealed class StatementBatch(PointsDbContext db)
{
    private static readonly ConcurrentDictionary<(Type, string), string> InsertSql = new();
    private static readonly ConcurrentDictionary<(string Template, string FirstPlaceholder), string> Rendered = new();

    /// <summary>Statements keep parameter slots (<c>{0}</c>, <c>{1}</c>…) until execution, which renders them for the provider.</summary>
    private readonly List<(string Sql, List<(IProperty Property, object? Value)> Parameters)> _statements = [];
    private readonly ISqlGenerationHelper _sql = db.GetService<ISqlGenerationHelper>();

    public int Count => _statements.Count;

    /// <summary>INSERT of every mapped column of <paramref name="entity"/>.</summary>
    public StatementBatch Insert<T>(T entity)
        where T : class
    {
        var type = Entity<T>();
        var properties = type.GetProperties().ToArray();
        var sql = InsertSql.GetOrAdd((typeof(T), db.Database.ProviderName ?? string.Empty), _ =>
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = string.Join(", ", properties.Select(p => _sql.DelimitIdentifier(p.GetColumnName(table)!)));
            var values = string.Join(", ", properties.Select((_, i) => Slot(i)));
            return $"INSERT INTO {_sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema())} ({columns}) VALUES ({values})";
        });
        _statements.Add((sql, [.. properties.Select(p => (p, p.GetGetter().GetClrValue(entity)))]));
        return this;
    }

    /// <summary>
    /// <c>UPDATE table SET column = column + delta WHERE key = id</c>: an increment that cannot lose a
    /// concurrent update; a check constraint on the column refuses the whole batch if it would break.
    /// </summary>
    public StatementBatch Increment<T>(Guid id, string property, long delta)
        where T : class
    {
        var type = Entity<T>();
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var key = type.FindPrimaryKey()!.Properties.Single();
        var column = type.FindProperty(property)!;
        var c = _sql.DelimitIdentifier(column.GetColumnName(table)!);
        _statements.Add((
            $"UPDATE {_sql.DelimitIdentifier(table.Name, table.Schema)} SET {c} = {c} + {Slot(0)} WHERE {_sql.DelimitIdentifier(key.GetColumnName(table)!)} = {Slot(1)}",
            [(column, delta), (key, id)]));
        return this;
    }

    /// <summary><c>UPDATE table SET a = @a, b = @b WHERE key = id</c>.</summary>
    public StatementBatch Set<T>(Guid id, params (string Property, object? Value)[] values)
        where T : class
    {
        var type = Entity<T>();
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var key = type.FindPrimaryKey()!.Properties.Single();
        var parameters = values.Select(v => (type.FindProperty(v.Property)!, v.Value)).ToList();
        var assignments = string.Join(", ", parameters.Select((p, i) => $"{_sql.DelimitIdentifier(p.Item1.GetColumnName(table)!)} = {Slot(i)}"));
        parameters.Add((key, id));
        _statements.Add(($"UPDATE {_sql.DelimitIdentifier(table.Name, table.Schema)} SET {assignments} WHERE {_sql.DelimitIdentifier(key.GetColumnName(table)!)} = {Slot(parameters.Count - 1)}", parameters));
        return this;
    }

    /// <summary>Runs every statement atomically and returns the rows each affected. A refused statement throws the provider's exception and nothing is written.</summary>
    public async Task<int[]> ExecuteAsync(CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("a statement batch runs in its own transaction");
        }

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var factory = connection.CreateCommand();
            if (connection is NpgsqlConnection && connection.CanCreateBatch)
            {
                await using var batch = connection.CreateBatch();
                // Positional parameters ($1, $2…): Npgsql sends the text as is, and equal statements share one prepared statement.
                foreach (var (sql, parameters) in _statements)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = Render(sql, parameters.Count, i => "$" + (i + 1).ToString(CultureInfo.InvariantCulture));
                    foreach (var p in parameters)
                    {
                        command.Parameters.Add(Parameter(factory, p, string.Empty));
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(ct);
                return [.. batch.BatchCommands.Select(c => c.RecordsAffected)];
            }

            var rows = new int[_statements.Count];
            await using var tx = await connection.BeginTransactionAsync(ct);
            for (var i = 0; i < _statements.Count; i++)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = tx;
                var (sql, parameters) = _statements[i];
                command.CommandText = Render(sql, parameters.Count, k => _sql.GenerateParameterNamePlaceholder(Name(k)));
                for (var k = 0; k < parameters.Count; k++)
                {
                    command.Parameters.Add(Parameter(factory, parameters[k], _sql.GenerateParameterName(Name(k))));
                }

                rows[i] = await command.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Slot(int index) => "{" + index.ToString(CultureInfo.InvariantCulture) + "}";

    private static string Name(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The template with its slots replaced, once per template and style.</summary>
    private static string Render(string sql, int count, Func<int, string> placeholder) =>
        Rendered.GetOrAdd((sql, placeholder(0)), _ =>
        {
            for (var i = 0; i < count; i++)
            {
                sql = sql.Replace(Slot(i), placeholder(i), StringComparison.Ordinal);
            }

            return sql;
        });

    private static DbParameter Parameter(DbCommand factory, (IProperty Property, object? Value) p, string name) =>
        p.Property.GetRelationalTypeMapping().CreateParameter(factory, name, p.Value, p.Property.IsNullable);

    private IEntityType Entity<T>() => db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped");
}
