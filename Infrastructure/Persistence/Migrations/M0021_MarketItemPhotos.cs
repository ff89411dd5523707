using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// A market item can show a photo (an upload from the item's town). No foreign key: SQLite cannot add one to an
/// existing table, and <c>MarketItem.UsePhoto</c> checks the upload before it is set.
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261202002100_MarketItemPhotos")]
public sealed class M0021_MarketItemPhotos : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>("photo_id", "market_items", nullable: true);
        migrationBuilder.CreateIndex("ix_market_items_photo_id", "market_items", "photo_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_market_items_photo_id", "market_items");
        migrationBuilder.DropColumn("photo_id", "market_items");
    }
}
