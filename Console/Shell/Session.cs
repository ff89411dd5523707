using System.Text.Json;
using Microsoft.JSInterop;
using Points.Console.ApiClient;

namespace Points.Console.Shell;

/// <summary>
/// The signed-in person: tokens and who they are. Kept in the browser's sessionStorage (one tab, gone when it closes),
/// so a reload keeps the session and the servers keep nothing. The access token is renewed with the refresh token a
/// minute before it expires; when that fails the session ends and the shell sends the person to sign in again.
/// </summary>
public sealed class Session(IJSRuntime js, TimeProvider clock)
{
    private const string StorageKey = "points.console.session";
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(60);

    public sealed record Stored(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, MeResponse Me);

    private Stored? _current;
    private bool _loaded;

    public event Action? Changed;

    public MeResponse? Me => _current?.Me;

    public bool SignedIn => _current is not null;

    public string? AccessToken => _current?.AccessToken;

    public DateTimeOffset? ExpiresAt => _current?.ExpiresAt;

    /// <summary>True when the session ended by itself (expired, refresh refused), so sign-in says why.</summary>
    public bool Expired { get; private set; }

    public bool IsInRole(params string[] roles) => _current?.Me.Roles.Any(roles.Contains) == true;

    public bool NeedsRefresh => _current is { RefreshToken: not null } s && s.ExpiresAt - clock.GetUtcNow() < RefreshAhead;

    public async Task LoadAsync()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        try
        {
            var json = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
            _current = string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<Stored>(json, PointsApi.Json);
        }
        catch (JsonException)
        {
            _current = null;
        }
    }

    public async Task StartAsync(TokenResponse token)
    {
        var me = token.Account ?? throw new InvalidOperationException("a staff token names its account");
        _current = new Stored(token.AccessToken, token.RefreshToken, clock.GetUtcNow().AddSeconds(token.ExpiresIn), me);
        Expired = false;
        await SaveAsync();
    }

    public async Task RenewAsync(TokenResponse token)
    {
        if (_current is null)
        {
            return;
        }

        _current = _current with { AccessToken = token.AccessToken, RefreshToken = token.RefreshToken ?? _current.RefreshToken, ExpiresAt = clock.GetUtcNow().AddSeconds(token.ExpiresIn) };
        await SaveAsync();
    }

    public async Task EndAsync(bool expired)
    {
        _current = null;
        Expired = expired;
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
    }

    public string? RefreshToken => _current?.RefreshToken;

    private async Task SaveAsync()
    {
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, JsonSerializer.Serialize(_current, PointsApi.Json));
        Changed?.Invoke();
    }
}
