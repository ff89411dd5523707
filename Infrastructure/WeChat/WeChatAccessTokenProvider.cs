using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Points.Infrastructure.WeChat;

/// <summary>Fetches a stable access token from WeChat; <c>forceRefresh</c> maps to <c>force_refresh</c>.</summary>
public delegate Task<WeChatResult<StableAccessToken>> StableTokenFetcher(bool forceRefresh, CancellationToken ct);

/// <summary>
/// Hands out the one shared access token of the app. Refreshes are single-flight: a semaphore in the
/// process and a lock in the store across instances; the store is read again after taking the lock.
/// </summary>
public sealed class WeChatAccessTokenProvider : IDisposable
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly IAccessTokenStore _store;
    private readonly WeChatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WeChatAccessTokenProvider> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public WeChatAccessTokenProvider(IAccessTokenStore store, IOptions<WeChatOptions> options, TimeProvider time, ILogger<WeChatAccessTokenProvider> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// When a token with <paramref name="expiresIn"/> seconds left stops being used: 10 minutes early
    /// when more than an hour is left, else 20 % early. 7200 is never assumed.
    /// </summary>
    public static DateTimeOffset ComputeExpiry(DateTimeOffset now, int expiresIn)
    {
        var margin = expiresIn > 3600 ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(Math.Max(1, expiresIn / 5.0));
        return now + TimeSpan.FromSeconds(expiresIn) - margin;
    }

    public async Task<WeChatResult<string>> GetTokenAsync(StableTokenFetcher fetch, CancellationToken ct)
    {
        var cached = await _store.GetAsync(_options.AppId, ct).ConfigureAwait(false);
        if (IsUsable(cached, failedToken: null))
        {
            return WeChatResult<string>.Ok(cached!.Token);
        }

        return await RefreshAsync(fetch, failedToken: null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// After WeChat refused <paramref name="failedToken"/> (40001/42001/40014): expire it only if the
    /// store still holds it, then get a different one. Callers retry their call once with the result.
    /// </summary>
    public async Task<WeChatResult<string>> RenewAfterRejectionAsync(string failedToken, StableTokenFetcher fetch, CancellationToken ct)
    {
        var expired = await _store.ExpireIfMatchesAsync(_options.AppId, failedToken, ct).ConfigureAwait(false);
        _logger.LogWarning("WeChat access token rejected; cached copy expired: {Expired}", expired);
        return await RefreshAsync(fetch, failedToken, ct).ConfigureAwait(false);
    }

    private bool IsUsable(CachedAccessToken? cached, string? failedToken) =>
        cached is not null && cached.ExpiresAt > _time.GetUtcNow() && !string.Equals(cached.Token, failedToken, StringComparison.Ordinal);

    private async Task<WeChatResult<string>> RefreshAsync(StableTokenFetcher fetch, string? failedToken, CancellationToken ct)
    {
        await _refresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var cached = await _store.GetAsync(_options.AppId, ct).ConfigureAwait(false);
                if (IsUsable(cached, failedToken))
                {
                    return WeChatResult<string>.Ok(cached!.Token);
                }

                var lockId = await _store.TryAcquireLockAsync(_options.AppId, _options.TokenLockLease, ct).ConfigureAwait(false);
                if (lockId is not null)
                {
                    try
                    {
                        return await FetchUnderLockAsync(fetch, failedToken, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        await _store.ReleaseLockAsync(_options.AppId, lockId, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                if (waited.Elapsed > _options.TokenLockWait)
                {
                    _logger.LogWarning("WeChat access token refresh by another instance did not finish within {WaitMs} ms", (long)_options.TokenLockWait.TotalMilliseconds);
                    return WeChatResult<string>.Fail(new WeChatError(WeChatErrorCodes.ClientTokenLockTimeout, "timed out waiting for the access token refresh lock", WeChatErrorKind.Busy));
                }

                await Task.Delay(LockPollInterval, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<WeChatResult<string>> FetchUnderLockAsync(StableTokenFetcher fetch, string? failedToken, CancellationToken ct)
    {
        // Another instance may have refreshed between our read and taking the lock.
        var cached = await _store.GetAsync(_options.AppId, ct).ConfigureAwait(false);
        if (IsUsable(cached, failedToken))
        {
            return WeChatResult<string>.Ok(cached!.Token);
        }

        var fetched = await fetch(false, ct).ConfigureAwait(false);
        if (!fetched.IsSuccess)
        {
            return WeChatResult<string>.Fail(fetched.Error);
        }

        if (failedToken is not null && string.Equals(fetched.Value.AccessToken, failedToken, StringComparison.Ordinal))
        {
            // Normal mode hands back the token WeChat just refused: only force_refresh replaces it.
            var allowed = await _store.TryReserveForceRefreshAsync(
                _options.AppId, _time.GetUtcNow(), _options.ForceRefreshMinInterval, _options.ForceRefreshDailyLimit, ct).ConfigureAwait(false);
            if (!allowed)
            {
                _logger.LogError("WeChat access token keeps being refused and force_refresh is rate-limited (30 s apart, {Limit} a day)", _options.ForceRefreshDailyLimit);
                return WeChatResult<string>.Fail(new WeChatError(WeChatErrorCodes.ClientForceRefreshLimited, "access token refused and force_refresh is rate-limited", WeChatErrorKind.TokenInvalid));
            }

            _logger.LogWarning("WeChat stable_token normal mode returned the refused token; using force_refresh");
            fetched = await fetch(true, ct).ConfigureAwait(false);
            if (!fetched.IsSuccess)
            {
                return WeChatResult<string>.Fail(fetched.Error);
            }
        }

        var now = _time.GetUtcNow();
        var entry = new CachedAccessToken(fetched.Value.AccessToken, ComputeExpiry(now, fetched.Value.ExpiresIn));
        await _store.SetAsync(_options.AppId, entry, now, ct).ConfigureAwait(false);
        _logger.LogInformation("WeChat access token refreshed; expires_in {ExpiresIn} s, used until {ExpiresAt:O}", fetched.Value.ExpiresIn, entry.ExpiresAt);
        return WeChatResult<string>.Ok(entry.Token);
    }

    public void Dispose() => _refresh.Dispose();
}
