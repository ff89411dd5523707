using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Sign-in hardening. Refresh tokens get a family row that rotation and revocation both decide on
/// (existing families are carried over: the newest unused token stays current). Password failures move
/// from two columns on users, updated without a concurrency check, to per-source and account-wide
/// throttle rows admitted by conditional updates; locks and unlocks are kept in an audit table.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123001100_Security")]
public sealed class M0011_Security : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("refresh_token_families", t => new
        {
            id = t.Id(),
            user_id = t.Id(),
            current_token_id = t.Id(),
            created_at = t.Instant(mb),
            revoked_at = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_refresh_token_families", x => x.id);
            t.ForeignKey("fk_refresh_token_families_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });
        mb.CreateIndex("ix_refresh_token_families_user_id", "refresh_token_families", "user_id");
        mb.Sql("""
            INSERT INTO refresh_token_families (id, user_id, current_token_id, created_at, revoked_at)
            SELECT f.family_id,
                   (SELECT t.user_id FROM refresh_tokens t WHERE t.family_id = f.family_id LIMIT 1),
                   COALESCE((SELECT t.id FROM refresh_tokens t WHERE t.family_id = f.family_id AND t.used_at IS NULL AND t.revoked_at IS NULL ORDER BY t.created_at DESC LIMIT 1),
                            (SELECT t.id FROM refresh_tokens t WHERE t.family_id = f.family_id LIMIT 1)),
                   MIN(f.created_at),
                   CASE WHEN EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.family_id AND t.used_at IS NULL AND t.revoked_at IS NULL)
                        THEN NULL ELSE MAX(f.created_at) END
            FROM refresh_tokens f
            GROUP BY f.family_id
            """);
        mb.Sql("ALTER TABLE refresh_tokens DROP COLUMN revoked_at");

        mb.CreateTable("login_throttles", t => new
        {
            user_id = t.Id(),
            source = t.Text(64),
            attempts = t.Column<int>(),
            failures = t.Column<int>(),
            window_started_at = t.Instant(mb),
            locked_until = t.Instant(mb, nullable: true),
            trusted_until = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_login_throttles", x => new { x.user_id, x.source });
            t.ForeignKey("fk_login_throttles_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });

        mb.CreateTable("account_lock_events", t => new
        {
            id = t.Id(),
            user_id = t.Id(),
            kind = t.Text(16),
            source = t.Text(64),
            at = t.Instant(mb),
            locked_until = t.Instant(mb, nullable: true),
            actor_id = t.Id(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_account_lock_events", x => x.id);
            t.ForeignKey("fk_account_lock_events_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });
        mb.CreateIndex("ix_account_lock_events_user_id_at", "account_lock_events", ["user_id", "at"]);

        mb.Sql("ALTER TABLE users DROP COLUMN failed_login_count");
        mb.Sql("ALTER TABLE users DROP COLUMN locked_until");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<int>("failed_login_count", "users", nullable: false, defaultValue: 0);
        mb.AddColumn<DateTimeOffset>("locked_until", "users", type: mb.Timestamp(), nullable: true);
        mb.DropTable("account_lock_events");
        mb.DropTable("login_throttles");
        mb.AddColumn<DateTimeOffset>("revoked_at", "refresh_tokens", type: mb.Timestamp(), nullable: true);
        mb.Sql("UPDATE refresh_tokens SET revoked_at = (SELECT f.revoked_at FROM refresh_token_families f WHERE f.id = refresh_tokens.family_id)");
        mb.DropTable("refresh_token_families");
    }
}
