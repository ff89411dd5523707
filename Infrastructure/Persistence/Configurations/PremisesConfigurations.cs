using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Premises;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class KeyPremisesConfiguration : IEntityTypeConfiguration<KeyPremises>
{
    public void Configure(EntityTypeBuilder<KeyPremises> b)
    {
        b.ToTable("premises");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(KeyPremises.NameMaxLength).IsRequired();
        b.Property(x => x.Address).HasMaxLength(KeyPremises.AddressMaxLength).IsRequired();
        b.Property(x => x.Code).HasMaxLength(KeyPremises.CodeLength).IsRequired();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.TownId, x.CommunityId, x.GridId });
        b.HasIndex(x => x.ResponsibleResidentId);
    }
}

internal sealed class PremisesChecklistConfiguration : IEntityTypeConfiguration<PremisesChecklist>
{
    public void Configure(EntityTypeBuilder<PremisesChecklist> b)
    {
        b.ToTable("premises_checklists");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        // Two publications at once cannot both become version n+1.
        b.HasIndex(x => new { x.TownId, x.Kind, x.Version }).IsUnique();
        b.HasMany(x => x.Items).WithOne().HasForeignKey(i => i.ChecklistId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Ignore(x => x.Ordered);
    }
}

internal sealed class PremisesChecklistItemConfiguration : IEntityTypeConfiguration<PremisesChecklistItem>
{
    public void Configure(EntityTypeBuilder<PremisesChecklistItem> b)
    {
        b.ToTable("premises_checklist_items");
        b.HasKey(x => new { x.ChecklistId, x.Index });
        b.Property(x => x.Text).HasMaxLength(PremisesChecklist.ItemTextMaxLength).IsRequired();
    }
}

internal sealed class PremisesSelfCheckConfiguration : IEntityTypeConfiguration<PremisesSelfCheck>
{
    public void Configure(EntityTypeBuilder<PremisesSelfCheck> b)
    {
        b.ToTable("premises_self_checks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Month).HasMaxLength(PremisesMonths.MonthLength).IsRequired();
        b.Property(x => x.Answers).HasMaxLength(PremisesChecklist.MaxItems).IsRequired();
        b.Property(x => x.PhotoIds).HasMaxLength(400).IsRequired();
        b.Property(x => x.Colour).HasConversion<string>().HasMaxLength(8);
        b.Ignore(x => x.Photos);
        b.HasIndex(x => new { x.PremisesId, x.Month, x.CheckedAt });
        b.HasOne<KeyPremises>().WithMany().HasForeignKey(x => x.PremisesId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PremisesChecklist>().WithMany().HasForeignKey(x => x.ChecklistId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PremisesMonthConfiguration : IEntityTypeConfiguration<PremisesMonth>
{
    public void Configure(EntityTypeBuilder<PremisesMonth> b)
    {
        b.ToTable("premises_months");
        // The month close's idempotency: one frozen colour per premises and month, whatever runs again.
        b.HasKey(x => new { x.PremisesId, x.Month });
        b.Property(x => x.Month).HasMaxLength(PremisesMonths.MonthLength);
        b.Property(x => x.Colour).HasConversion<string>().HasMaxLength(8);
        b.HasIndex(x => new { x.TownId, x.Month });
        b.HasOne<KeyPremises>().WithMany().HasForeignKey(x => x.PremisesId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PremisesFollowUpConfiguration : IEntityTypeConfiguration<PremisesFollowUp>
{
    public void Configure(EntityTypeBuilder<PremisesFollowUp> b)
    {
        b.ToTable("premises_follow_ups");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
        b.Property(x => x.Month).HasMaxLength(PremisesMonths.MonthLength).IsRequired();
        b.Property(x => x.Note).HasMaxLength(PremisesFollowUp.NoteMaxLength);
        // One inspection (and one enforcement case) per premises and red month, however often the close runs.
        b.HasIndex(x => new { x.PremisesId, x.Kind, x.Month }).IsUnique();
        b.HasIndex(x => new { x.TownId, x.Kind, x.ClosedAt });
        b.HasOne<KeyPremises>().WithMany().HasForeignKey(x => x.PremisesId).OnDelete(DeleteBehavior.Restrict);
    }
}
