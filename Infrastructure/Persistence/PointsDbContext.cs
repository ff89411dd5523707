using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Points.Domain.Audit;
using Points.Domain.Credit;
using Points.Domain.Activities;
using Points.Domain.Coupons;
using Points.Domain.Mediation;
using Points.Domain.Polls;

using Points.Domain.Premises;
using Points.Domain.Identity;
using Points.Domain.Jobs;
using Points.Domain.Ledger;
using Points.Domain.Market;
using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Domain.Regions;
using Points.Domain.WeChat;

namespace Points.Infrastructure.Persistence;

/// <summary>
/// The one DbContext. The model is provider-neutral (no provider-specific column types or SQL in
/// configurations), so SQLite, PostgreSQL and a future MySQL provider share it. Tables and columns
/// are snake_case so hand-written SQL and psql sessions read naturally.
/// </summary>
public sealed class PointsDbContext(DbContextOptions<PointsDbContext> options) : DbContext(options)
{
    public DbSet<Town> Towns => Set<Town>();

    public DbSet<Community> Communities => Set<Community>();

    public DbSet<Grid> Grids => Set<Grid>();

    public DbSet<MicroGrid> MicroGrids => Set<MicroGrid>();

    public DbSet<GridAssignment> GridAssignments => Set<GridAssignment>();

    public DbSet<CommunityMove> CommunityMoves => Set<CommunityMove>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<Merchant> Merchants => Set<Merchant>();

    public DbSet<BankClient> BankClients => Set<BankClient>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<RefreshTokenFamily> RefreshTokenFamilies => Set<RefreshTokenFamily>();

    public DbSet<LoginThrottle> LoginThrottles => Set<LoginThrottle>();

    public DbSet<AccountLockEvent> AccountLockEvents => Set<AccountLockEvent>();

    public DbSet<JobLease> JobLeases => Set<JobLease>();

    public DbSet<LedgerAccount> LedgerAccounts => Set<LedgerAccount>();

    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();

    public DbSet<EarningRule> EarningRules => Set<EarningRule>();

    public DbSet<ExpiryPolicy> ExpiryPolicies => Set<ExpiryPolicy>();

    public DbSet<Paycode> Paycodes => Set<Paycode>();

    public DbSet<Redemption> Redemptions => Set<Redemption>();

    public DbSet<MerchantSettlement> MerchantSettlements => Set<MerchantSettlement>();

    public DbSet<MarketItem> MarketItems => Set<MarketItem>();

    public DbSet<MarketOrder> MarketOrders => Set<MarketOrder>();


    public DbSet<CreditModel> CreditModels => Set<CreditModel>();

    public DbSet<CreditProfile> CreditProfiles => Set<CreditProfile>();

    public DbSet<CreditConsent> CreditConsents => Set<CreditConsent>();

    public DbSet<CreditQuery> CreditQueries => Set<CreditQuery>();

    public DbSet<LoanOutcome> LoanOutcomes => Set<LoanOutcome>();

    public DbSet<CreditAppeal> CreditAppeals => Set<CreditAppeal>();
    public DbSet<Activity> Activities => Set<Activity>();

    public DbSet<SignUp> SignUps => Set<SignUp>();

    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<WeChatPushEvent> WeChatPushEvents => Set<WeChatPushEvent>();

    public DbSet<Upload> Uploads => Set<Upload>();

    public DbSet<Declaration> Declarations => Set<Declaration>();

    public DbSet<DeclarationCategorySetting> DeclarationCategorySettings => Set<DeclarationCategorySetting>();

    public DbSet<TimelineEvent> ParticipationEvents => Set<TimelineEvent>();

    public DbSet<HazardReport> HazardReports => Set<HazardReport>();

    public DbSet<ReportStatsMonth> ReportStatsMonths => Set<ReportStatsMonth>();

    public DbSet<Article> Articles => Set<Article>();

    public DbSet<ArticleRead> ArticleReads => Set<ArticleRead>();

    public DbSet<ArticleComment> ArticleComments => Set<ArticleComment>();

    public DbSet<NegativeRecord> NegativeRecords => Set<NegativeRecord>();

    public DbSet<CouponTemplate> CouponTemplates => Set<CouponTemplate>();

    public DbSet<Coupon> Coupons => Set<Coupon>();

    public DbSet<CouponRedemption> CouponRedemptions => Set<CouponRedemption>();

    public DbSet<Poll> Polls => Set<Poll>();

    public DbSet<PollOption> PollOptions => Set<PollOption>();

    public DbSet<PollVote> PollVotes => Set<PollVote>();

    public DbSet<PollVoteChoice> PollVoteChoices => Set<PollVoteChoice>();

    public DbSet<Proposal> Proposals => Set<Proposal>();

    public DbSet<KeyPremises> Premises => Set<KeyPremises>();

    public DbSet<PremisesChecklist> PremisesChecklists => Set<PremisesChecklist>();

    public DbSet<PremisesSelfCheck> PremisesSelfChecks => Set<PremisesSelfCheck>();

    public DbSet<PremisesMonth> ClosedPremisesMonths => Set<PremisesMonth>();

    public DbSet<PremisesFollowUp> PremisesFollowUps => Set<PremisesFollowUp>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ProxySession> ProxySessions => Set<ProxySession>();

    public DbSet<Mediator> Mediators => Set<Mediator>();

    public DbSet<MediationRequest> MediationRequests => Set<MediationRequest>();

    public DbSet<CaseLibraryEntry> CaseLibrary => Set<CaseLibraryEntry>();

    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as text; store UTC ticks there.
        // PostgreSQL's timestamptz accepts only UTC offsets, so normalise on the way in.
        if (IsSqlite)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PointsDbContext).Assembly);
        ApplySnakeCase(modelBuilder);
    }

    private static void ApplySnakeCase(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table && !entity.IsOwned())
            {
                entity.SetTableName(SnakeCase(table));
            }

            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.GetColumnName()));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(SnakeCase(key.GetName()!));
            }

            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(SnakeCase(index.GetDatabaseName()!));
            }
        }
    }

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v);
}
