using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Points.Api.Activities;
using Points.Api.Administration;
using Points.Api.Audit;
using Points.Api.Auth;
using Points.Api.Coupons;
using Points.Api.Polls;
using Points.Api.Premises;
using Points.Api.Credit;
using Points.Api.Http;
using Points.Api.Ledger;
using Points.Api.Market;
using Points.Api.Mediation;
using Points.Api.Me;
using Points.Api.Operations;
using Points.Api.Participation;
using Points.Api.Regions;
using Points.Api.Residents;
using Points.Api.WeChat;
using Points.Infrastructure.Identity;
using Points.Infrastructure;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Activities;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;
using StackExchange.Redis;

namespace Points.Api;

/// <summary>Refuses configurations that would lose data or split state between instances.</summary>
public static class StartupChecks
{
    public static string? Problem(IConfiguration configuration, IHostEnvironment environment) =>
        (ReverseProxy.Read(configuration).Error is { } proxyError ? "Points API refuses to start: " + proxyError : null)
        ?? InfrastructureProblem(configuration, environment) ?? WeChatProblem(configuration, environment);

    private static string? InfrastructureProblem(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || configuration.GetValue<bool>("Points:AllowEmbedded"))
        {
            return null;
        }

        InfrastructureChoice choice;
        try
        {
            choice = InfrastructureChoice.From(configuration);
        }
        catch (StartupException ex)
        {
            return $"Points API refuses to start: {ex.Message}";
        }

        if (choice.Provider == DatabaseProvider.Sqlite)
        {
            return "Points API refuses to start: the embedded SQLite database is for Development and single-machine trials. "
                + "Set Database:Provider=Postgres and ConnectionStrings:Points, or set Points:AllowEmbedded=true to accept SQLite knowingly.";
        }

        if (!choice.UsesRedis)
        {
            return "Points API refuses to start: without Redis every instance keeps its own sign-up quotas and tokens. "
                + "Set Redis:Configuration (e.g. 127.0.0.1:6379), or set Points:AllowEmbedded=true to run a single instance with the in-process store.";
        }

        return null;
    }

    /// <summary>
    /// Outside Development the mini-program is the residents' only way in, so WeChat is mandatory (even with
    /// Points:AllowEmbedded), with what its image check needs, and so is the key that encrypts phone numbers
    /// and session keys at rest.
    /// </summary>
    public static string? WeChatProblem(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return null;
        }

        var options = configuration.GetSection(WeChatOptions.SectionName).Get<WeChatOptions>() ?? new WeChatOptions();
        var errors = options.GetConfigurationErrors().Concat(options.GetPushConfigurationErrors()).ToList();
        if (errors.Count > 0)
        {
            return "Points API refuses to start: the WeChat mini-program is how residents sign in, so WeChat must be configured outside Development: "
                + string.Join("; ", errors) + ". Set WeChat:BaseUrl (https://api.weixin.qq.com), WeChat:AppId and WeChat:AppSecret.";
        }

        // Uploads are shown to staff and other residents only after WeChat's image check: it must be able to run.
        var moderation = options.GetModerationConfigurationErrors();
        if (moderation.Count > 0)
        {
            return "Points API refuses to start: uploaded images would go unchecked outside Development: " + string.Join("; ", moderation)
                + ". Set WeChat:PublicBaseUrl to the public https origin of this API and WeChat:PushToken with WeChat:EncodingAesKey as in the mini-program console (消息推送).";
        }

        return PersonalDataProtector.CheckKey(configuration[PersonalDataProtector.ConfigurationKey]) is { } keyProblem
            ? "Points API refuses to start: " + keyProblem
            : null;
    }
}

public static class ApiSetup
{
    public const long MaxJsonBodyBytes = 256 * 1024;

    /// <summary>Kestrel's hard ceiling; each endpoint's own limit (256 KB unless it says more) is applied per request.</summary>
    public const long MaxUploadBytes = 16 * 1024 * 1024;

    public static IServiceCollection AddPointsApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddPointsInfrastructure(configuration, environment);
        services.AddCredit();
        services.AddParticipation(configuration);
        var choice = InfrastructureChoice.From(configuration);
        if (configuration.GetValue<bool>(Operations.RequestTiming.Setting))
        {
            services.AddSingleton<Operations.RequestTimingHistogram>();
        }

