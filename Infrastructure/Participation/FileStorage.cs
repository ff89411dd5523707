namespace Points.Infrastructure.Participation;

/// <summary>Where uploaded files live. Local disk by default; an object store can replace it.</summary>
public interface IFileStorage
{
    Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>The stored bytes, or null when the key is unknown.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Files under <c>Points:DataDir/uploads</c>; keys are relative paths the application made (never user input).</summary>
public sealed class LocalDiskFileStorage(InfrastructureChoice choice) : IFileStorage
{
    private readonly string _root = Path.Combine(choice.DataDir, "uploads");

    public async Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, content.ToArray(), ct);
        File.Move(temp, path, overwrite: true);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        Stream? stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true) : null;
        return Task.FromResult(stream);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(Path.GetFullPath(_root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("storage key escapes the uploads folder", nameof(key));
        }

        return path;
    }
}
