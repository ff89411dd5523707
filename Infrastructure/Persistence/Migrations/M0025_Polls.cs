using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// 议事: residents' proposals, polls of a community or grid with their options, and votes (unique on poll and voter
/// key — a resident, or a household — so a poll counts each voter once whatever the clicks race) with the options
/// chosen; and the door number on residents that makes a household of a micro-grid.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002500_Polls")]
public sealed class M0025_Polls : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "household_room",
            table: "users",
            maxLength: 32,
            nullable: true);

        migrationBuilder.CreateTable(
            name: "polls",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                grid_id = table.Column<Guid>(nullable: true),
                title = table.Column<string>(maxLength: 64, nullable: false),
                description = table.Column<string>(maxLength: 1000, nullable: true),
                opens_at = table.Instant(migrationBuilder),
                closes_at = table.Instant(migrationBuilder),
                multiple_choice = table.Column<bool>(nullable: false),
                one_per = table.Column<string>(maxLength: 16, nullable: false),
                live_results = table.Column<bool>(nullable: false),
                points = table.Column<int>(nullable: true),
                eligible = table.Column<int>(nullable: false),
                proposal_id = table.Column<Guid>(nullable: true),
                created_by = table.Column<Guid>(nullable: false),
                created_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_polls", x => x.id);
                table.CheckConstraint("ck_polls_window", "closes_at > opens_at");
                table.ForeignKey(
                    name: "fk_polls_communities_community_id",
                    column: x => x.community_id,
                    principalTable: "communities",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "proposals",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                community_id = table.Column<Guid>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                title = table.Column<string>(maxLength: 64, nullable: false),
                content = table.Column<string>(maxLength: 2000, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                answer = table.Column<string>(maxLength: 1064, nullable: true),
                handled_by = table.Column<Guid>(nullable: true),
                handled_at = table.Instant(migrationBuilder, nullable: true),
                poll_id = table.Column<Guid>(nullable: true),
                created_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_proposals", x => x.id);
                table.ForeignKey(
                    name: "fk_proposals_communities_community_id",
                    column: x => x.community_id,
                    principalTable: "communities",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "poll_options",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                poll_id = table.Column<Guid>(nullable: false),
                position = table.Column<int>(nullable: false),
                text = table.Column<string>(maxLength: 64, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_poll_options", x => x.id);
                table.ForeignKey(
                    name: "fk_poll_options_polls_poll_id",
                    column: x => x.poll_id,
                    principalTable: "polls",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "poll_votes",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                poll_id = table.Column<Guid>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                voter_key = table.Column<string>(maxLength: 80, nullable: false),
                created_at = table.Instant(migrationBuilder),
                awarded_points = table.Column<int>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_poll_votes", x => x.id);
                table.ForeignKey(
                    name: "fk_poll_votes_polls_poll_id",
                    column: x => x.poll_id,
                    principalTable: "polls",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "poll_vote_choices",
            columns: table => new
            {
                vote_id = table.Column<Guid>(nullable: false),
                option_id = table.Column<Guid>(nullable: false),
                poll_id = table.Column<Guid>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_poll_vote_choices", x => new { x.vote_id, x.option_id });
                table.ForeignKey(
                    name: "fk_poll_vote_choices_poll_options_option_id",
                    column: x => x.option_id,
                    principalTable: "poll_options",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "fk_poll_vote_choices_poll_votes_vote_id",
                    column: x => x.vote_id,
                    principalTable: "poll_votes",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "ix_poll_options_poll_id_position",
            table: "poll_options",
            columns: new[] { "poll_id", "position" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_poll_vote_choices_option_id",
            table: "poll_vote_choices",
            column: "option_id");

        migrationBuilder.CreateIndex(
            name: "ix_poll_vote_choices_poll_id_option_id",
            table: "poll_vote_choices",
            columns: new[] { "poll_id", "option_id" });

        migrationBuilder.CreateIndex(
            name: "ix_poll_votes_poll_id_voter_key",
            table: "poll_votes",
            columns: new[] { "poll_id", "voter_key" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_poll_votes_resident_id_poll_id",
            table: "poll_votes",
            columns: new[] { "resident_id", "poll_id" });

        migrationBuilder.CreateIndex(
            name: "ix_polls_community_id_closes_at",
            table: "polls",
            columns: new[] { "community_id", "closes_at" });

        migrationBuilder.CreateIndex(
            name: "ix_polls_town_id_created_at",
            table: "polls",
            columns: new[] { "town_id", "created_at" });

        migrationBuilder.CreateIndex(
            name: "ix_proposals_community_id_status_created_at",
            table: "proposals",
            columns: new[] { "community_id", "status", "created_at" });

        migrationBuilder.CreateIndex(
            name: "ix_proposals_resident_id_created_at",
            table: "proposals",
            columns: new[] { "resident_id", "created_at" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "poll_vote_choices");

        migrationBuilder.DropTable(
            name: "proposals");

        migrationBuilder.DropTable(
            name: "poll_options");

        migrationBuilder.DropTable(
            name: "poll_votes");

        migrationBuilder.DropTable(
            name: "polls");

        migrationBuilder.DropColumn(
            name: "household_room",
            table: "users");
    }
}
