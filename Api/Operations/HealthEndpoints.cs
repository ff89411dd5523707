using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Infrastructure;
using Points.Infrastructure.Persistence;
using StackExchange.Redis;

namespace Points.Api.Operations;

public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);

public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok", new Dictionary<string, string>())))
            .WithName("Healthz").WithSummary("进程存活");
        group.MapGet("/readyz", ReadyAsync).WithName(nameof(ReadyAsync)).WithSummary("数据库与 Redis 可达；否则 503 并指出哪一项失败");
    }

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        PointsDbContext db, InfrastructureChoice choice, IServiceProvider services, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            checks["database"] = await db.Database.CanConnectAsync(timeout.Token) ? "ok" : "unreachable";
        }
        catch (Exception)
        {
            checks["database"] = "unreachable";
        }

        if (choice.UsesRedis)
        {
            try
            {
                var redis = services.GetRequiredService<IConnectionMultiplexer>();
                await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
                checks["redis"] = "ok";
            }
            catch (Exception)
            {
                checks["redis"] = "unreachable";
            }
        }
        else
        {
            checks["redis"] = "not configured (in-process quota store)";
        }

        var healthy = checks.Values.All(v => v == "ok" || v.StartsWith("not configured", StringComparison.Ordinal));
        if (healthy)
        {
            return TypedResults.Ok(new HealthResponse("ok", checks));
        }

        var failed = string.Join("、", checks.Where(c => c.Value == "unreachable").Select(c => c.Key == "database" ? "数据库" : "Redis"));
        return Problems.From(new DomainError("service.not_ready", $"服务暂未就绪：{failed}不可达", ErrorKind.Unavailable).With("checks", checks));
    }
}
