using Microsoft.AspNetCore.Rewrite;

namespace Points.Api.Http;

/// <summary>
/// The staff console (Console/, Blazor WebAssembly) is static files served by this process at /console: the build's
/// static-asset manifest maps each file with ETags and its precompressed (Brotli, gzip) twin; any other path under
/// /console is a page of the app and gets its index.html. The console signs in and calls /api like any client.
/// </summary>
public static class ConsoleHosting
{
    public const string Prefix = "/console";

    /// <summary>
    /// The console's packages (AntDesign's scripts and styles) are static assets at /_content/…; the console asks for
    /// them relative to its base, /console/_content/…. Runs before routing.
    /// </summary>
    public static void UseConsolePaths(this WebApplication app) =>
        app.UseRewriter(new RewriteOptions().AddRewrite("^console/_content/(.*)$", "_content/$1", skipRemainingRules: true));

    public static void MapConsole(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapFallbackToFile(Prefix.TrimStart('/') + "/{*path:nonfile}", "console/index.html").AllowAnonymous();
    }
}
