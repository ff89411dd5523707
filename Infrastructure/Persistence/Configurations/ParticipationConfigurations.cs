using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Domain.Regions;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> b)
    {
        b.ToTable("uploads");
        b.HasKey(x => x.Id);
        b.Property(x => x.Format).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Moderation).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.StorageKey).HasMaxLength(Upload.StorageKeyMaxLength).IsRequired();
        b.Property(x => x.Sha256).HasMaxLength(Upload.Sha256Length).IsRequired();
        b.Ignore(x => x.IsHidden);
        b.Ignore(x => x.ContentType);
        b.HasIndex(x => new { x.OwnerId, x.CreatedAt });
        b.HasIndex(x => x.Moderation);
        b.Property(x => x.MediaCheckTraceId).HasMaxLength(Upload.TraceIdMaxLength);
        b.HasIndex(x => x.MediaCheckTraceId);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeclarationConfiguration : IEntityTypeConfiguration<Declaration>
{
    public void Configure(EntityTypeBuilder<Declaration> b)
    {
        b.ToTable("declarations");
        b.HasKey(x => x.Id);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Level).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Text).HasMaxLength(Declaration.TextMaxLength).IsRequired();
        b.Property(x => x.PhotoIds).HasMaxLength(Declaration.PhotoIdsMaxLength).IsRequired();
        b.Property(x => x.LastReason).HasMaxLength(Declaration.ReasonMaxLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.PhotoIdList);
        b.HasIndex(x => new { x.ResidentId, x.SubmittedAt });
        b.HasIndex(x => new { x.CommunityId, x.Status, x.Level });
        b.HasIndex(x => new { x.TownId, x.Status, x.Level });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeclarationCategorySettingConfiguration : IEntityTypeConfiguration<DeclarationCategorySetting>
{
    public void Configure(EntityTypeBuilder<DeclarationCategorySetting> b)
    {
        b.ToTable("declaration_category_settings");
        b.HasKey(x => new { x.TownId, x.Category });
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> b)
    {
        b.ToTable("participation_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Subject).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Action).HasMaxLength(TimelineEvent.ActionMaxLength).IsRequired();
        b.Property(x => x.Note).HasMaxLength(TimelineEvent.NoteMaxLength);
        b.HasIndex(x => new { x.SubjectId, x.At });
    }
}

internal sealed class HazardReportConfiguration : IEntityTypeConfiguration<HazardReport>
{
    public void Configure(EntityTypeBuilder<HazardReport> b)
    {
        b.ToTable("hazard_reports");
        b.HasKey(x => x.Id);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Rejection).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Description).HasMaxLength(HazardReport.DescriptionMaxLength).IsRequired();
        b.Property(x => x.Address).HasMaxLength(HazardReport.AddressMaxLength).IsRequired();
        b.Property(x => x.PhotoIds).HasMaxLength(Declaration.PhotoIdsMaxLength).IsRequired();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.PhotoIdList);
        b.HasIndex(x => new { x.ReporterId, x.ReportedAt });
        b.HasIndex(x => new { x.CommunityId, x.Status });
        b.Property(x => x.Urgency).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Level).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Rating).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.UrgencyReason).HasMaxLength(HazardReport.NoteMaxLength);
        b.Property(x => x.RatingComment).HasMaxLength(HazardReport.NoteMaxLength);
        b.Ignore(x => x.IsOpen);
        b.HasIndex(x => new { x.TownId, x.ReportedAt });
        b.HasIndex(x => new { x.GridId, x.Status });
        b.HasIndex(x => x.EscalateAt);
        b.HasIndex(x => x.AssigneeId);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ReporterId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReportStatsMonthConfiguration : IEntityTypeConfiguration<ReportStatsMonth>
{
    public void Configure(EntityTypeBuilder<ReportStatsMonth> b)
    {
        b.ToTable("report_stats_months");
        b.HasKey(x => x.Id);
        b.Property(x => x.Month).HasMaxLength(ReportStatsMonth.MonthLength).IsRequired();
        b.Ignore(x => x.Counts);
        // A month freezes once: two requests freezing it at the same moment cannot both write their rows.
        b.HasIndex(x => new { x.TownId, x.Month, x.CommunityId, x.GridId }).IsUnique();
    }
}

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.ToTable("articles");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Title).HasMaxLength(Article.TitleMaxLength).IsRequired();
        b.Property(x => x.Body).HasMaxLength(Article.BodyMaxLength).IsRequired();
        b.Property(x => x.QuizQuestion).HasMaxLength(Article.QuizQuestionMaxLength);
        b.Property(x => x.QuizOptions).HasMaxLength(Article.QuizOptionsMaxLength);
        b.Ignore(x => x.HasQuiz);
        b.Ignore(x => x.QuizOptionList);
        b.HasIndex(x => new { x.TownId, x.Status });
    }
}

internal sealed class ArticleReadConfiguration : IEntityTypeConfiguration<ArticleRead>
{
    public void Configure(EntityTypeBuilder<ArticleRead> b)
    {
        b.ToTable("article_reads");
        b.HasKey(x => x.Id);
        b.Ignore(x => x.IsCompleted);
        b.Property(x => x.QuizAttempts).IsConcurrencyToken();
        b.HasIndex(x => new { x.ArticleId, x.ResidentId }).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.CompletedAt });
        b.HasOne<Article>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ArticleCommentConfiguration : IEntityTypeConfiguration<ArticleComment>
{
    public void Configure(EntityTypeBuilder<ArticleComment> b)
    {
        b.ToTable("article_comments");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Text).HasMaxLength(ArticleComment.TextMaxLength).IsRequired();
        b.HasIndex(x => new { x.ArticleId, x.Status });
        b.HasIndex(x => x.ResidentId);
        b.HasOne<Article>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NegativeRecordConfiguration : IEntityTypeConfiguration<NegativeRecord>
{
    public void Configure(EntityTypeBuilder<NegativeRecord> b)
    {
        b.ToTable("negative_records", t => t.HasCheckConstraint("ck_negative_records_severity", "severity BETWEEN 1 AND 3"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Description).HasMaxLength(NegativeRecord.DescriptionMaxLength).IsRequired();
        b.Property(x => x.EvidenceIds).HasMaxLength(NegativeRecord.EvidenceIdsMaxLength).IsRequired();
        b.Property(x => x.Explanation).HasMaxLength(NegativeRecord.TextMaxLength);
        b.Property(x => x.AppealReason).HasMaxLength(NegativeRecord.TextMaxLength);
        b.Property(x => x.DecisionNote).HasMaxLength(NegativeRecord.TextMaxLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.EvidenceIdList);
        b.HasIndex(x => new { x.ResidentId, x.ExpiresAt });
        b.HasIndex(x => new { x.CommunityId, x.Status });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}
