using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>The notification outbox: rows written with the change that causes them, drained by a job.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000210_Notifications")]
public sealed class M0003_Notifications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("notifications", t => new
        {
            id = t.Id(),
            recipient_id = t.Id(),
            kind = t.Text(32),
            payload_json = t.Text(4000),
            dedupe_key = t.Text(200),
            status = t.Text(32),
            attempts = t.Column<int>(),
            next_attempt_at = t.Instant(mb),
            claim_token = t.Id(nullable: true),
            last_error = t.Text(500, nullable: true),
            created_at = t.Instant(mb),
            sent_at = t.Instant(mb, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_notifications", x => x.id));
        mb.CreateIndex("ix_notifications_dedupe_key", "notifications", "dedupe_key", unique: true);
        mb.CreateIndex("ix_notifications_status_next_attempt_at", "notifications", ["status", "next_attempt_at"]);
        mb.CreateIndex("ix_notifications_recipient_id", "notifications", "recipient_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("notifications");
}
