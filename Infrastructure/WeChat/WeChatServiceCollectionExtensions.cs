using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.WeChat.Notifications;
using StackExchange.Redis;

namespace Points.Infrastructure.WeChat;

public static class WeChatServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWeChatClient"/> from the <c>WeChat</c> section. In Development with an empty
    /// BaseUrl: <see cref="DevelopmentWeChatClient"/>. Otherwise the typed HTTP client, whose token store is
    /// Redis when an <see cref="IConnectionMultiplexer"/> is registered (at resolution time), else in-process.
    /// Outside Development an empty BaseUrl still registers; every call then fails with kind Configuration.
    /// With the real client the notification outbox is delivered by <see cref="WeChatOutboxNotificationSender"/>.
    /// </summary>
    public static IServiceCollection AddWeChat(this IServiceCollection services, IConfiguration configuration, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(WeChatOptions.SectionName);
        services.AddOptions<WeChatOptions>().Bind(section);
        services.TryAddSingleton(TimeProvider.System);

        if (isDevelopment && string.IsNullOrWhiteSpace(section[nameof(WeChatOptions.BaseUrl)]))
        {
            services.TryAddSingleton<IWeChatClient, DevelopmentWeChatClient>();
            return services;
        }

        services.TryAddSingleton<IAccessTokenStore>(sp =>
        {
            var redis = sp.GetService<IConnectionMultiplexer>();
            return redis is null
                ? new InProcessAccessTokenStore()
                : new RedisAccessTokenStore(redis, (sp.GetService<InfrastructureChoice>()?.RedisKeyPrefix ?? string.Empty) + sp.GetRequiredService<IOptions<WeChatOptions>>().Value.TokenKeyPrefix);
        });
        services.TryAddSingleton<WeChatAccessTokenProvider>();

        // Timeouts are per request (linked tokens); the default handler logging would write whole URLs,
        // which carry the secret and the access token, so it is removed.
        services.AddHttpClient<IWeChatClient, WeChatClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        // With the real client, the outbox drains into WeChat subscribe messages (in place of the
        // logging sender that AddNotifications registers with TryAdd). Scoped: it reads the users table.
        services.TryAddScoped<WeChatSubscribeNotificationSender>();
        services.Replace(ServiceDescriptor.Scoped<INotificationSender, WeChatOutboxNotificationSender>());
        return services;
    }
}
