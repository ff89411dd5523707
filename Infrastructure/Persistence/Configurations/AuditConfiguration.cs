using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Audit;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(x => x.Id);
        b.Property(x => x.ActorRole).HasMaxLength(AuditEntry.RoleMaxLength).IsRequired();
        b.Property(x => x.Entity).HasMaxLength(AuditEntry.EntityMaxLength).IsRequired();
        b.Property(x => x.EntityId).HasMaxLength(AuditEntry.EntityIdMaxLength).IsRequired();
        b.Property(x => x.Action).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        b.HasIndex(x => new { x.TownId, x.OccurredAt });
        b.HasIndex(x => new { x.ActorId, x.OccurredAt });
        b.HasIndex(x => new { x.Entity, x.EntityId });
        b.HasIndex(x => x.ProxySessionId);
    }
}

internal sealed class ProxySessionConfiguration : IEntityTypeConfiguration<ProxySession>
{
    public void Configure(EntityTypeBuilder<ProxySession> b)
    {
        b.ToTable("proxy_sessions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Reason).HasMaxLength(ProxySession.ReasonMaxLength).IsRequired();
        b.HasIndex(x => x.ResidentId);
        b.HasIndex(x => x.ProxyId);
    }
}
