using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>A resident's community changes only through a request that staff of the destination decide.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202001700_CommunityMoves")]
public sealed class M0017_CommunityMoves : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("community_moves", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            town_id = t.Id(),
            from_community_id = t.Id(nullable: true),
            to_community_id = t.Id(),
            to_grid_id = t.Id(nullable: true),
            status = t.Text(16),
            requested_at = t.Instant(mb),
            decided_by = t.Id(nullable: true),
            decided_at = t.Instant(mb, nullable: true),
            note = t.Text(200, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_community_moves", x => x.id);
            t.ForeignKey("fk_community_moves_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_community_moves_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_community_moves_communities_from_community_id", x => x.from_community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_community_moves_communities_to_community_id", x => x.to_community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_community_moves_grids_to_grid_id", x => x.to_grid_id, "grids", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_community_moves_resident_id_status", "community_moves", ["resident_id", "status"]);
        mb.CreateIndex("ix_community_moves_to_community_id_status", "community_moves", ["to_community_id", "status"]);
        mb.CreateIndex("ix_community_moves_from_community_id", "community_moves", "from_community_id");
        mb.CreateIndex("ix_community_moves_town_id", "community_moves", "town_id");
        mb.CreateIndex("ix_community_moves_to_grid_id", "community_moves", "to_grid_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("community_moves");
}
