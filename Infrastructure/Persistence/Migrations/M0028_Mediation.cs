using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// 老娘舅 mediation: the town's volunteer mediators (one record per resident), the mediation requests with their
/// course, outcome, confirmation and award (a version column for optimistic concurrency), and the anonymised case
/// library of closed cases.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002800_Mediation")]
public sealed class M0028_Mediation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "mediation_case_library",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                outcome = table.Column<string>(maxLength: 16, nullable: false),
                visits = table.Column<int>(nullable: false),
                situation = table.Column<string>(maxLength: 1000, nullable: false),
                settlement = table.Column<string>(maxLength: 1000, nullable: false),
                agreed = table.Column<bool>(nullable: false),
                closed_month = table.Column<string>(maxLength: 7, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_mediation_case_library", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "mediation_requests",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                requester_id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                description = table.Column<string>(maxLength: 1000, nullable: false),
                other_party = table.Column<string>(maxLength: 100, nullable: true),
                other_party_resident_id = table.Column<Guid>(nullable: true),
                status = table.Column<string>(maxLength: 32, nullable: false),
                mediator_id = table.Column<Guid>(nullable: true),
                dispatched_by = table.Column<Guid>(nullable: true),
                dispatched_at = table.Instant(migrationBuilder, nullable: true),
                accepted_at = table.Instant(migrationBuilder, nullable: true),
                declines = table.Column<int>(nullable: false),
                visits = table.Column<int>(nullable: false),
                outcome = table.Column<string>(maxLength: 16, nullable: true),
                summary = table.Column<string>(maxLength: 1000, nullable: true),
                outcome_at = table.Instant(migrationBuilder, nullable: true),
                requester_confirmed_at = table.Instant(migrationBuilder, nullable: true),
                other_party_confirmed_at = table.Instant(migrationBuilder, nullable: true),
                reopens = table.Column<int>(nullable: false),
                confirmed = table.Column<bool>(nullable: true),
                closed_at = table.Instant(migrationBuilder, nullable: true),
                awarded_points = table.Column<int>(nullable: true),
                created_at = table.Instant(migrationBuilder),
                version = table.Column<int>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_mediation_requests", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "mediators",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                areas = table.Column<string>(maxLength: 1850, nullable: false),
                kinds = table.Column<string>(maxLength: 64, nullable: false),
                is_active = table.Column<bool>(nullable: false),
                created_by = table.Column<Guid>(nullable: false),
                created_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_mediators", x => x.id);
            });

        migrationBuilder.CreateIndex(
            name: "ix_mediation_case_library_town_id_kind_closed_month",
            table: "mediation_case_library",
            columns: new[] { "town_id", "kind", "closed_month" });

        migrationBuilder.CreateIndex(
            name: "ix_mediation_requests_mediator_id_status",
            table: "mediation_requests",
            columns: new[] { "mediator_id", "status" });

        migrationBuilder.CreateIndex(
            name: "ix_mediation_requests_other_party_resident_id",
            table: "mediation_requests",
            column: "other_party_resident_id");

        migrationBuilder.CreateIndex(
            name: "ix_mediation_requests_requester_id",
            table: "mediation_requests",
            column: "requester_id");

        migrationBuilder.CreateIndex(
            name: "ix_mediation_requests_town_id_community_id_status",
            table: "mediation_requests",
            columns: new[] { "town_id", "community_id", "status" });

        migrationBuilder.CreateIndex(
            name: "ix_mediators_resident_id",
            table: "mediators",
            column: "resident_id",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_mediators_town_id_is_active",
            table: "mediators",
            columns: new[] { "town_id", "is_active" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "mediation_case_library");

        migrationBuilder.DropTable(
            name: "mediation_requests");

        migrationBuilder.DropTable(
            name: "mediators");
    }
}
