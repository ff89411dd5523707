using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Media-check trace ids on uploads; verified phone numbers and session keys (encrypted at rest) on users; deduplicated WeChat push events.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000600_WeChat")]
public sealed class M0006_WeChat : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<string>("phone_cipher", "users", maxLength: 512, nullable: true);
        mb.AddColumn<string>("phone_hash", "users", maxLength: 64, nullable: true);
        mb.AddColumn<string>("phone_country_code", "users", maxLength: 8, nullable: true);
        mb.AddColumn<DateTimeOffset>("phone_verified_at", "users", type: mb.Timestamp(), nullable: true);
        mb.AddColumn<string>("session_key_cipher", "users", maxLength: 512, nullable: true);
        mb.AddColumn<DateTimeOffset>("session_key_issued_at", "users", type: mb.Timestamp(), nullable: true);
        mb.CreateIndex("ix_users_phone_hash", "users", "phone_hash", unique: true);

        mb.AddColumn<string>("media_check_trace_id", "uploads", maxLength: 128, nullable: true);
        mb.CreateIndex("ix_uploads_media_check_trace_id", "uploads", "media_check_trace_id");

        mb.CreateTable("wechat_push_events", t => new
        {
            id = t.Id(),
            dedupe_key = t.Text(200),
            msg_type = t.Text(32),
            @event = t.Text(64, nullable: true),
            from_user_name = t.Text(64, nullable: true),
            trace_id = t.Text(128, nullable: true),
            sent_at = t.Instant(mb, nullable: true),
            payload = t.Text(4000),
            received_at = t.Instant(mb),
        }, constraints: t => t.PrimaryKey("pk_wechat_push_events", x => x.id));
        mb.CreateIndex("ix_wechat_push_events_dedupe_key", "wechat_push_events", "dedupe_key", unique: true);
        mb.CreateIndex("ix_wechat_push_events_received_at", "wechat_push_events", "received_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("wechat_push_events");
        migrationBuilder.DropIndex("ix_uploads_media_check_trace_id", "uploads");
        migrationBuilder.DropColumn("media_check_trace_id", "uploads");
        migrationBuilder.DropIndex("ix_users_phone_hash", "users");
        foreach (var column in new[] { "phone_cipher", "phone_hash", "phone_country_code", "phone_verified_at", "session_key_cipher", "session_key_issued_at" })
        {
            migrationBuilder.DropColumn(column, "users");
        }
    }
}
