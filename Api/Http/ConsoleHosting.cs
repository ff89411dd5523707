namespace Points.Api.Http;

/// <summary>
/// The staff console (Console/, Blazor WebAssembly) is static files served by this process at /console: the build's
/// static-asset manifest maps each file with ETags and its precompressed (Brotli, gzip) twin; any other path under
/// /console is a page of the app and gets its index.html. The console signs in and calls /api like any client.
/// </summary>
public static class ConsoleHosting
{
    public const string Prefix = "/console";

    public static void MapConsole(this WebApplication app)
    {
        app.MapGet(Prefix, () => TypedResults.Redirect(Prefix + "/")).AllowAnonymous().ExcludeFromDescription();
        app.MapStaticAssets().AllowAnonymous();
        app.MapFallbackToFile(Prefix.TrimStart('/') + "/{*path:nonfile}", "console/index.html").AllowAnonymous();
    }
}
