using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Sign-ups keep when the resident first cancelled late. Signing up again used to clear <c>cancelled_late</c> and
/// <c>cancelled_at</c>, so the late cancellation disappeared from the credit features; <c>late_cancelled_at</c> is
/// never cleared. Existing late cancellations are copied over.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000900_LateCancelHistory")]
public sealed class M0009_LateCancelHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<DateTimeOffset>("late_cancelled_at", "sign_ups", type: mb.Timestamp(), nullable: true);
        mb.Sql("UPDATE sign_ups SET late_cancelled_at = cancelled_at WHERE cancelled_late");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("late_cancelled_at", "sign_ups");
    }
}
