using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Activities;
using Points.Domain.Identity;
using Points.Domain.Regions;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> b)
    {
        // The last defence against overselling: whatever Redis says, the counter stays within capacity.
        b.ToTable("activities", t => t.HasCheckConstraint("ck_activities_taken_within_capacity", "taken >= 0 AND taken <= capacity"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(Activity.TitleMaxLength).IsRequired();
        b.Property(x => x.Description).HasMaxLength(Activity.DescriptionMaxLength);
        b.Property(x => x.Address).HasMaxLength(Activity.AddressMaxLength);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Eligibility).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Ignore(x => x.PlacesLeft);
        b.Ignore(x => x.Duration);
        b.Ignore(x => x.Details);
        b.HasIndex(x => new { x.CommunityId, x.StartsAt });
        b.HasIndex(x => new { x.Status, x.StartsAt });
        b.HasIndex(x => x.TownId);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SignUpConfiguration : IEntityTypeConfiguration<SignUp>
{
    public void Configure(EntityTypeBuilder<SignUp> b)
    {
        b.ToTable("sign_ups");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.CheckInMethod).HasConversion<string>().HasMaxLength(32);
        b.Ignore(x => x.HoldsPlace);
        b.HasIndex(x => new { x.ActivityId, x.ResidentId }).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.SignedUpAt });
        b.HasOne<Activity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> b)
    {
        b.ToTable("waitlist_entries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.HasIndex(x => new { x.ActivityId, x.ResidentId }).IsUnique();
        b.HasIndex(x => new { x.ActivityId, x.Status, x.JoinedAt });
        b.HasIndex(x => x.ResidentId);
        b.HasOne<Activity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}
