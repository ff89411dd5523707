using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Each redemption names the paycode it consumed, under a unique index: a paycode pays once because the
/// database refuses a second redemption row, which lets a redemption commit in one batch.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261123000700_RedemptionPaycode")]
public sealed class M0007_RedemptionPaycode : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<Guid>("paycode_id", "redemptions", nullable: true);
        mb.Sql("UPDATE redemptions SET paycode_id = (SELECT p.id FROM paycodes p WHERE p.redemption_id = redemptions.id)");
        mb.CreateIndex("ix_redemptions_paycode_id", "redemptions", "paycode_id", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_redemptions_paycode_id", "redemptions");
        migrationBuilder.DropColumn("paycode_id", "redemptions");
    }
}
