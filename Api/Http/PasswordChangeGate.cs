using Points.Domain.Common;

namespace Points.Api.Http;

/// <summary>
/// An account signed in with an issued (one-time) password may only see who it is and change its password:
/// every other route answers <c>403 auth.password_change_required</c> until it has. The token carries the state
/// (<see cref="PointsClaims.PasswordChangeRequired"/>), so the gate costs no database read.
/// </summary>
public static class PasswordChangeGate
{
    public static readonly DomainError Required = DomainError.Forbidden("auth.password_change_required", "请先修改初始密码后再继续操作");

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.HasClaim(PointsClaims.PasswordChangeRequired, "true") && !IsOpen(context.Request))
        {
            await Problems.From(Required).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static bool IsOpen(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/auth", StringComparison.Ordinal)
        || (HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/me/password", StringComparison.Ordinal))
        || (HttpMethods.IsGet(request.Method) && (request.Path.Equals("/api/me", StringComparison.Ordinal) || request.Path.Equals("/api/me/", StringComparison.Ordinal)));
}
