// Temporary: the login contract the WeChat branch implements in full. Deleted at merge.
namespace Points.Infrastructure.WeChat;

public interface IWeChatClient
{
    Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct);
}

public sealed record WeChatSession(string OpenId, string SessionKey, string? UnionId)
{
    public override string ToString() => $"WeChatSession {{ OpenId = {OpenId}, SessionKey = ***, UnionId = {UnionId} }}";
}

public enum WeChatErrorKind
{
    InvalidCode,
    CodeUsed,
    RateLimited,
    Busy,
    Blocked,
    Configuration,
    Malformed,
    Timeout,
    Upstream,
}

public sealed record WeChatError(int ErrCode, string ErrMsg, WeChatErrorKind Kind);

public sealed class WeChatResult<T>
{
    private WeChatResult(T? value, WeChatError? error)
    {
        Value = value;
        Error = error;
    }

    public bool IsSuccess => Error is null;

    public T? Value { get; }

    public WeChatError? Error { get; }

    public static WeChatResult<T> Ok(T value) => new(value, null);

    public static WeChatResult<T> Fail(WeChatError error) => new(default, error);
}

public sealed class DevelopmentWeChatClient : IWeChatClient
{
    public Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(jsCode)
            ? WeChatResult<WeChatSession>.Fail(new WeChatError(40029, "invalid code", WeChatErrorKind.InvalidCode))
            : WeChatResult<WeChatSession>.Ok(new WeChatSession($"dev-openid-{jsCode}", "dev-session-key", null)));
}

public sealed class UnconfiguredWeChatClient : IWeChatClient
{
    public Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct) =>
        Task.FromResult(WeChatResult<WeChatSession>.Fail(new WeChatError(-2, "WeChat:BaseUrl/AppId/AppSecret are not configured", WeChatErrorKind.Configuration)));
}
