using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Town administration: communities and grids can be retired (hidden, history kept); an issued password must be
/// changed at first sign-in; merchants keep an address and their agreement to the town's rate; bank secrets record
/// their rotation; towns may keep their own WeChat template ids; approved merchant months are stored, one per month.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123001200_Administration")]
public sealed class M0012_Administration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<DateTimeOffset>("retired_at", "communities", type: mb.Timestamp(), nullable: true);
        mb.AddColumn<DateTimeOffset>("retired_at", "grids", type: mb.Timestamp(), nullable: true);
        mb.AddColumn<bool>("must_change_password", "users", nullable: false, defaultValue: false);
        mb.AddColumn<string>("address", "merchants", maxLength: 200, nullable: true);
        mb.AddColumn<int>("agreed_points_per_yuan", "merchants", nullable: true);
        mb.AddColumn<DateTimeOffset>("rate_agreed_at", "merchants", type: mb.Timestamp(), nullable: true);
        mb.AddColumn<DateTimeOffset>("secret_rotated_at", "bank_clients", type: mb.Timestamp(), nullable: true);
        mb.AddColumn<string>("we_chat_templates", "towns", maxLength: 2000, nullable: true);

        mb.CreateTable("merchant_settlements", t => new
        {
            id = t.Id(),
            town_id = t.Id(),
            merchant_id = t.Id(),
            period = t.Text(7),
            points_per_yuan = t.Column<int>(),
            redemptions = t.Column<int>(),
            redeemed_points = t.Column<long>(),
            refunded_points = t.Column<long>(),
            net_points = t.Column<long>(),
            net_fen = t.Column<long>(),
            approved_by = t.Id(),
            approved_at = t.Instant(mb),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_merchant_settlements", x => x.id);
            t.ForeignKey("fk_merchant_settlements_towns_town_id", x => x.town_id, "towns", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_merchant_settlements_merchants_merchant_id", x => x.merchant_id, "merchants", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_merchant_settlements_users_approved_by", x => x.approved_by, "users", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_merchant_settlements_merchant_id_period", "merchant_settlements", ["merchant_id", "period"], unique: true);
        mb.CreateIndex("ix_merchant_settlements_town_id_period", "merchant_settlements", ["town_id", "period"]);
        mb.CreateIndex("ix_merchant_settlements_approved_by", "merchant_settlements", "approved_by");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.DropTable("merchant_settlements");
        mb.DropColumn("we_chat_templates", "towns");
        mb.DropColumn("secret_rotated_at", "bank_clients");
        mb.DropColumn("rate_agreed_at", "merchants");
        mb.DropColumn("agreed_points_per_yuan", "merchants");
        mb.DropColumn("address", "merchants");
        mb.DropColumn("must_change_password", "users");
        mb.DropColumn("retired_at", "grids");
        mb.DropColumn("retired_at", "communities");
    }
}
