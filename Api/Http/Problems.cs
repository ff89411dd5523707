using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Points.Domain.Common;

namespace Points.Api.Http;

/// <summary>
/// Every failure leaves as RFC 9457 problem details with a stable dotted <c>code</c> and a Chinese
/// <c>title</c>. Business failures arrive as <see cref="DomainError"/> values; framework failures
/// (bad JSON, unknown route, wrong media type, oversized body, auth) get their code from the status.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult From(DomainError error)
    {
        var status = error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
            ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        };
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Extensions is not null)
        {
            foreach (var (key, value) in error.Extensions)
            {
                extensions[key] = value;
            }
        }

        return TypedResults.Problem(title: error.Title, statusCode: status, extensions: extensions);
    }

    public static ValidationProblem Validation(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "提交的信息有误",
            extensions: new Dictionary<string, object?> { ["code"] = "validation.failed" });

    /// <summary>A business rule about one field: the field's error plus the rule's own code.</summary>
    public static ValidationProblem Validation(string field, DomainError error) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [error.Title] },
            title: error.Title,
            extensions: new Dictionary<string, object?> { ["code"] = error.Code });

    public static ProblemHttpResult NotFound(string code, string title) => From(DomainError.NotFound(code, title));

    /// <summary>A merchant-role account that no shop is linked to: every merchant route refuses it the same way.</summary>
    public static ProblemHttpResult MerchantNotLinked() => Forbidden("merchant.not_linked", "该账户未关联商户");

    public static ProblemHttpResult Forbidden(string code = "auth.forbidden", string title = "没有权限执行此操作") =>
        From(DomainError.Forbidden(code, title));

    /// <summary>Codes and titles for failures that carry only a status code.</summary>
    public static (string Code, string Title) ForStatus(int status) => status switch
    {
        400 => ("request.malformed", "请求格式不正确，请检查后重试"),
        401 => ("auth.required", "请先登录"),
        403 => ("auth.forbidden", "没有权限执行此操作"),
        404 => ("route.not_found", "请求的内容不存在"),
        405 => ("request.method_not_allowed", "不支持该请求方式"),
        406 => ("request.not_acceptable", "无法提供所要求的内容格式"),
        408 => ("request.timeout", "请求超时，请重试"),
        409 => ("request.conflict", "请求与当前状态冲突"),
        411 => ("request.length_required", "请求缺少内容长度"),
        413 => ("request.too_large", "提交的内容过大"),
        414 => ("request.uri_too_long", "请求地址过长"),
        415 => ("request.unsupported_media_type", "不支持的内容类型，请使用 JSON"),
        422 => ("request.unprocessable", "无法处理该请求"),
        429 => ("request.rate_limited", "操作过于频繁，请稍后再试"),
        431 => ("request.headers_too_large", "请求头过大"),
        503 => ("service.busy", "系统繁忙，请稍后再试"),
        _ when status >= 500 => ("server.error", "服务器开小差了，请稍后再试"),
        _ => ("request.failed", "请求失败"),
    };

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var (code, title) = ForStatus(status);
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = problem is HttpValidationProblemDetails ? "validation.failed" : code;
            // Framework-made problems carry English titles; a resident reads Chinese.
            problem.Title = problem is HttpValidationProblemDetails ? "提交的信息有误" : title;
            problem.Detail = null;
        }

        if (problem is HttpValidationProblemDetails validation)
        {
            CamelCaseKeys(validation.Errors);
        }

        problem.Type ??= $"https://points.example/problems/{(problem.Extensions.TryGetValue("code", out var c) ? c : code)}";
        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
    }

    /// <summary>
    /// Field keys of validation errors in the JSON case of the request (<c>reason</c>, <c>items[0].name</c>): the
    /// framework's validator names them after the C# properties (<c>Reason</c>), handlers after the JSON fields.
    /// </summary>
    private static void CamelCaseKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            var camel = string.Join('.', key.Split('.').Select(part => part.Length > 0 && char.IsUpper(part[0]) ? char.ToLowerInvariant(part[0]) + part[1..] : part));
            if (camel != key)
            {
                var messages = errors[key];
                errors.Remove(key);
                errors[camel] = errors.TryGetValue(camel, out var existing) ? [.. existing, .. messages] : messages;
            }
        }
    }

    /// <summary>Exceptions: a malformed request becomes its 4xx; anything else is a bug and a 500 without internals.</summary>
    public static async Task HandleException(HttpContext context)
    {
        var feature = context.Features.Get<IExceptionHandlerFeature>();
        var status = feature?.Error switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            System.Text.Json.JsonException => 400,
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => 499,
            { } error when Points.Infrastructure.Persistence.DatabaseSetup.IsTransient(error) => 503,
            _ => 500,
        };
        if (status == 503)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        context.Response.StatusCode = status == 499 ? 400 : status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = context.Response.StatusCode },
        });
    }
}
