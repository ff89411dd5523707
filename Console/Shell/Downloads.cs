using Microsoft.JSInterop;
using Points.Console.ApiClient;

namespace Points.Console.Shell;

/// <summary>Hands a file the API returned to the browser as a download.</summary>
public sealed class Downloads(IJSRuntime js)
{
    public async Task SaveAsync(DownloadedFile file)
    {
        using var stream = new MemoryStream(file.Bytes);
        using var reference = new DotNetStreamReference(stream);
        await js.InvokeVoidAsync("pointsConsole.saveFile", file.Name, file.ContentType, reference);
    }
}
