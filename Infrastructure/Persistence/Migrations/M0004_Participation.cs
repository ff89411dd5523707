using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Resident participation: uploads, declarations with two-level review, hazard reports, learning, the negative list.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000400_Participation")]
public sealed class M0004_Participation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("uploads", t => new
        {
            id = t.Id(),
            owner_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(nullable: true),
            format = t.Text(32),
            size_bytes = t.Column<long>(),
            storage_key = t.Text(200),
            sha256 = t.Text(64),
            moderation = t.Text(32),
            created_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_uploads", x => x.id);
            t.ForeignKey("fk_uploads_users_owner_id", x => x.owner_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_uploads_owner_id_created_at", "uploads", ["owner_id", "created_at"]);
        mb.CreateIndex("ix_uploads_moderation", "uploads", "moderation");

        mb.CreateTable("declarations", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            category = t.Text(32),
            text = t.Text(1000),
            photo_ids = t.Text(400),
            status = t.Text(32),
            level = t.Text(32),
            proposed_points = t.Column<int>(nullable: true),
            awarded_points = t.Column<int>(nullable: true),
            last_reason = t.Text(500, nullable: true),
            submitted_at = t.Instant(mb),
            last_action_at = t.Instant(mb),
            decided_at = t.Instant(mb, nullable: true),
            version = t.Column<int>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_declarations", x => x.id);
            t.ForeignKey("fk_declarations_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_declarations_resident_id_submitted_at", "declarations", ["resident_id", "submitted_at"]);
        mb.CreateIndex("ix_declarations_community_id_status_level", "declarations", ["community_id", "status", "level"]);
        mb.CreateIndex("ix_declarations_town_id_status_level", "declarations", ["town_id", "status", "level"]);

        mb.CreateTable("declaration_category_settings", t => new
        {
            town_id = t.Id(),
            category = t.Text(32),
            default_points = t.Column<int>(),
            needs_town_review = t.Column<bool>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_declaration_category_settings", x => new { x.town_id, x.category });
            t.ForeignKey("fk_declaration_category_settings_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Cascade);
        });

        mb.CreateTable("participation_events", t => new
        {
            id = t.Id(),
            subject = t.Text(32),
            subject_id = t.Id(),
            action = t.Text(32),
            actor_id = t.Id(nullable: true),
            note = t.Text(500, nullable: true),
            points = t.Column<int>(nullable: true),
            at = t.Instant(mb),
        }, constraints: t => t.PrimaryKey("pk_participation_events", x => x.id));
        mb.CreateIndex("ix_participation_events_subject_id_at", "participation_events", ["subject_id", "at"]);

        mb.CreateTable("hazard_reports", t => new
        {
            id = t.Id(),
            reporter_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            grid_id = t.Id(nullable: true),
            category = t.Text(32),
            description = t.Text(1000),
            latitude = t.Column<double>(),
            longitude = t.Column<double>(),
            address = t.Text(200),
            photo_ids = t.Text(400),
            status = t.Text(32),
            rejection = t.Text(32, nullable: true),
            awarded_points = t.Column<int>(nullable: true),
            reported_at = t.Instant(mb),
            last_action_at = t.Instant(mb),
            version = t.Column<int>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_hazard_reports", x => x.id);
            t.ForeignKey("fk_hazard_reports_users_reporter_id", x => x.reporter_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_hazard_reports_reporter_id_reported_at", "hazard_reports", ["reporter_id", "reported_at"]);
        mb.CreateIndex("ix_hazard_reports_community_id_status", "hazard_reports", ["community_id", "status"]);

        mb.CreateTable("articles", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(nullable: true),
            kind = t.Text(32),
            title = t.Text(100),
            body = t.Text(20000),
            points = t.Column<int>(),
            min_read_seconds = t.Column<int>(),
            quiz_question = t.Text(200, nullable: true),
            quiz_options = t.Text(500, nullable: true),
            quiz_answer = t.Column<int>(nullable: true),
            status = t.Text(32),
            created_by = t.Id(),
            created_at = t.Instant(mb),
            published_at = t.Instant(mb, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_articles", x => x.id));
        mb.CreateIndex("ix_articles_town_id_status", "articles", ["town_id", "status"]);

        mb.CreateTable("article_reads", t => new
        {
            id = t.Id(),
            article_id = t.Id(),
            resident_id = t.Id(),
            opened_at = t.Instant(mb),
            completed_at = t.Instant(mb, nullable: true),
            by_quiz = t.Column<bool>(),
            awarded_points = t.Column<int>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_article_reads", x => x.id);
            t.ForeignKey("fk_article_reads_articles_article_id", x => x.article_id, "articles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_article_reads_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_article_reads_article_id_resident_id", "article_reads", ["article_id", "resident_id"], unique: true);
        mb.CreateIndex("ix_article_reads_resident_id_completed_at", "article_reads", ["resident_id", "completed_at"]);

        mb.CreateTable("article_comments", t => new
        {
            id = t.Id(),
            article_id = t.Id(),
            resident_id = t.Id(),
            text = t.Text(1000),
            status = t.Text(32),
            created_at = t.Instant(mb),
            moderated_by = t.Id(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_article_comments", x => x.id);
            t.ForeignKey("fk_article_comments_articles_article_id", x => x.article_id, "articles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_article_comments_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_article_comments_article_id_status", "article_comments", ["article_id", "status"]);
        mb.CreateIndex("ix_article_comments_resident_id", "article_comments", "resident_id");

        mb.CreateTable("negative_records", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            kind = t.Text(32),
            description = t.Text(500),
            severity = t.Column<int>(),
            evidence_ids = t.Text(400),
            occurred_at = t.Instant(mb),
            expires_at = t.Instant(mb),
            status = t.Text(32),
            explanation = t.Text(500, nullable: true),
            appeal_reason = t.Text(500, nullable: true),
            appealed_at = t.Instant(mb, nullable: true),
            decision_note = t.Text(500, nullable: true),
            revoked_at = t.Instant(mb, nullable: true),
            recorded_by = t.Id(),
            created_at = t.Instant(mb),
            version = t.Column<int>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_negative_records", x => x.id);
            t.CheckConstraint("ck_negative_records_severity", "severity BETWEEN 1 AND 3");
            t.ForeignKey("fk_negative_records_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_negative_records_resident_id_expires_at", "negative_records", ["resident_id", "expires_at"]);
        mb.CreateIndex("ix_negative_records_community_id_status", "negative_records", ["community_id", "status"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "negative_records", "article_comments", "article_reads", "articles", "hazard_reports", "participation_events", "declaration_category_settings", "declarations", "uploads" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
