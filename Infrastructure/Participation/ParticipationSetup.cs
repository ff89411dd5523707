using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Points.Infrastructure.Seeding;

namespace Points.Infrastructure.Participation;

/// <summary>The <c>Participation:</c> section.</summary>
public sealed class ParticipationOptions
{
    public const string Section = "Participation";

    /// <summary>Review queue items untouched this many days are flagged.</summary>
    public int StaleAfterDays { get; set; } = 3;

    /// <summary>Negative records expire this many years after they occurred unless staff set a date (at most 5).</summary>
    public int NegativeRecordDefaultYears { get; set; } = 3;

    /// <summary>Points for a verified (closed) hazard report.</summary>
    public int HazardReportPoints { get; set; } = 10;

    public int HonorRollSize { get; set; } = 10;

    public int HonorRollCacheSeconds { get; set; } = 60;
}

public static class ParticipationSetup
{
    public static IServiceCollection AddParticipation(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ParticipationOptions>(configuration.GetSection(ParticipationOptions.Section));
        services.Configure<ContentCheckOptions>(configuration.GetSection(ContentCheckOptions.Section));
        services.AddSingleton<IFileStorage, LocalDiskFileStorage>();
        services.AddSingleton<BlocklistContentChecker>();
        services.AddScoped<IContentChecker, WeChatContentChecker>();
        services.AddScoped<IResidentNotifier, OutboxResidentNotifier>();
        services.AddScoped<PendingPoints>();
        services.AddScoped<ReportStatistics>();
        services.AddScoped<LearningService>();
        services.AddScoped<NegativeRecordService>();
        services.AddScoped<DeclarationService>();
        services.AddScoped<NegativeRecordQueue>();
        services.AddScoped<IDemoSeedContributor, ParticipationSeed>();
        return services;
    }
}
