using Points.Domain.Common;

namespace Points.Api.Http;

/// <summary>
/// Reads the client's idempotency key for a write that moves points: the <c>Idempotency-Key</c>
/// header, or a body field where the contract has one (both present must agree). 1 to 128 visible
/// ASCII characters; features prefix it with the caller's id before it reaches the journal, so two
/// callers can never collide on a key.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    public static readonly DomainError Required = DomainError.Validation("idempotency.key_required", "请求缺少幂等键（Idempotency-Key）");
    public static readonly DomainError Invalid = DomainError.Validation("idempotency.key_invalid", "幂等键须为1到128个可见字符");

    public static Result<string> Read(HttpRequest request, string? bodyValue = null)
    {
        var values = request.Headers[Header];
        if (values.Count > 1)
        {
            return Invalid;
        }

        var header = values.Count == 1 ? values[0] : null;
        if (header is null && bodyValue is null)
        {
            return Required;
        }

        if (header is not null && bodyValue is not null && header != bodyValue)
        {
            return Invalid.With("reason", "header and body keys differ");
        }

        var key = header ?? bodyValue!;
        return IsValid(key) ? key : Invalid;
    }

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~');
}
