using System.Globalization;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Infrastructure.RateLimits;

namespace Points.Api.Auth;

/// <summary>Per-route sign-in limits (<c>RateLimiting:*</c>), each per minute.</summary>
public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>WeChat codes cannot be guessed; a village behind one carrier NAT signs in from one address.</summary>
    public int WeChatLoginPerAddress { get; set; } = 600;

    public int RefreshPerAddress { get; set; } = 600;

    /// <summary>One sign-in's refresh tokens: a client refreshes every half hour, not every second.</summary>
    public int RefreshPerFamily { get; set; } = 10;

    public int PasswordPerAddress { get; set; } = 30;

    public int PasswordPerAccount { get; set; } = 30;

    public int BankTokenPerClient { get; set; } = 30;

    public int DevTokenPerAddress { get; set; } = 120;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Endpoint filters that count each sign-in route against its own partitions (after the body is bound, so a
/// limit can name the account or client id) in <see cref="IRateLimitCounter"/>: Redis when configured.
/// A refused call is a 429 with Retry-After and a Chinese problem title.
/// </summary>
public static class AuthRateLimits
{
    public delegate IEnumerable<(string Partition, int Limit)> Partitions(EndpointFilterInvocationContext context, AuthRateLimitOptions options);

    public static RouteHandlerBuilder LimitedBy(this RouteHandlerBuilder builder, string route, Partitions partitions) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value;
            var counter = http.RequestServices.GetRequiredService<IRateLimitCounter>();
            foreach (var (partition, limit) in partitions(context, options))
            {
                var decision = await counter.HitAsync($"auth:{route}:{partition}", limit, options.Window, http.RequestAborted);
                if (!decision.Allowed)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
                    http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    return Problems.From(new DomainError("auth.rate_limited", "登录请求过于频繁，请稍后再试", ErrorKind.TooManyRequests).With("retryAfterSeconds", seconds));
                }
            }

            return await next(context);
        });

    public static (string, int) Address(EndpointFilterInvocationContext context, int limit) => ("addr:" + ClientAddress.Of(context.HttpContext), limit);

    public static T? Argument<T>(EndpointFilterInvocationContext context) where T : class => context.Arguments.OfType<T>().FirstOrDefault();
}
