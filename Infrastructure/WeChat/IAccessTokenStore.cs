namespace Points.Infrastructure.WeChat;

/// <summary>A cached access token with the moment it stops being used (already minus the safety margin).</summary>
public sealed record CachedAccessToken(string Token, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"CachedAccessToken {{ ExpiresAt = {ExpiresAt:O}, Token = *** }}";
}

/// <summary>
/// Where every instance of the app finds the one access token of an appid, plus the refresh lock and
/// the force-refresh counters. Redis in production, in-process for the embedded single-instance default.
/// </summary>
public interface IAccessTokenStore
{
    Task<CachedAccessToken?> GetAsync(string appId, CancellationToken ct);

    /// <summary>Overwrites the token (the old one is never deleted first); the entry lives until <paramref name="now"/> reaches ExpiresAt.</summary>
    Task SetAsync(string appId, CachedAccessToken token, DateTimeOffset now, CancellationToken ct);

    /// <summary>Expires the cached token only if it still equals <paramref name="failedToken"/>; true when it did.</summary>
    Task<bool> ExpireIfMatchesAsync(string appId, string failedToken, CancellationToken ct);

    /// <summary>Takes the refresh lock; returns the lock id to release with, or null when someone else holds it.</summary>
    Task<string?> TryAcquireLockAsync(string appId, TimeSpan lease, CancellationToken ct);

    /// <summary>Releases the lock only if <paramref name="lockId"/> still owns it.</summary>
    Task ReleaseLockAsync(string appId, string lockId, CancellationToken ct);

    /// <summary>Counts one force refresh if the last one is at least <paramref name="minInterval"/> old and fewer than <paramref name="dailyLimit"/> happened today (Beijing time).</summary>
    Task<bool> TryReserveForceRefreshAsync(string appId, DateTimeOffset now, TimeSpan minInterval, int dailyLimit, CancellationToken ct);
}

internal static class AccessTokenStoreDay
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    // WeChat quotas reset at midnight Beijing time.
    public static string Of(DateTimeOffset now) => now.ToOffset(Beijing).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
}
