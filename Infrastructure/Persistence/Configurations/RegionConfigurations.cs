using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Regions;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class TownConfiguration : IEntityTypeConfiguration<Town>
{
    public void Configure(EntityTypeBuilder<Town> b)
    {
        b.ToTable("towns");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(Town.NameMaxLength).IsRequired();
        b.Property(x => x.MarketDays).HasMaxLength(100).IsRequired();
        b.Ignore(x => x.MarketDayList);
        b.Property(x => x.WeChatTemplates).HasMaxLength(Town.WeChatTemplatesMaxLength);
        b.Ignore(x => x.WeChatTemplateMap);
        b.Property(x => x.HazardSettingsJson).HasMaxLength(Town.HazardSettingsMaxLength);
        b.Ignore(x => x.Hazards);
    }
}

internal sealed class MicroGridConfiguration : IEntityTypeConfiguration<MicroGrid>
{
    public void Configure(EntityTypeBuilder<MicroGrid> b)
    {
        b.ToTable("micro_grids");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(MicroGrid.NameMaxLength).IsRequired();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.HasIndex(x => new { x.GridId, x.Name }).IsUnique();
        b.HasIndex(x => x.TownId);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Domain.Identity.UserAccount>().WithMany().HasForeignKey(x => x.LeaderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class GridAssignmentConfiguration : IEntityTypeConfiguration<GridAssignment>
{
    public void Configure(EntityTypeBuilder<GridAssignment> b)
    {
        b.ToTable("grid_assignments");
        b.HasKey(x => new { x.GridId, x.WorkerId });
        b.HasIndex(x => x.WorkerId);
        b.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Domain.Identity.UserAccount>().WithMany().HasForeignKey(x => x.WorkerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommunityConfiguration : IEntityTypeConfiguration<Community>
{
    public void Configure(EntityTypeBuilder<Community> b)
    {
        b.ToTable("communities");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(Community.NameMaxLength).IsRequired();
        b.Ignore(x => x.IsRetired);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class GridConfiguration : IEntityTypeConfiguration<Grid>
{
    public void Configure(EntityTypeBuilder<Grid> b)
    {
        b.ToTable("grids");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(Grid.NameMaxLength).IsRequired();
        b.Ignore(x => x.IsRetired);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CommunityMoveConfiguration : IEntityTypeConfiguration<CommunityMove>
{
    public void Configure(EntityTypeBuilder<CommunityMove> b)
    {
        b.ToTable("community_moves");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Note).HasMaxLength(CommunityMove.NoteMaxLength);
        b.HasIndex(x => new { x.ResidentId, x.Status });
        b.HasIndex(x => new { x.ToCommunityId, x.Status });
        b.HasOne<Domain.Identity.UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.FromCommunityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.ToCommunityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Grid>().WithMany().HasForeignKey(x => x.ToGridId).OnDelete(DeleteBehavior.Restrict);
    }
}
