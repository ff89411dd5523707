using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Credit;
using Points.Domain.Identity;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class CreditModelConfiguration : IEntityTypeConfiguration<CreditModel>
{
    public void Configure(EntityTypeBuilder<CreditModel> b)
    {
        b.ToTable("credit_models");
        b.HasKey(x => x.Id);
        b.Property(x => x.Version).HasMaxLength(CreditModel.VersionMaxLength).IsRequired();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Artefact).IsRequired();
        b.Property(x => x.Metrics).IsRequired();
        b.Property(x => x.ModelCard).IsRequired();
        b.Property(x => x.ActivationOverrideReason).HasMaxLength(CreditModel.OverrideReasonMaxLength);
        b.HasIndex(x => x.Version).IsUnique();
        b.HasIndex(x => x.IsActive);
    }
}

internal sealed class CreditProfileConfiguration : IEntityTypeConfiguration<CreditProfile>
{
    public void Configure(EntityTypeBuilder<CreditProfile> b)
    {
        b.ToTable("credit_profiles");
        b.HasKey(x => x.Id);
        b.Property(x => x.Tier).HasMaxLength(CreditProfile.TierMaxLength).IsRequired();
        b.Property(x => x.Band).HasMaxLength(CreditProfile.BandMaxLength).IsRequired();
        b.Property(x => x.ModelVersion).HasMaxLength(CreditModel.VersionMaxLength).IsRequired();
        b.Property(x => x.Factors).IsRequired();

        // Latest per resident: the first row of this index for the resident.
        b.HasIndex(x => new { x.ResidentId, x.AsOf, x.ComputedAt });

        // The retention job reads old history one calendar month (an as_of range) at a time.
        b.HasIndex(x => x.AsOf);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CreditConsentConfiguration : IEntityTypeConfiguration<CreditConsent>
{
    public void Configure(EntityTypeBuilder<CreditConsent> b)
    {
        b.ToTable("credit_consents");
        b.HasKey(x => x.Id);
        b.Property(x => x.Purpose).HasMaxLength(CreditConsent.PurposeMaxLength).IsRequired();
        b.Property(x => x.TokenHash).HasMaxLength(CreditConsent.TokenHashLength).IsRequired();
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.CreatedAt });
        b.HasIndex(x => new { x.BankId, x.ResidentId });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<BankClient>().WithMany().HasForeignKey(x => x.BankId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CreditQueryConfiguration : IEntityTypeConfiguration<CreditQuery>
{
    public void Configure(EntityTypeBuilder<CreditQuery> b)
    {
        b.ToTable("credit_queries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.ModelVersion).HasMaxLength(CreditModel.VersionMaxLength);
        b.HasIndex(x => new { x.ResidentId, x.At });
        b.HasIndex(x => new { x.BankId, x.At });
    }
}

internal sealed class LoanOutcomeConfiguration : IEntityTypeConfiguration<LoanOutcome>
{
    public void Configure(EntityTypeBuilder<LoanOutcome> b)
    {
        b.ToTable("loan_outcomes");
        b.HasKey(x => x.Id);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.ExternalRef).HasMaxLength(LoanOutcome.ExternalRefMaxLength).IsRequired();
        b.HasIndex(x => new { x.BankId, x.ExternalRef }).IsUnique();
        b.HasIndex(x => x.ResidentId);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BankClient>().WithMany().HasForeignKey(x => x.BankId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CreditAppealConfiguration : IEntityTypeConfiguration<CreditAppeal>
{
    public void Configure(EntityTypeBuilder<CreditAppeal> b)
    {
        b.ToTable("credit_appeals");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Decision).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Text).HasMaxLength(CreditAppeal.TextMaxLength).IsRequired();
        b.Property(x => x.RecordRef).HasMaxLength(CreditAppeal.RecordRefMaxLength);
        b.Property(x => x.Reply).HasMaxLength(CreditAppeal.ReplyMaxLength);
        b.HasIndex(x => new { x.ResidentId, x.CreatedAt });
        b.HasIndex(x => new { x.TownId, x.Status, x.DueAt });
        b.HasIndex(x => new { x.CommunityId, x.Status, x.DueAt });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Cascade);
    }
}
