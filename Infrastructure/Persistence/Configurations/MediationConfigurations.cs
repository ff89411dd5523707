using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Mediation;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class MediatorConfiguration : IEntityTypeConfiguration<Mediator>
{
    public void Configure(EntityTypeBuilder<Mediator> b)
    {
        b.ToTable("mediators");
        b.HasKey(x => x.Id);
        b.Property(x => x.Areas).HasMaxLength(Mediator.AreasMaxLength).IsRequired();
        b.Property(x => x.Kinds).HasMaxLength(Mediator.KindsMaxLength).IsRequired();
        b.HasIndex(x => x.ResidentId).IsUnique();
        b.HasIndex(x => new { x.TownId, x.IsActive });
        b.Ignore(x => x.AreaIds);
        b.Ignore(x => x.KindList);
    }
}

internal sealed class MediationRequestConfiguration : IEntityTypeConfiguration<MediationRequest>
{
    public void Configure(EntityTypeBuilder<MediationRequest> b)
    {
        b.ToTable("mediation_requests");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Description).HasMaxLength(MediationRequest.DescriptionMaxLength).IsRequired();
        b.Property(x => x.OtherParty).HasMaxLength(MediationRequest.OtherPartyMaxLength);
        b.Property(x => x.Summary).HasMaxLength(MediationRequest.SummaryMaxLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.TownId, x.CommunityId, x.Status });
        b.HasIndex(x => new { x.MediatorId, x.Status });
        b.HasIndex(x => x.RequesterId);
        b.HasIndex(x => x.OtherPartyResidentId);
        b.Ignore(x => x.EarnsAward);
    }
}

internal sealed class CaseLibraryEntryConfiguration : IEntityTypeConfiguration<CaseLibraryEntry>
{
    public void Configure(EntityTypeBuilder<CaseLibraryEntry> b)
    {
        b.ToTable("mediation_case_library");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Situation).HasMaxLength(MediationRequest.DescriptionMaxLength).IsRequired();
        b.Property(x => x.Settlement).HasMaxLength(MediationRequest.SummaryMaxLength).IsRequired();
        b.Property(x => x.ClosedMonth).HasMaxLength(7).IsRequired();
        b.HasIndex(x => new { x.TownId, x.Kind, x.ClosedMonth });
    }
}
