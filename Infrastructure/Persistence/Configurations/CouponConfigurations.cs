using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Coupons;
using Points.Domain.Ledger;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class CouponTemplateConfiguration : IEntityTypeConfiguration<CouponTemplate>
{
    public void Configure(EntityTypeBuilder<CouponTemplate> b)
    {
        b.ToTable("coupon_templates", t => t.HasCheckConstraint("ck_coupon_templates_issued_within_cap", "issued >= 0 AND issued <= total_cap"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(CouponTemplate.TitleMaxLength).IsRequired();
        b.HasIndex(x => new { x.TownId, x.CreatedAt });
        b.HasMany(x => x.Merchants).WithOne().HasForeignKey(m => m.TemplateId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Merchants).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class CouponTemplateMerchantConfiguration : IEntityTypeConfiguration<CouponTemplateMerchant>
{
    public void Configure(EntityTypeBuilder<CouponTemplateMerchant> b)
    {
        b.ToTable("coupon_template_merchants");
        b.HasKey(x => new { x.TemplateId, x.MerchantId });
        b.HasIndex(x => x.MerchantId);
    }
}

internal sealed class CouponConfiguration : IEntityTypeConfiguration<Coupon>
{
    public void Configure(EntityTypeBuilder<Coupon> b)
    {
        b.ToTable("coupons");
        b.HasKey(x => x.Id);
        b.Property(x => x.Code).HasMaxLength(Coupon.CodeLength).IsRequired();
        b.Property(x => x.Month).HasMaxLength(Coupon.MonthLength).IsRequired();
        b.HasIndex(x => x.Code).IsUnique();
        // The issue run's idempotency: one coupon per template, resident and month, whatever runs again.
        b.HasIndex(x => new { x.TemplateId, x.ResidentId, x.Month }).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.IssuedAt });
        b.HasOne<CouponTemplate>().WithMany().HasForeignKey(x => x.TemplateId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CouponRedemptionConfiguration : IEntityTypeConfiguration<CouponRedemption>
{
    public void Configure(EntityTypeBuilder<CouponRedemption> b)
    {
        b.ToTable("coupon_redemptions", t => t.HasCheckConstraint("ck_coupon_redemptions_amounts", "order_amount_fen > 0 AND discount_fen >= 0 AND points_cost >= 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.IdempotencyKey).HasMaxLength(TransferRequest.IdempotencyKeyMaxLength).IsRequired();
        b.Property(x => x.Fingerprint).HasMaxLength(400).IsRequired();
        b.HasIndex(x => x.CouponId).IsUnique();
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.MerchantId, x.CreatedAt });
        b.HasOne<Coupon>().WithMany().HasForeignKey(x => x.CouponId).OnDelete(DeleteBehavior.Restrict);
    }
}
