using System.Diagnostics.CodeAnalysis;

namespace Points.Domain.Common;

/// <summary>The outcome of a rule: a value or an expected failure.</summary>
/// <remarks>
/// Success is a flag set only by <see cref="Ok"/>, so <c>default(Result&lt;T&gt;)</c> (an uninitialised field, a
/// forgotten return) is not a success: it reads as a failure whose <see cref="Error"/> throws, which the Api turns
/// into a 500 like any other bug.
/// </remarks>
public readonly struct Result<T>
{
    private readonly T? _value;
    private readonly DomainError? _error;
    private readonly bool _ok;

    private Result(T? value, DomainError? error, bool ok)
    {
        _value = value;
        _error = error;
        _ok = ok;
    }

    /// <summary>The failure; null exactly when <see cref="IsSuccess"/>.</summary>
    public DomainError? Error => _ok ? null : _error ?? throw new InvalidOperationException("default(Result) is neither a success nor a failure.");

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => _ok;

    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsFailure => !_ok;

    public T Value => _ok ? _value! : throw new InvalidOperationException($"Result failed with {_error?.Code ?? "no error (default)"}.");

    public static Result<T> Ok(T value) => new(value, null, ok: true);

    public static Result<T> Fail(DomainError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)), ok: false);

    public static implicit operator Result<T>(DomainError error) => Fail(error);

    public static implicit operator Result<T>(T value) => Ok(value);
}
