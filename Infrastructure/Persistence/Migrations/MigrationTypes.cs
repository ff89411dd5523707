using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Helpers that keep a migration provider-neutral (one set serves PostgreSQL and SQLite): a migration drafted
/// by <c>dotnet ef migrations add</c> has PostgreSQL's types written in, which these replace. Column types come
/// from each provider's CLR type mapping, except instants: SQLite keeps them as UTC ticks (see
/// PointsDbContext.ConfigureConventions).
/// </summary>
public static class MigrationTypes
{
    public static string Timestamp(this MigrationBuilder mb) =>
        mb.IsSqlite() ? "INTEGER" : "timestamp with time zone";

    public static OperationBuilder<AddColumnOperation> Instant(this ColumnsBuilder columns, MigrationBuilder mb, bool nullable = false) =>
        columns.Column<DateTimeOffset>(type: mb.Timestamp(), nullable: nullable);

    public static OperationBuilder<AddColumnOperation> Text(this ColumnsBuilder columns, int? maxLength = null, bool nullable = false) =>
        columns.Column<string>(maxLength: maxLength, nullable: nullable);

    public static OperationBuilder<AddColumnOperation> Id(this ColumnsBuilder columns, bool nullable = false) =>
        columns.Column<Guid>(nullable: nullable);
}
