using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>Earning rules and expiry policies, paycodes and merchant redemptions, the gift market.</summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000300_Ledger")]
public sealed class M0003_Ledger : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.CreateTable("earning_rules", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            source = t.Text(32),
            default_points = t.Column<int>(),
            daily_cap = t.Column<int>(nullable: true),
            monthly_cap = t.Column<int>(nullable: true),
        }, constraints: t => t.PrimaryKey("pk_earning_rules", x => x.id));
        mb.CreateIndex("ix_earning_rules_town_id_source", "earning_rules", ["town_id", "source"], unique: true);

        mb.CreateTable("expiry_policies", t => new
        {
            town_id = t.Id(),
            months = t.Column<int>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_expiry_policies", x => x.town_id);
            t.CheckConstraint("ck_expiry_policies_months_positive", "months > 0");
        });

        mb.CreateTable("paycodes", t => new
        {
            id = t.Id(),
            code_hash = t.Text(64),
            resident_id = t.Id(),
            town_id = t.Id(),
            created_at = t.Instant(mb),
            expires_at = t.Instant(mb),
            used_at = t.Instant(mb, nullable: true),
            redemption_id = t.Id(nullable: true),
        }, constraints: t => t.PrimaryKey("pk_paycodes", x => x.id));
        mb.CreateIndex("ix_paycodes_code_hash", "paycodes", "code_hash", unique: true);
        mb.CreateIndex("ix_paycodes_resident_id", "paycodes", "resident_id");

        mb.CreateTable("redemptions", t => new
        {
            id = t.Id(),
            merchant_id = t.Id(),
            town_id = t.Id(),
            resident_id = t.Id(),
            points = t.Column<long>(),
            idempotency_key = t.Text(200),
            fingerprint = t.Text(400),
            journal_entry_id = t.Id(),
            note = t.Text(200, nullable: true),
            actor_id = t.Id(),
            created_at = t.Instant(mb),
            refunded_at = t.Instant(mb, nullable: true),
            refund_entry_id = t.Id(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_redemptions", x => x.id);
            t.CheckConstraint("ck_redemptions_points_positive", "points > 0");
        });
        mb.CreateIndex("ix_redemptions_idempotency_key", "redemptions", "idempotency_key", unique: true);
        mb.CreateIndex("ix_redemptions_merchant_id_created_at", "redemptions", ["merchant_id", "created_at"]);
        mb.CreateIndex("ix_redemptions_resident_id", "redemptions", "resident_id");

        mb.CreateTable("market_items", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            name = t.Text(64),
            description = t.Text(500, nullable: true),
            price = t.Column<int>(),
            stock = t.Column<int>(),
            is_active = t.Column<bool>(),
            created_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_market_items", x => x.id);
            t.CheckConstraint("ck_market_items_stock_non_negative", "stock >= 0");
        });
        mb.CreateIndex("ix_market_items_community_id", "market_items", "community_id");

        mb.CreateTable("market_orders", t => new
        {
            id = t.Id(),
            resident_id = t.Id(),
            town_id = t.Id(),
            community_id = t.Id(),
            item_id = t.Id(),
            quantity = t.Column<int>(),
            points = t.Column<long>(),
            pickup_code = t.Text(16),
            idempotency_key = t.Text(200),
            fingerprint = t.Text(400),
            journal_entry_id = t.Id(),
            status = t.Text(32),
            created_at = t.Instant(mb),
            picked_up_at = t.Instant(mb, nullable: true),
            cancelled_at = t.Instant(mb, nullable: true),
            refund_entry_id = t.Id(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_market_orders", x => x.id);
            t.CheckConstraint("ck_market_orders_quantity_positive", "quantity > 0");
            t.ForeignKey("fk_market_orders_market_items_item_id", x => x.item_id, "market_items", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_market_orders_idempotency_key", "market_orders", "idempotency_key", unique: true);
        mb.CreateIndex("ix_market_orders_resident_id_created_at", "market_orders", ["resident_id", "created_at"]);
        mb.CreateIndex("ix_market_orders_community_id_status", "market_orders", ["community_id", "status"]);
        mb.CreateIndex("ix_market_orders_item_id", "market_orders", "item_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "market_orders", "market_items", "redemptions", "paycodes", "expiry_policies", "earning_rules" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
