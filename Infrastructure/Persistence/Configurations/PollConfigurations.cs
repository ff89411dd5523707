using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Polls;
using Points.Domain.Regions;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class PollConfiguration : IEntityTypeConfiguration<Poll>
{
    public void Configure(EntityTypeBuilder<Poll> b)
    {
        b.ToTable("polls", t => t.HasCheckConstraint("ck_polls_window", "closes_at > opens_at"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(Poll.TitleMaxLength).IsRequired();
        b.Property(x => x.Description).HasMaxLength(Poll.DescriptionMaxLength);
        b.Property(x => x.OnePer).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => new { x.CommunityId, x.ClosesAt });
        b.HasIndex(x => new { x.TownId, x.CreatedAt });
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Options).WithOne().HasForeignKey(o => o.PollId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Options).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PollOptionConfiguration : IEntityTypeConfiguration<PollOption>
{
    public void Configure(EntityTypeBuilder<PollOption> b)
    {
        b.ToTable("poll_options");
        b.HasKey(x => x.Id);
        b.Property(x => x.Text).HasMaxLength(Poll.OptionMaxLength).IsRequired();
        b.HasIndex(x => new { x.PollId, x.Position }).IsUnique();
    }
}

internal sealed class PollVoteConfiguration : IEntityTypeConfiguration<PollVote>
{
    public void Configure(EntityTypeBuilder<PollVote> b)
    {
        b.ToTable("poll_votes");
        b.HasKey(x => x.Id);
        b.Property(x => x.VoterKey).HasMaxLength(PollVote.VoterKeyMaxLength).IsRequired();
        // The one-vote rule: "r:<resident>" or "h:<household>" once per poll, whatever the clicks race.
        b.HasIndex(x => new { x.PollId, x.VoterKey }).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.PollId });
        b.HasOne<Poll>().WithMany().HasForeignKey(x => x.PollId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Choices).WithOne().HasForeignKey(c => c.VoteId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Choices).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PollVoteChoiceConfiguration : IEntityTypeConfiguration<PollVoteChoice>
{
    public void Configure(EntityTypeBuilder<PollVoteChoice> b)
    {
        b.ToTable("poll_vote_choices");
        b.HasKey(x => new { x.VoteId, x.OptionId });
        b.HasIndex(x => new { x.PollId, x.OptionId });
        b.HasOne<PollOption>().WithMany().HasForeignKey(x => x.OptionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<Proposal>
{
    public void Configure(EntityTypeBuilder<Proposal> b)
    {
        b.ToTable("proposals");
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(Proposal.TitleMaxLength).IsRequired();
        b.Property(x => x.Content).HasMaxLength(Proposal.ContentMaxLength).IsRequired();
        b.Property(x => x.Answer).HasMaxLength(Proposal.AnswerMaxLength + Poll.TitleMaxLength);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => new { x.CommunityId, x.Status, x.CreatedAt });
        b.HasIndex(x => new { x.ResidentId, x.CreatedAt });
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
    }
}
