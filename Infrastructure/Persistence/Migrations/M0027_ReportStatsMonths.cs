using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Frozen monthly report figures (统计月结): one row per town, month, community and grid, written once the month is
/// over and read ever after, so a past month's statistics never move. Unique on the four, so a month freezes once.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002700_ReportStatsMonths")]
public sealed class M0027_ReportStatsMonths : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "report_stats_months",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                month = table.Column<string>(maxLength: 7, nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                grid_id = table.Column<Guid>(nullable: false),
                received = table.Column<int>(nullable: false),
                accepted_on_time = table.Column<int>(nullable: false),
                closed_on_time = table.Column<int>(nullable: false),
                closed = table.Column<int>(nullable: false),
                rated = table.Column<int>(nullable: false),
                satisfied = table.Column<int>(nullable: false),
                frozen_at = table.Instant(migrationBuilder)
            },
            constraints: table => table.PrimaryKey("pk_report_stats_months", x => x.id));

        migrationBuilder.CreateIndex(
            name: "ix_report_stats_months_town_id_month_community_id_grid_id",
            table: "report_stats_months",
            columns: ["town_id", "month", "community_id", "grid_id"],
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "report_stats_months");
}
