using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Notifications;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.PayloadJson).HasMaxLength(Notification.PayloadMaxLength).IsRequired();
        b.Property(x => x.DedupeKey).HasMaxLength(Notification.DedupeKeyMaxLength).IsRequired();
        b.Property(x => x.LastError).HasMaxLength(Notification.ErrorMaxLength);
        b.HasIndex(x => x.DedupeKey).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => x.RecipientId);
    }
}
