using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// 一单一码: key premises with their public code (unique), the towns' versioned checklists per kind (unique on town,
/// kind and version) and their items, the monthly self-checks, the frozen month colours (one per premises and
/// month) and the follow-ups a red month brings (unique per premises, kind and month).
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002600_Premises")]
public sealed class M0026_Premises : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "premises",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                grid_id = table.Column<Guid>(nullable: true),
                name = table.Column<string>(maxLength: 64, nullable: false),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                address = table.Column<string>(maxLength: 200, nullable: false),
                code = table.Column<string>(maxLength: 10, nullable: false),
                responsible_resident_id = table.Column<Guid>(nullable: false),
                created_by = table.Column<Guid>(nullable: false),
                created_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "premises_checklists",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                version = table.Column<int>(nullable: false),
                published_by = table.Column<Guid>(nullable: false),
                published_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises_checklists", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "premises_follow_ups",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 24, nullable: false),
                premises_id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                grid_id = table.Column<Guid>(nullable: true),
                month = table.Column<string>(maxLength: 7, nullable: false),
                assignee_id = table.Column<Guid>(nullable: true),
                created_at = table.Instant(migrationBuilder),
                closed_at = table.Instant(migrationBuilder, nullable: true),
                closed_by = table.Column<Guid>(nullable: true),
                note = table.Column<string>(maxLength: 500, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises_follow_ups", x => x.id);
                table.ForeignKey(
                    name: "fk_premises_follow_ups_premises_premises_id",
                    column: x => x.premises_id,
                    principalTable: "premises",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "premises_months",
            columns: table => new
            {
                premises_id = table.Column<Guid>(nullable: false),
                month = table.Column<string>(maxLength: 7, nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                grid_id = table.Column<Guid>(nullable: true),
                colour = table.Column<string>(maxLength: 8, nullable: false),
                last_checked_at = table.Instant(migrationBuilder, nullable: true),
                closed_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises_months", x => new { x.premises_id, x.month });
                table.ForeignKey(
                    name: "fk_premises_months_premises_premises_id",
                    column: x => x.premises_id,
                    principalTable: "premises",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "premises_checklist_items",
            columns: table => new
            {
                checklist_id = table.Column<Guid>(nullable: false),
                index = table.Column<int>(nullable: false),
                text = table.Column<string>(maxLength: 100, nullable: false),
                critical = table.Column<bool>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises_checklist_items", x => new { x.checklist_id, x.index });
                table.ForeignKey(
                    name: "fk_premises_checklist_items_premises_checklists_checklist_id",
                    column: x => x.checklist_id,
                    principalTable: "premises_checklists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "premises_self_checks",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                premises_id = table.Column<Guid>(nullable: false),
                month = table.Column<string>(maxLength: 7, nullable: false),
                checklist_id = table.Column<Guid>(nullable: false),
                checklist_version = table.Column<int>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                answers = table.Column<string>(maxLength: 50, nullable: false),
                photo_ids = table.Column<string>(maxLength: 400, nullable: false),
                colour = table.Column<string>(maxLength: 8, nullable: false),
                checked_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_premises_self_checks", x => x.id);
                table.ForeignKey(
                    name: "fk_premises_self_checks_premises_checklists_checklist_id",
                    column: x => x.checklist_id,
                    principalTable: "premises_checklists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "fk_premises_self_checks_premises_premises_id",
                    column: x => x.premises_id,
                    principalTable: "premises",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: "ix_premises_code",
            table: "premises",
            column: "code",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_premises_responsible_resident_id",
            table: "premises",
            column: "responsible_resident_id");

        migrationBuilder.CreateIndex(
            name: "ix_premises_town_id_community_id_grid_id",
            table: "premises",
            columns: new[] { "town_id", "community_id", "grid_id" });

        migrationBuilder.CreateIndex(
            name: "ix_premises_checklists_town_id_kind_version",
            table: "premises_checklists",
            columns: new[] { "town_id", "kind", "version" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_premises_follow_ups_premises_id_kind_month",
            table: "premises_follow_ups",
            columns: new[] { "premises_id", "kind", "month" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_premises_follow_ups_town_id_kind_closed_at",
            table: "premises_follow_ups",
            columns: new[] { "town_id", "kind", "closed_at" });

        migrationBuilder.CreateIndex(
            name: "ix_premises_months_town_id_month",
            table: "premises_months",
            columns: new[] { "town_id", "month" });

        migrationBuilder.CreateIndex(
            name: "ix_premises_self_checks_checklist_id",
            table: "premises_self_checks",
            column: "checklist_id");

        migrationBuilder.CreateIndex(
            name: "ix_premises_self_checks_premises_id_month_checked_at",
            table: "premises_self_checks",
            columns: new[] { "premises_id", "month", "checked_at" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "premises_checklist_items");

        migrationBuilder.DropTable(
            name: "premises_follow_ups");

        migrationBuilder.DropTable(
            name: "premises_months");

        migrationBuilder.DropTable(
            name: "premises_self_checks");

        migrationBuilder.DropTable(
            name: "premises_checklists");

        migrationBuilder.DropTable(
            name: "premises");
    }
}
