using Npgsql;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Persistence;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// What a U+0000 parameter does to a pooled, auto-preparing Npgsql connection (the settings DatabaseSetup applies),
/// on the real PostgreSQL: PostgreSQL refuses it at Bind (22021), and Npgsql 10.0.0 then answers the next use of
/// that statement on the same connection with "Received unexpected backend message DataRow".
/// </summary>
public sealed class NpgsqlAutoPrepareTests
{
    private static readonly string[] Sequence = ["x\u0000", "x\u0000", "x\u0000", "demo-bank", "demo-bank"];

    /// <summary>The upstream bug itself. When this fails, Npgsql fixed it: update the README note.</summary>
    [Fact]
    public async Task RawNpgsql_RefusedBindWhileAutoPreparing_PoisonsTheConnection()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.TunePostgres(TestServers.CreateDatabase())) { MaxPoolSize = 1 };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var setup = source.CreateCommand("CREATE TABLE bank (id serial PRIMARY KEY, client_id text NOT NULL); INSERT INTO bank (client_id) VALUES ('demo-bank')"))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var failures = new List<string>();
        foreach (var clientId in Sequence)
        {
            try
            {
                await using var command = source.CreateCommand("SELECT id, client_id FROM bank WHERE client_id = $1 LIMIT 1");
                command.Parameters.Add(new NpgsqlParameter { Value = clientId });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException || ex.GetType() == typeof(Exception))
            {
                failures.Add(clientId.Contains('\u0000') ? "nul" : ex.Message);
            }
        }

        Assert.Contains(failures, f => f.Contains("unexpected backend message", StringComparison.Ordinal));
    }
}