        services.Configure<JsonOptions>(o => JsonSetup.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxUploadBytes);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
        services.AddValidation();
        services.AddOpenApi(OpenApiSetup.Configure);
        AddDataProtectionKeyRing(services, choice);
        services.AddPointsMetrics(configuration);

        var authOptions = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var key = SigningKey.Resolve(configuration, environment, choice.DataDir);
        services.AddSingleton(authOptions);
        services.AddSingleton(sp => new TokenService(key, authOptions, sp.GetRequiredService<TimeProvider>()));
        services.AddActivities(choice, configuration);
        services.AddSingleton(new CheckInCodes(key.Key));
        services.Configure<CheckInOptions>(configuration.GetSection("Activities:CheckIn"));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TimeProvider>((o, clock) =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = AuthOptions.Issuer,
                ValidAudience = AuthOptions.Audience,
                IssuerSigningKey = key,
                // Exactly the algorithm TokenService signs with: the same key under HS384/HS512 (or "none") is refused.
                ValidAlgorithms = [TokenService.SigningAlgorithm],
                NameClaimType = PointsClaims.Subject,
                RoleClaimType = PointsClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
                // Lifetimes are checked against the injected clock, the same one that issued them.
                LifetimeValidator = (notBefore, expires, _, p) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore.Value <= now + p.ClockSkew) && expires is { } exp && exp > now - p.ClockSkew;
                },
            };
        });
        // No fallback policy: it would answer unknown routes with 401 instead of 404. Every group sets
        // RequireAuthorization or AllowAnonymous, and a test walks all endpoints to prove it.
        services.AddAuthorizationBuilder().AddPointsPolicies();

        services.Configure<AuthRateLimitOptions>(configuration.GetSection(AuthRateLimitOptions.Section));
        ReverseProxy.Configure(services, configuration);

        services.AddWeChat(configuration, environment.IsDevelopment());
        services.AddWeChatApplication(configuration, environment, choice.DataDir);
        services.AddSingleton(sp => new CheckInSceneTokens(key.Key, sp.GetRequiredService<IOptions<WeChatOptions>>().Value.CheckInCodeLifetime));

        return services;
    }

    /// <summary>
    /// The ASP.NET Core data-protection key ring (cookies, antiforgery tokens): in Redis when Redis is configured, so
    /// every instance reads and writes the same keys; otherwise ASP.NET Core's default (a single instance).
    /// </summary>
    public static readonly string DataProtectionKeysKey = "data-protection-keys";

    private static void AddDataProtectionKeyRing(IServiceCollection services, InfrastructureChoice choice)
    {
        services.AddDataProtection().SetApplicationName("Points");
        if (choice.UsesRedis)
        {
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((o, mux) =>
                o.XmlRepository = new RedisXmlRepository(() => mux.GetDatabase(), choice.RedisKeyPrefix + DataProtectionKeysKey));
        }
    }

    public static WebApplication UsePointsPipeline(this WebApplication app)
    {
        if (ReverseProxy.IsConfigured(app.Configuration))
        {
            app.UseForwardedHeaders();
        }

        app.UseRequestTiming();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = Problems.HandleException });
        app.UseStatusCodePages();
        app.UseMetricsAccess();
        app.UseConsolePaths();
        app.UseRouting();
        app.UseRequestSizeLimit();
        app.UseAuthentication();
        app.UseProxySessionGate();
        app.UseAuditActor();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseControlCharacterGuard();
        return app;
    }

    public static WebApplication MapPointsEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Points API v1");
            o.DocumentTitle = "Points API";
        });
        app.MapHealth();
        app.MapRequestTiming();
        app.MapMetrics();
        app.MapAuth(app.Environment);
        app.MapAccountLocks();
        app.MapMe();
        app.MapRegions();
        app.MapRegionAdministration();
        app.MapPlatform();
        app.MapCommunityMoves();
        app.MapStaff();
        app.MapPartners();
        app.MapTownAdministration();
        app.MapMerchantHistory();
        app.MapPoints();
        app.MapMerchant();
        app.MapMarket();
        app.MapCoupons();
        app.MapMediation();
        app.MapPolls();
        app.MapPremises();
        app.MapSummaries();
        app.MapCredit();
        app.MapActivities();
        app.MapPhone();
        app.MapWeChatPush();
        app.MapParticipation();
        app.MapResidents();
        app.MapResidentImport();
        app.MapAudit();
        app.MapProxySessions();
        app.MapConsole();
        return app;
    }
}
