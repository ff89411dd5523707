using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Four levels of grid and hazard reports with an assignee and a clock: micro-grids under grids, grid workers'
/// assignments, a resident's micro-grid, a town's hazard settings, and on each hazard report its urgency, level,
/// assignee, deadlines, acceptance/closing instants and the reporter's rating. Reports already filed get green
/// urgency at the grid level with both deadlines at their report time (no escalation is scheduled for them).
/// No foreign key on <c>users.micro_grid_id</c>: SQLite cannot add one to an existing table; the endpoint checks it.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002200_Grids")]
public sealed class M0022_Grids : Migration
{
    private static readonly string[] HazardInstants = ["accepted_at", "closed_at", "escalate_at", "rated_at"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<Guid>("micro_grid_id", "users", nullable: true);
        mb.AddColumn<string>("hazard_settings_json", "towns", maxLength: 8000, nullable: true);

        mb.AddColumn<DateTimeOffset>("accept_due_at", "hazard_reports", type: mb.Timestamp(), nullable: false, defaultValue: DateTimeOffset.UnixEpoch);
        mb.AddColumn<DateTimeOffset>("close_due_at", "hazard_reports", type: mb.Timestamp(), nullable: false, defaultValue: DateTimeOffset.UnixEpoch);
        foreach (var column in HazardInstants)
        {
            mb.AddColumn<DateTimeOffset>(column, "hazard_reports", type: mb.Timestamp(), nullable: true);
        }

        mb.AddColumn<Guid>("assignee_id", "hazard_reports", nullable: true);
        mb.AddColumn<string>("level", "hazard_reports", maxLength: 16, nullable: false, defaultValue: "Grid");
        mb.AddColumn<string>("urgency", "hazard_reports", maxLength: 16, nullable: false, defaultValue: "Green");
        mb.AddColumn<string>("urgency_reason", "hazard_reports", maxLength: 500, nullable: true);
        mb.AddColumn<string>("rating", "hazard_reports", maxLength: 32, nullable: true);
        mb.AddColumn<string>("rating_comment", "hazard_reports", maxLength: 500, nullable: true);
        mb.AddColumn<bool>("reopened", "hazard_reports", nullable: false, defaultValue: false);
        mb.Sql("UPDATE hazard_reports SET accept_due_at = reported_at, close_due_at = reported_at");

        mb.CreateTable(
            name: "grid_assignments",
            columns: t => new
            {
                grid_id = t.Column<Guid>(nullable: false),
                worker_id = t.Column<Guid>(nullable: false),
                assigned_at = t.Instant(mb),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_grid_assignments", x => new { x.grid_id, x.worker_id });
                t.ForeignKey("fk_grid_assignments_grids_grid_id", x => x.grid_id, "grids", "id", onDelete: ReferentialAction.Cascade);
                t.ForeignKey("fk_grid_assignments_users_worker_id", x => x.worker_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });

        mb.CreateTable(
            name: "micro_grids",
            columns: t => new
            {
                id = t.Column<Guid>(nullable: false),
                town_id = t.Column<Guid>(nullable: false),
                community_id = t.Column<Guid>(nullable: false),
                grid_id = t.Column<Guid>(nullable: false),
                name = t.Column<string>(maxLength: 64, nullable: false),
                kind = t.Column<string>(maxLength: 32, nullable: false),
                leader_id = t.Column<Guid>(nullable: true),
                created_at = t.Instant(mb),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_micro_grids", x => x.id);
                t.ForeignKey("fk_micro_grids_communities_community_id", x => x.community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
                t.ForeignKey("fk_micro_grids_grids_grid_id", x => x.grid_id, "grids", "id", onDelete: ReferentialAction.Restrict);
                t.ForeignKey("fk_micro_grids_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
                t.ForeignKey("fk_micro_grids_users_leader_id", x => x.leader_id, "users", "id", onDelete: ReferentialAction.Restrict);
            });

        mb.CreateIndex("ix_users_micro_grid_id", "users", "micro_grid_id");
        mb.CreateIndex("ix_hazard_reports_assignee_id", "hazard_reports", "assignee_id");
        mb.CreateIndex("ix_hazard_reports_escalate_at", "hazard_reports", "escalate_at");
        mb.CreateIndex("ix_hazard_reports_grid_id_status", "hazard_reports", ["grid_id", "status"]);
        mb.CreateIndex("ix_hazard_reports_town_id_reported_at", "hazard_reports", ["town_id", "reported_at"]);
        mb.CreateIndex("ix_grid_assignments_worker_id", "grid_assignments", "worker_id");
        mb.CreateIndex("ix_micro_grids_community_id", "micro_grids", "community_id");
        mb.CreateIndex("ix_micro_grids_grid_id_name", "micro_grids", ["grid_id", "name"], unique: true);
        mb.CreateIndex("ix_micro_grids_leader_id", "micro_grids", "leader_id");
        mb.CreateIndex("ix_micro_grids_town_id", "micro_grids", "town_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.DropTable("grid_assignments");
        mb.DropTable("micro_grids");
        mb.DropIndex("ix_users_micro_grid_id", "users");
        mb.DropIndex("ix_hazard_reports_assignee_id", "hazard_reports");
        mb.DropIndex("ix_hazard_reports_escalate_at", "hazard_reports");
        mb.DropIndex("ix_hazard_reports_grid_id_status", "hazard_reports");
        mb.DropIndex("ix_hazard_reports_town_id_reported_at", "hazard_reports");
        mb.DropColumn("micro_grid_id", "users");
        mb.DropColumn("hazard_settings_json", "towns");
        foreach (var column in (string[])["accept_due_at", "close_due_at", .. HazardInstants, "assignee_id", "level", "urgency", "urgency_reason", "rating", "rating_comment", "reopened"])
        {
            mb.DropColumn(column, "hazard_reports");
        }
    }
}
