using Microsoft.AspNetCore.Http.HttpResults;
using Points.Domain.Common;

namespace Points.Api.Http;

/// <summary>A rule's <see cref="Result{T}"/> as an HTTP answer: the value through <c>ok</c>, a failure through <see cref="Problems.From"/>.</summary>
public static class ResultHttp
{
    public static Results<TOk, ProblemHttpResult> ToHttp<T, TOk>(this Result<T> result, Func<T, TOk> ok)
        where TOk : IResult =>
        result.IsSuccess ? ok(result.Value) : Problems.From(result.Error);
}
