using Microsoft.Extensions.DependencyInjection;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Seeding;

namespace Points.Infrastructure.Credit;

public static class CreditSetup
{
    public static IServiceCollection AddCredit(this IServiceCollection services)
    {
        services.AddSingleton<CreditModelHolder>();
        services.AddScoped<CreditModelStore>();
        services.AddScoped<BehaviourFeatureExtractor>();
        services.AddScoped<CreditProfileService>();
        services.AddScoped<CreditConsentService>();
        services.AddSingleton<CreditQueryAuditor>();
        services.AddHostedService(sp => sp.GetRequiredService<CreditQueryAuditor>());
        services.AddSingleton<CreditConsentLookup>();
        services.AddHostedService(sp => sp.GetRequiredService<CreditConsentLookup>());
        services.AddScoped<CreditTrainingService>();
        services.AddScoped<CreditActivationGuard>();
        services.AddHostedService<CreditModelLoader>();
        services.AddScheduledJob<CreditRescoreJob>();
        services.AddScoped<CreditProfileRetention>();
        services.AddScheduledJob<CreditProfileRetentionJob>();
        services.AddScoped<IDemoSeedContributor, CreditDemoSeed>();
        return services;
    }
}

/// <summary>Initial expert-1 profiles for the demo residents and one consent of resident 1 for the demo bank.</summary>
public sealed class CreditDemoSeed : IDemoSeedContributor
{
    /// <summary>The demo bank can try <c>GET /api/bank/credit/{token}</c> with this (demo data only; real tokens are random).</summary>
    public const string DemoConsentToken = "demo-consent-token-2026";

    public async Task SeedAsync(IServiceProvider services, DemoTown town, CancellationToken ct)
    {
        await services.GetRequiredService<CreditModelStore>().EnsureActiveAndLoadAsync(ct);
        var clock = services.GetRequiredService<TimeProvider>();
        await services.GetRequiredService<CreditProfileService>().RescoreAllAsync(clock.GetUtcNow(), ct);
        var granted = await services.GetRequiredService<CreditConsentService>()
            .GrantAsync(town.ResidentIds[0], town.BankId, "演示：申请农户小额信用贷款", 365, ct, DemoConsentToken);
        if (!granted.IsSuccess)
        {
            throw new InvalidOperationException($"demo consent not seeded: {granted.Error.Code}");
        }
    }
}
