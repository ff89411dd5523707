using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// 积分券: templates (a discount, an optional points cost, caps, an eligibility rule) with their designated merchants,
/// the coupons the monthly run issues (unique on template, resident and month; the code unique), and their
/// redemptions (unique on the coupon, so a coupon pays once, and on the merchant's idempotency key).
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002400_Coupons")]
public sealed class M0024_Coupons : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "coupon_templates",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                title = table.Column<string>(maxLength: 64, nullable: false),
                percent_off = table.Column<int>(nullable: true),
                discount_fen = table.Column<long>(nullable: true),
                points_cost = table.Column<int>(nullable: false),
                valid_from = table.Instant(migrationBuilder),
                valid_to = table.Instant(migrationBuilder),
                per_resident_limit = table.Column<int>(nullable: false),
                total_cap = table.Column<int>(nullable: false),
                min_activities_last_month = table.Column<int>(nullable: false),
                issued = table.Column<int>(nullable: false),
                created_by = table.Column<Guid>(nullable: false),
                created_at = table.Instant(migrationBuilder),
                voided_at = table.Instant(migrationBuilder, nullable: true),
                voided_by = table.Column<Guid>(nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_coupon_templates", x => x.id);
                table.CheckConstraint("ck_coupon_templates_issued_within_cap", "issued >= 0 AND issued <= total_cap");
            });

        migrationBuilder.CreateTable(
            name: "coupon_template_merchants",
            columns: table => new
            {
                template_id = table.Column<Guid>(nullable: false),
                merchant_id = table.Column<Guid>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_coupon_template_merchants", x => new { x.template_id, x.merchant_id });
                table.ForeignKey(
                    name: "fk_coupon_template_merchants_coupon_templates_template_id",
                    column: x => x.template_id,
                    principalTable: "coupon_templates",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "coupons",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                template_id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                month = table.Column<string>(maxLength: 7, nullable: false),
                code = table.Column<string>(maxLength: 12, nullable: false),
                issued_at = table.Instant(migrationBuilder),
                used_at = table.Instant(migrationBuilder, nullable: true),
                used_at_merchant_id = table.Column<Guid>(nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_coupons", x => x.id);
                table.ForeignKey(
                    name: "fk_coupons_coupon_templates_template_id",
                    column: x => x.template_id,
                    principalTable: "coupon_templates",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "coupon_redemptions",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                coupon_id = table.Column<Guid>(nullable: false),
                template_id = table.Column<Guid>(nullable: false),
                merchant_id = table.Column<Guid>(nullable: false),
                town_id = table.Column<Guid>(nullable: false),
                resident_id = table.Column<Guid>(nullable: false),
                order_amount_fen = table.Column<long>(nullable: false),
                discount_fen = table.Column<long>(nullable: false),
                points_cost = table.Column<int>(nullable: false),
                journal_entry_id = table.Column<Guid>(nullable: true),
                idempotency_key = table.Column<string>(maxLength: 200, nullable: false),
                fingerprint = table.Column<string>(maxLength: 400, nullable: false),
                actor_id = table.Column<Guid>(nullable: false),
                created_at = table.Instant(migrationBuilder)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_coupon_redemptions", x => x.id);
                table.CheckConstraint("ck_coupon_redemptions_amounts", "order_amount_fen > 0 AND discount_fen >= 0 AND points_cost >= 0");
                table.ForeignKey(
                    name: "fk_coupon_redemptions_coupons_coupon_id",
                    column: x => x.coupon_id,
                    principalTable: "coupons",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: "ix_coupon_redemptions_coupon_id",
            table: "coupon_redemptions",
            column: "coupon_id",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_coupon_redemptions_idempotency_key",
            table: "coupon_redemptions",
            column: "idempotency_key",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_coupon_redemptions_merchant_id_created_at",
            table: "coupon_redemptions",
            columns: new[] { "merchant_id", "created_at" });

        migrationBuilder.CreateIndex(
            name: "ix_coupon_template_merchants_merchant_id",
            table: "coupon_template_merchants",
            column: "merchant_id");

        migrationBuilder.CreateIndex(
            name: "ix_coupon_templates_town_id_created_at",
            table: "coupon_templates",
            columns: new[] { "town_id", "created_at" });

        migrationBuilder.CreateIndex(
            name: "ix_coupons_code",
            table: "coupons",
            column: "code",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_coupons_resident_id_issued_at",
            table: "coupons",
            columns: new[] { "resident_id", "issued_at" });

        migrationBuilder.CreateIndex(
            name: "ix_coupons_template_id_resident_id_month",
            table: "coupons",
            columns: new[] { "template_id", "resident_id", "month" },
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "coupon_redemptions");

        migrationBuilder.DropTable(
            name: "coupon_template_merchants");

        migrationBuilder.DropTable(
            name: "coupons");

        migrationBuilder.DropTable(
            name: "coupon_templates");
    }
}
