using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Jobs;
using Points.Domain.Ledger;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class LedgerAccountConfiguration : IEntityTypeConfiguration<LedgerAccount>
{
    public void Configure(EntityTypeBuilder<LedgerAccount> b)
    {
        b.ToTable("ledger_accounts", t => t.HasCheckConstraint("ck_ledger_accounts_wallet_non_negative", "kind <> 'ResidentWallet' OR balance >= 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.HasIndex(x => new { x.Kind, x.OwnerId }).IsUnique();
        b.HasIndex(x => x.TownId);
    }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntry>
{
    public void Configure(EntityTypeBuilder<JournalEntry> b)
    {
        b.ToTable("journal_entries", t => t.HasCheckConstraint("ck_journal_entries_points_positive", "points > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Reason).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.SourceType).HasMaxLength(TransferRequest.SourceMaxLength);
        b.Property(x => x.SourceId).HasMaxLength(TransferRequest.SourceMaxLength);
        b.Property(x => x.IdempotencyKey).HasMaxLength(TransferRequest.IdempotencyKeyMaxLength).IsRequired();
        b.Property(x => x.Fingerprint).HasMaxLength(400).IsRequired();
        b.Property(x => x.Note).HasMaxLength(TransferRequest.NoteMaxLength);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.DebitAccountId, x.OccurredAt });
        b.HasIndex(x => new { x.CreditAccountId, x.OccurredAt });
        b.HasIndex(x => x.ReversesEntryId).IsUnique();
        b.HasIndex(x => new { x.SourceType, x.SourceId });
        b.HasIndex(x => new { x.CommunityId, x.OccurredAt });
        b.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.DebitAccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.CreditAccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.ToTable("job_leases");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(JobLease.NameMaxLength);
        b.Property(x => x.Holder).HasMaxLength(JobLease.HolderMaxLength).IsRequired();
    }
}

internal sealed class MerchantSettlementConfiguration : IEntityTypeConfiguration<MerchantSettlement>
{
    public void Configure(EntityTypeBuilder<MerchantSettlement> b)
    {
        b.ToTable("merchant_settlements");
        b.HasKey(x => x.Id);
        b.Property(x => x.Period).HasMaxLength(MerchantSettlement.PeriodLength).IsRequired();
        // One approval per merchant and month: a second approval (or a racing one) is refused by the database.
        b.HasIndex(x => new { x.MerchantId, x.Period }).IsUnique();
        b.HasIndex(x => new { x.TownId, x.Period });
        b.HasOne<Points.Domain.Regions.Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Points.Domain.Identity.Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Points.Domain.Identity.UserAccount>().WithMany().HasForeignKey(x => x.ApprovedBy).OnDelete(DeleteBehavior.Restrict);
    }
}
