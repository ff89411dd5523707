using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// Npgsql 10.0.0 with auto-prepare loses track of a statement whose preparing execution PostgreSQL refused with a data
/// error (class 22, e.g. 22021 for a U+0000 parameter): the pooled connection then answers a later statement with
/// "Received unexpected backend message DataRow". The edge refuses control characters, so this should never fire;
/// if another data error gets through, the pool is cleared so the poisoned connection is closed when it comes back
/// instead of being handed to the next caller. The cost is a reconnect of idle connections, once per such error.
/// </summary>
public sealed class PoisonedConnectionGuard : DbCommandInterceptor
{
    public static readonly PoisonedConnectionGuard Instance = new();

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        Guard(command, eventData.Exception);
        base.CommandFailed(command, eventData);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Guard(command, eventData.Exception);
        return base.CommandFailedAsync(command, eventData, cancellationToken);
    }

    public static bool IsDataException(Exception exception) =>
        exception is PostgresException { SqlState: [ '2', '2', _, _, _ ] };

    private static void Guard(DbCommand command, Exception exception)
    {
        if (IsDataException(exception) && command.Connection is NpgsqlConnection connection)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
