using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// The audit log: one row per write by staff, admins, merchants and banks (and per action in a proxy session).
/// Append-only in the database itself: triggers refuse UPDATE, DELETE and TRUNCATE (PostgreSQL) and UPDATE and DELETE
/// (SQLite), so neither a route nor a psql session can rewrite history. No foreign keys: the log outlives what it names.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002300_Audit")]
public sealed class M0023_Audit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("audit_entries", t => new
        {
            id = t.Id(),
            actor_id = t.Id(nullable: true),
            actor_role = t.Text(32),
            town_id = t.Id(nullable: true),
            occurred_at = t.Instant(mb),
            entity = t.Text(64),
            entity_id = t.Text(128),
            action = t.Text(16),
            before = t.Text(nullable: true),
            after = t.Text(nullable: true),
            reason = t.Text(200, nullable: true),
            proxy_session_id = t.Id(nullable: true),
        }, constraints: t => t.PrimaryKey("pk_audit_entries", x => x.id));
        mb.CreateIndex("ix_audit_entries_town_id_occurred_at", "audit_entries", ["town_id", "occurred_at"]);
        mb.CreateIndex("ix_audit_entries_actor_id_occurred_at", "audit_entries", ["actor_id", "occurred_at"]);
        mb.CreateIndex("ix_audit_entries_entity_entity_id", "audit_entries", ["entity", "entity_id"]);
        mb.CreateIndex("ix_audit_entries_proxy_session_id", "audit_entries", "proxy_session_id");

        mb.CreateTable("proxy_sessions", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            proxy_id = t.Id(),
            town_id = t.Id(),
            reason = t.Text(200),
            started_at = t.Instant(mb),
            expires_at = t.Instant(mb),
            ended_at = t.Instant(mb, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_proxy_sessions", x => x.id));
        mb.CreateIndex("ix_proxy_sessions_resident_id", "proxy_sessions", "resident_id");
        mb.CreateIndex("ix_proxy_sessions_proxy_id", "proxy_sessions", "proxy_id");
        mb.AddColumn<bool>("proxy_refused", "users", nullable: false, defaultValue: false);

        if (mb.IsSqlite())
        {
            mb.Sql("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;");
            mb.Sql("CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;");
        }
        else
        {
            mb.Sql("""
                CREATE FUNCTION audit_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_entries is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                """);
            mb.Sql("CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse();");
            mb.Sql("CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse();");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (!migrationBuilder.IsSqlite())
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries;");
        }

        migrationBuilder.DropTable("audit_entries");
        migrationBuilder.DropTable("proxy_sessions");
        migrationBuilder.DropColumn("proxy_refused", "users");
        if (!migrationBuilder.IsSqlite())
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_entries_refuse();");
        }
    }
}
