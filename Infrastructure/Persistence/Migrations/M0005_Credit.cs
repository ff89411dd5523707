using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Credit profiles: model versions, profile history, consents, bank query audit, loan outcomes, appeals.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000500_Credit")]
public sealed class M0005_Credit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("credit_models", t => new
        {
            id = t.Id(),
            version = t.Text(64),
            kind = t.Text(32),
            artefact = t.Text(),
            metrics = t.Text(),
            model_card = t.Text(),
            created_at = t.Instant(mb),
            activated_at = t.Instant(mb, nullable: true),
            is_active = t.Column<bool>(),
        }, constraints: t => t.PrimaryKey("pk_credit_models", x => x.id));
        mb.CreateIndex("ix_credit_models_version", "credit_models", "version", unique: true);
        mb.CreateIndex("ix_credit_models_is_active", "credit_models", "is_active");

        mb.CreateTable("credit_profiles", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            score = t.Column<int>(),
            tier = t.Text(16),
            band = t.Text(16),
            as_of = t.Instant(mb),
            model_version = t.Text(64),
            factors = t.Text(),
            computed_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_profiles", x => x.id);
            t.ForeignKey("fk_credit_profiles_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });
        mb.CreateIndex("ix_credit_profiles_resident_id_as_of_computed_at", "credit_profiles", ["resident_id", "as_of", "computed_at"]);

        mb.CreateTable("credit_consents", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            bank_id = t.Id(),
            purpose = t.Text(100),
            token_hash = t.Text(64),
            created_at = t.Instant(mb),
            expires_at = t.Instant(mb),
            revoked_at = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_consents", x => x.id);
            t.ForeignKey("fk_credit_consents_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_credit_consents_bank_clients_bank_id", x => x.bank_id, "bank_clients", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_credit_consents_token_hash", "credit_consents", "token_hash", unique: true);
        mb.CreateIndex("ix_credit_consents_resident_id_created_at", "credit_consents", ["resident_id", "created_at"]);
        mb.CreateIndex("ix_credit_consents_bank_id_resident_id", "credit_consents", ["bank_id", "resident_id"]);

        mb.CreateTable("credit_queries", t => new
        {
            id = t.Id(),
            bank_id = t.Id(),
            consent_id = t.Id(nullable: true),
            resident_id = t.Id(nullable: true),
            outcome = t.Text(32),
            model_version = t.Text(64, nullable: true),
            at = t.Instant(mb),
        }, constraints: t => t.PrimaryKey("pk_credit_queries", x => x.id));
        mb.CreateIndex("ix_credit_queries_resident_id_at", "credit_queries", ["resident_id", "at"]);
        mb.CreateIndex("ix_credit_queries_bank_id_at", "credit_queries", ["bank_id", "at"]);

        mb.CreateTable("loan_outcomes", t => new
        {
            id = t.Id(),
            bank_id = t.Id(),
            resident_id = t.Id(),
            consent_id = t.Id(nullable: true),
            loan_date = t.Column<DateOnly>(),
            outcome = t.Text(32),
            external_ref = t.Text(64),
            received_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_loan_outcomes", x => x.id);
            t.ForeignKey("fk_loan_outcomes_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_loan_outcomes_bank_clients_bank_id", x => x.bank_id, "bank_clients", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_loan_outcomes_bank_id_external_ref", "loan_outcomes", ["bank_id", "external_ref"], unique: true);
        mb.CreateIndex("ix_loan_outcomes_resident_id", "loan_outcomes", "resident_id");

        mb.CreateTable("credit_appeals", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(nullable: true),
            kind = t.Text(32),
            text = t.Text(1000),
            record_ref = t.Text(64, nullable: true),
            status = t.Text(32),
            decision = t.Text(32, nullable: true),
            reply = t.Text(1000, nullable: true),
            answered_by = t.Id(nullable: true),
            created_at = t.Instant(mb),
            due_at = t.Instant(mb),
            answered_at = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_appeals", x => x.id);
            t.ForeignKey("fk_credit_appeals_users_resident_id", x => x.resident_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });
        mb.CreateIndex("ix_credit_appeals_resident_id_created_at", "credit_appeals", ["resident_id", "created_at"]);
        mb.CreateIndex("ix_credit_appeals_town_id_status_due_at", "credit_appeals", ["town_id", "status", "due_at"]);
        mb.CreateIndex("ix_credit_appeals_community_id_status_due_at", "credit_appeals", ["community_id", "status", "due_at"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "credit_appeals", "loan_outcomes", "credit_queries", "credit_consents", "credit_profiles", "credit_models" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
