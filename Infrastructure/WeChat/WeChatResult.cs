using System.Diagnostics.CodeAnalysis;

namespace Points.Infrastructure.WeChat;

/// <summary>Outcome of a WeChat call: expected failures are values, exceptions are bugs.</summary>
public sealed class WeChatResult<T>
{
    private WeChatResult(T? value, WeChatError? error)
    {
        Value = value;
        Error = error;
    }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T? Value { get; }

    public WeChatError? Error { get; }

#pragma warning disable CA1000 // the brief fixes Ok/Fail as static members of the result type
    public static WeChatResult<T> Ok(T value) => new(value, null);

    public static WeChatResult<T> Fail(WeChatError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));
#pragma warning restore CA1000

    public override string ToString() => IsSuccess ? $"Ok({Value})" : $"Fail({Error})";
}
