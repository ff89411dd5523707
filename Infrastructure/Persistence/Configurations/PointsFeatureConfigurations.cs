using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Ledger;
using Points.Domain.Market;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class EarningRuleConfiguration : IEntityTypeConfiguration<EarningRule>
{
    public void Configure(EntityTypeBuilder<EarningRule> b)
    {
        b.ToTable("earning_rules");
        b.HasKey(x => x.Id);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(32);
        b.HasIndex(x => new { x.TownId, x.Source }).IsUnique();
    }
}

internal sealed class ExpiryPolicyConfiguration : IEntityTypeConfiguration<ExpiryPolicy>
{
    public void Configure(EntityTypeBuilder<ExpiryPolicy> b)
    {
        b.ToTable("expiry_policies", t => t.HasCheckConstraint("ck_expiry_policies_months_positive", "months > 0"));
        b.HasKey(x => x.TownId);
        b.Property(x => x.TownId).ValueGeneratedNever();
    }
}

internal sealed class PaycodeConfiguration : IEntityTypeConfiguration<Paycode>
{
    public void Configure(EntityTypeBuilder<Paycode> b)
    {
        b.ToTable("paycodes");
        b.HasKey(x => x.Id);
        b.Property(x => x.CodeHash).HasMaxLength(Paycode.HashLength).IsRequired();
        b.HasIndex(x => x.CodeHash).IsUnique();
        b.HasIndex(x => x.ResidentId);
    }
}

internal sealed class RedemptionConfiguration : IEntityTypeConfiguration<Redemption>
{
    public void Configure(EntityTypeBuilder<Redemption> b)
    {
        b.ToTable("redemptions", t => t.HasCheckConstraint("ck_redemptions_points_positive", "points > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.IdempotencyKey).HasMaxLength(TransferRequest.IdempotencyKeyMaxLength).IsRequired();
        b.Property(x => x.Fingerprint).HasMaxLength(400).IsRequired();
        b.Property(x => x.Note).HasMaxLength(Redemption.NoteMaxLength);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => x.PaycodeId).IsUnique();
        b.HasIndex(x => new { x.MerchantId, x.CreatedAt });
        b.HasIndex(x => x.ResidentId);
    }
}

internal sealed class MarketItemConfiguration : IEntityTypeConfiguration<MarketItem>
{
    public void Configure(EntityTypeBuilder<MarketItem> b)
    {
        b.ToTable("market_items", t => t.HasCheckConstraint("ck_market_items_stock_non_negative", "stock >= 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(MarketItem.NameMaxLength).IsRequired();
        b.Property(x => x.Description).HasMaxLength(MarketItem.DescriptionMaxLength);
        b.HasIndex(x => x.CommunityId);
        b.HasIndex(x => x.PhotoId); // no foreign key: SQLite cannot add one to an existing table; MarketItem.UsePhoto checks the upload
    }
}

internal sealed class MarketOrderConfiguration : IEntityTypeConfiguration<MarketOrder>
{
    public void Configure(EntityTypeBuilder<MarketOrder> b)
    {
        b.ToTable("market_orders", t => t.HasCheckConstraint("ck_market_orders_quantity_positive", "quantity > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.PickupCode).HasMaxLength(16).IsRequired();
        b.Property(x => x.IdempotencyKey).HasMaxLength(TransferRequest.IdempotencyKeyMaxLength).IsRequired();
        b.Property(x => x.Fingerprint).HasMaxLength(400).IsRequired();
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.CreatedAt });
        b.HasIndex(x => new { x.CommunityId, x.Status });
        b.HasOne<MarketItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
