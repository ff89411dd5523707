using Microsoft.AspNetCore.Http.HttpResults;

namespace Points.Api.Http;

/// <summary>
/// The one paging rule of every list: pages count from 1 up to <see cref="MaxPage"/>, a page holds 1 to
/// <see cref="MaxPageSize"/> items; anything else is a 400 <c>validation.failed</c> naming the parameter, on every
/// database alike. The bound keeps the offset (at most 999 900 rows) far from overflowing an int.
/// </summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPage = 10_000;

    public const int MaxPageSize = 100;

    public int Skip => (Page - 1) * PageSize;

    public static bool TryCreate(int page, int pageSize, out Paging paging, out ValidationProblem? problem)
    {
        paging = new Paging(page, pageSize);
        problem = CheckSize(pageSize) ?? (page is < 1 or > MaxPage ? Problems.Validation("page", $"页码须在 1 到 {MaxPage} 之间") : null);
        return problem is null;
    }

    /// <summary>The size rule alone, for keyset (cursor) paging.</summary>
    public static ValidationProblem? CheckSize(int pageSize) =>
        pageSize is < 1 or > MaxPageSize ? Problems.Validation("pageSize", $"每页条数须在 1 到 {MaxPageSize} 之间") : null;
}
