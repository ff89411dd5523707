using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.WeChat;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class WeChatPushEventConfiguration : IEntityTypeConfiguration<WeChatPushEvent>
{
    public void Configure(EntityTypeBuilder<WeChatPushEvent> b)
    {
        b.ToTable("wechat_push_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.DedupeKey).HasMaxLength(WeChatPushEvent.DedupeKeyMaxLength).IsRequired();
        b.Property(x => x.MsgType).HasMaxLength(WeChatPushEvent.MsgTypeMaxLength).IsRequired();
        b.Property(x => x.Event).HasMaxLength(WeChatPushEvent.EventMaxLength);
        b.Property(x => x.FromUserName).HasMaxLength(WeChatPushEvent.UserMaxLength);
        b.Property(x => x.TraceId).HasMaxLength(WeChatPushEvent.TraceIdMaxLength);
        b.Property(x => x.Payload).HasMaxLength(WeChatPushEvent.PayloadMaxLength).IsRequired();
        b.HasIndex(x => x.DedupeKey).IsUnique();
        b.HasIndex(x => x.ReceivedAt);
    }
}
