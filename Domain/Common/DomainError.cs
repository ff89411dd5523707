namespace Points.Domain.Common;

/// <summary>How an expected failure maps onto HTTP: the Api picks the status code from this.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unprocessable,
    Unauthorized,
    TooManyRequests,
    Unavailable,
}

/// <summary>
/// An expected failure: a stable dotted machine code (clients switch on it) and a Chinese sentence a
/// resident can read. Business rules return these as values; exceptions are reserved for bugs.
/// </summary>
public sealed record DomainError(string Code, string Title, ErrorKind Kind)
{
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public DomainError With(string key, object? value)
    {
        var ext = Extensions is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(Extensions);
        ext[key] = value;
        return this with { Extensions = ext };
    }

    public static DomainError Validation(string code, string title) => new(code, title, ErrorKind.Validation);
    public static DomainError NotFound(string code, string title) => new(code, title, ErrorKind.NotFound);
    public static DomainError Conflict(string code, string title) => new(code, title, ErrorKind.Conflict);
    public static DomainError Forbidden(string code, string title) => new(code, title, ErrorKind.Forbidden);
    public static DomainError Unprocessable(string code, string title) => new(code, title, ErrorKind.Unprocessable);
}
