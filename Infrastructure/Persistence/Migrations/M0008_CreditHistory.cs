using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Credit history: sign-ups keep when a no-show was recorded (a later correction to attended no longer
/// erases it, so features as of an earlier date see the record as it stood), and credit profiles get an
/// index on as_of for the retention job, which works through old history one calendar month at a time.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000800_CreditHistory")]
public sealed class M0008_CreditHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<DateTimeOffset>("no_show_at", "sign_ups", type: mb.Timestamp(), nullable: true);
        mb.Sql("UPDATE sign_ups SET no_show_at = confirmed_at WHERE status = 'NoShow'");
        mb.CreateIndex("ix_credit_profiles_as_of", "credit_profiles", "as_of");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_credit_profiles_as_of", "credit_profiles");
        migrationBuilder.DropColumn("no_show_at", "sign_ups");
    }
}
