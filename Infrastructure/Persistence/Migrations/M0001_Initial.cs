using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Regions, identity, the double-entry ledger and job leases.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000100_Initial")]
public sealed class M0001_Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("towns", t => new
        {
            id = t.Id(),
            name = t.Text(64),
            points_per_yuan = t.Column<int>(),
            market_days = t.Text(100),
            daily_earning_cap = t.Column<int>(),
            refund_window_days = t.Column<int>(),
        }, constraints: t => t.PrimaryKey("pk_towns", x => x.id));

        mb.CreateTable("communities", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            name = t.Text(64),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_communities", x => x.id);
            t.ForeignKey("fk_communities_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_communities_town_id", "communities", "town_id");

        mb.CreateTable("grids", t => new
        {
            id = t.Id(),
            community_id = t.Id(),
            name = t.Text(64),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_grids", x => x.id);
            t.ForeignKey("fk_grids_communities_community_id", x => x.community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_grids_community_id", "grids", "community_id");

        mb.CreateTable("merchants", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            name = t.Text(64),
            is_active = t.Column<bool>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_merchants", x => x.id);
            t.ForeignKey("fk_merchants_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_merchants_town_id", "merchants", "town_id");

        mb.CreateTable("bank_clients", t => new
        {
            id = t.Id(),
            name = t.Text(64),
            client_id = t.Text(64),
            secret_hash = t.Text(256),
            is_active = t.Column<bool>(),
        }, constraints: t => t.PrimaryKey("pk_bank_clients", x => x.id));
        mb.CreateIndex("ix_bank_clients_client_id", "bank_clients", "client_id", unique: true);

        mb.CreateTable("users", t => new
        {
            id = t.Id(),
            role = t.Text(32),
            display_name = t.Text(32),
            town_id = t.Id(),
            community_id = t.Id(nullable: true),
            grid_id = t.Id(nullable: true),
            merchant_id = t.Id(nullable: true),
            we_chat_open_id = t.Text(64, nullable: true),
            we_chat_union_id = t.Text(64, nullable: true),
            username = t.Text(64, nullable: true),
            password_hash = t.Text(256, nullable: true),
            failed_login_count = t.Column<int>(),
            locked_until = t.Instant(mb, nullable: true),
            created_at = t.Instant(mb),
            honor_roll_opt_out = t.Column<bool>(),
            is_active = t.Column<bool>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_users", x => x.id);
            t.ForeignKey("fk_users_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_users_communities_community_id", x => x.community_id, "communities", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_users_grids_grid_id", x => x.grid_id, "grids", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_users_merchants_merchant_id", x => x.merchant_id, "merchants", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_users_we_chat_open_id", "users", "we_chat_open_id", unique: true);
        mb.CreateIndex("ix_users_username", "users", "username", unique: true);
        mb.CreateIndex("ix_users_community_id_role", "users", ["community_id", "role"]);
        mb.CreateIndex("ix_users_town_id", "users", "town_id");
        mb.CreateIndex("ix_users_grid_id", "users", "grid_id");
        mb.CreateIndex("ix_users_merchant_id", "users", "merchant_id");

        mb.CreateTable("refresh_tokens", t => new
        {
            id = t.Id(),
            user_id = t.Id(),
            family_id = t.Id(),
            token_hash = t.Text(64),
            created_at = t.Instant(mb),
            expires_at = t.Instant(mb),
            used_at = t.Instant(mb, nullable: true),
            revoked_at = t.Instant(mb, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_refresh_tokens", x => x.id);
            t.ForeignKey("fk_refresh_tokens_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
        });
        mb.CreateIndex("ix_refresh_tokens_token_hash", "refresh_tokens", "token_hash", unique: true);
        mb.CreateIndex("ix_refresh_tokens_family_id", "refresh_tokens", "family_id");
        mb.CreateIndex("ix_refresh_tokens_user_id", "refresh_tokens", "user_id");

        mb.CreateTable("job_leases", t => new
        {
            name = t.Text(64),
            holder = t.Text(128),
            expires_at = t.Instant(mb),
            last_run_at = t.Instant(mb, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_job_leases", x => x.name));

        mb.CreateTable("ledger_accounts", t => new
        {
            id = t.Id(),
            kind = t.Text(32),
            owner_id = t.Id(),
            town_id = t.Id(),
            balance = t.Column<long>(),
            created_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_ledger_accounts", x => x.id);
            t.CheckConstraint("ck_ledger_accounts_wallet_non_negative", "kind <> 'ResidentWallet' OR balance >= 0");
        });
        mb.CreateIndex("ix_ledger_accounts_kind_owner_id", "ledger_accounts", ["kind", "owner_id"], unique: true);
        mb.CreateIndex("ix_ledger_accounts_town_id", "ledger_accounts", "town_id");

        mb.CreateTable("journal_entries", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            debit_account_id = t.Id(),
            credit_account_id = t.Id(),
            points = t.Column<long>(),
            reason = t.Text(32),
            source_type = t.Text(64, nullable: true),
            source_id = t.Text(64, nullable: true),
            idempotency_key = t.Text(200),
            fingerprint = t.Text(400),
            note = t.Text(200, nullable: true),
            actor_id = t.Id(nullable: true),
            reverses_entry_id = t.Id(nullable: true),
            occurred_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_journal_entries", x => x.id);
            t.CheckConstraint("ck_journal_entries_points_positive", "points > 0");
            t.ForeignKey("fk_journal_entries_ledger_accounts_debit_account_id", x => x.debit_account_id, "ledger_accounts", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_journal_entries_ledger_accounts_credit_account_id", x => x.credit_account_id, "ledger_accounts", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_journal_entries_idempotency_key", "journal_entries", "idempotency_key", unique: true);
        mb.CreateIndex("ix_journal_entries_debit_account_id_occurred_at", "journal_entries", ["debit_account_id", "occurred_at"]);
        mb.CreateIndex("ix_journal_entries_credit_account_id_occurred_at", "journal_entries", ["credit_account_id", "occurred_at"]);
        mb.CreateIndex("ix_journal_entries_reverses_entry_id", "journal_entries", "reverses_entry_id", unique: true);
        mb.CreateIndex("ix_journal_entries_source_type_source_id", "journal_entries", ["source_type", "source_id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "journal_entries", "ledger_accounts", "job_leases", "refresh_tokens", "users", "bank_clients", "merchants", "grids", "communities", "towns" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
