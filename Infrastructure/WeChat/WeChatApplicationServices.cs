using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Points.Infrastructure.Identity;
using Points.Infrastructure.WeChat.Notifications;
using Points.Infrastructure.WeChat.Push;

namespace Points.Infrastructure.WeChat;

public static class WeChatApplicationServices
{
    /// <summary>What the app builds on the WeChat client: encryption at rest, the push pipeline.</summary>
    public static IServiceCollection AddWeChatApplication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, string dataDir)
    {
        services.AddSingleton(PersonalDataProtector.Resolve(configuration, environment, dataDir));
        services.AddScoped<WeChatPushProcessor>();
        services.TryAddScoped<IMediaCheckVerdictHandler, UploadModerationVerdictHandler>();
        services.AddScoped<UploadMediaCheck>();
        services.TryAddScoped<WeChatSubscribeNotificationSender>();
        return services;
    }
}
