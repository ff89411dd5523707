using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Activities with a guarded place counter, sign-ups (one per activity and resident) and waitlists.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000200_Activities")]
public sealed class M0002_Activities : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("activities", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            title = t.Text(64),
            description = t.Text(2000, nullable: true),
            category = t.Text(32),
            address = t.Text(200, nullable: true),
            latitude = t.Column<double>(nullable: true),
            longitude = t.Column<double>(nullable: true),
            starts_at = t.Instant(mb),
            ends_at = t.Instant(mb),
            sign_up_opens_at = t.Instant(mb),
            sign_up_closes_at = t.Instant(mb),
            cancellation_deadline = t.Instant(mb),
            capacity = t.Column<int>(),
            taken = t.Column<int>(),
            points = t.Column<int>(),
            eligibility = t.Text(32),
            status = t.Text(32),
            created_by = t.Id(),
            created_at = t.Instant(mb),
            updated_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_activities", x => x.id);
            t.CheckConstraint("ck_activities_taken_within_capacity", "taken >= 0 AND taken <= capacity");
            t.ForeignKey("fk_activities_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_activities_communities_community_id", x => x.community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_activities_community_id_starts_at", "activities", ["community_id", "starts_at"]);
        mb.CreateIndex("ix_activities_status_starts_at", "activities", ["status", "starts_at"]);
        mb.CreateIndex("ix_activities_town_id", "activities", "town_id");

        mb.CreateTable("sign_ups", t => new
        {
            id = t.Id(),
            activity_id = t.Id(),
            resident_id = t.Id(),
            status = t.Text(32),
            signed_up_at = t.Instant(mb),
            from_waitlist = t.Column<bool>(),
            cancelled_at = t.Instant(mb, nullable: true),
            cancelled_late = t.Column<bool>(),
            no_show = t.Column<bool>(),
            checked_in_at = t.Instant(mb, nullable: true),
            check_in_method = t.Text(32, nullable: true),
            checked_out_at = t.Instant(mb, nullable: true),
            attended_minutes = t.Column<int>(nullable: true),
            confirmed_at = t.Instant(mb, nullable: true),
            confirmed_by = t.Id(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_sign_ups", x => x.id);
            t.ForeignKey("fk_sign_ups_activities_activity_id", x => x.activity_id, "activities", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_sign_ups_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_sign_ups_activity_id_resident_id", "sign_ups", ["activity_id", "resident_id"], unique: true);
        mb.CreateIndex("ix_sign_ups_resident_id_signed_up_at", "sign_ups", ["resident_id", "signed_up_at"]);

        mb.CreateTable("waitlist_entries", t => new
        {
            id = t.Id(),
            activity_id = t.Id(),
            resident_id = t.Id(),
            joined_at = t.Instant(mb),
            status = t.Text(32),
            promoted_at = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_waitlist_entries", x => x.id);
            t.ForeignKey("fk_waitlist_entries_activities_activity_id", x => x.activity_id, "activities", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_waitlist_entries_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_waitlist_entries_activity_id_resident_id", "waitlist_entries", ["activity_id", "resident_id"], unique: true);
        mb.CreateIndex("ix_waitlist_entries_activity_id_status_joined_at", "waitlist_entries", ["activity_id", "status", "joined_at"]);
        mb.CreateIndex("ix_waitlist_entries_resident_id", "waitlist_entries", "resident_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "waitlist_entries", "sign_ups", "activities" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
