using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Points.Api.Tests.Infrastructure;

namespace Points.Console.Tests;

/// <summary>
/// The API on a real loopback socket (Kestrel, port chosen by the OS) over the test PostgreSQL and Redis, serving the
/// console at /console, and Debian's chromium driven by Playwright. The API's clock starts at the real now, so the
/// browser's clock and the server's agree, and tests move it forward only by minutes.
/// </summary>
public sealed class ConsoleServer : PointsApiFactory, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public static readonly string ScreenshotDir = Path.Combine(RepoRoot(), "docs", "screenshots");

    private IPlaywright? _playwright;
    private IBrowserContext _context = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Clock.SetUtcNow(DateTimeOffset.UtcNow);
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--lang=zh-CN", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDir);

        // One context for every page: a fresh tab has its own sessionStorage (so its own session), and the tabs share
        // the HTTP cache, so only the first page pays for the download of the app.
        _context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            AcceptDownloads = true,
            BaseURL = BaseAddress.ToString(),
        });

        // Generous: the untrimmed debug-size app on a shared 2-core machine took 25-30 s to its first form.
        _context.SetDefaultTimeout(120_000);
    }

    /// <summary>A fresh tab (its own sessionStorage, so signed out) at 1366×768, the town office screen, in Chinese.</summary>
    public Task<IPage> NewPageAsync() => _context.NewPageAsync();

    public async Task<IPage> SignedInAsync(string username, string path = "console/activities")
    {
        var page = await NewPageAsync();
        await page.GotoAsync(path);
        await page.GetByLabel("用户名").FillAsync(username);
        await page.GetByLabel("密码").FillAsync("Points@2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).WaitForAsync();
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), Type = ScreenshotType.Png });

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            if (_context is not null)
            {
                await _context.CloseAsync();
            }

            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
