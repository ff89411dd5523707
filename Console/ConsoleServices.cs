using System.Globalization;
using Points.Console.ApiClient;
using Points.Console.Shell;

namespace Points.Console;

public static class ConsoleServices
{
    /// <summary>Everything the console needs; the API is the origin the console was loaded from.</summary>
    public static IServiceCollection AddConsoleServices(this IServiceCollection services, Uri baseAddress)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = new CultureInfo("zh-CN");
        services.AddAntDesign();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Session>();
        services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + "/") });
        services.AddScoped<PointsApi>();
        services.AddScoped<Downloads>();
        return services;
    }
}
