using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Points.Api.Http;
using Points.Api.Ledger;
using Points.Api.WeChat;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Activities;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;

namespace Points.Api.Activities;

/// <summary>Check-in codes, resident check-in and check-out, staff check-in and check-out.</summary>
public static partial class ActivityEndpoints
{
    public const string MiniProgramKind = "miniprogram";

    /// <summary>
    /// The rotating code (JSON with a QR PNG) or, with <c>kind=miniprogram</c>, a WeChat mini-program code
    /// (PNG) whose scene is a short check-in token; both only for staff in the activity's scope.
    /// </summary>
    public static async Task<Results<Ok<CheckInCodeResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem>> CheckInCodeAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, CheckInCodes codes, TimeProvider clock,
        IWeChatClient weChat, CheckInSceneTokens sceneTokens, IOptions<WeChatOptions> weChatOptions, HttpResponse response, CancellationToken ct, string? kind = null)
    {
        var miniProgram = string.Equals(kind, MiniProgramKind, StringComparison.OrdinalIgnoreCase);
        if (!miniProgram && !string.IsNullOrEmpty(kind) && !string.Equals(kind, "code", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Validation("kind", "签到码类型只能是 code 或 miniprogram");
        }

        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (activity!.Status != ActivityStatus.Published)
        {
            return Problems.From(ActivityErrors.InvalidTransition);
        }

        if (miniProgram)
        {
            var issued = await CheckInMiniProgramCodes.IssueAsync(id, weChat, sceneTokens, weChatOptions.Value, clock.GetUtcNow(), ct);
            if (!issued.IsSuccess)
            {
                return Problems.From(issued.Error);
            }

            response.Headers.CacheControl = "no-store";
            response.Headers["X-CheckIn-Expires-At"] = issued.Value.ExpiresAt.ToOffset(ShanghaiTime.Offset).ToString("O", CultureInfo.InvariantCulture);
            return TypedResults.File(issued.Value.Image, issued.Value.ContentType);
        }

        var (code, expiresAt) = codes.Issue(id, clock.GetUtcNow());
        return TypedResults.Ok(new CheckInCodeResponse(code, expiresAt, CheckInCodes.QrPngBase64(code)));
    }

    public static Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> CheckInAsync(
        Guid id, CheckInRequest request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, CheckInCodes codes, CheckInSceneTokens sceneTokens, IOptions<CheckInOptions> options, TimeProvider clock, CancellationToken ct) =>
        ScanAsync(id, request, checkOut: false, principal, db, service, codes, sceneTokens, options.Value, clock, ct);

    public static Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> CheckOutAsync(
        Guid id, CheckInRequest request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, CheckInCodes codes, CheckInSceneTokens sceneTokens, IOptions<CheckInOptions> options, TimeProvider clock, CancellationToken ct) =>
        ScanAsync(id, request, checkOut: true, principal, db, service, codes, sceneTokens, options.Value, clock, ct);

    private static async Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> ScanAsync(
        Guid id, CheckInRequest request, bool checkOut, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, CheckInCodes codes, CheckInSceneTokens sceneTokens, CheckInOptions options, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
        {
            return Problems.From(ActivityErrors.NotFound);
        }

        // A mini-program code's scene token is exactly 32 characters; the rotating code is longer.
        var code = request.Code!.Trim();
        var method = code.Length == CheckInSceneTokens.Length ? CheckInMethod.MiniProgramCode : CheckInMethod.Code;
        var invalid = method == CheckInMethod.MiniProgramCode
            ? sceneTokens.Verify(code, id, now) switch
            {
                CheckInSceneTokens.Check.Valid => null,
                CheckInSceneTokens.Check.Expired => ActivityErrors.CheckInCodeExpired,
                _ => ActivityErrors.CheckInCodeInvalid,
            }
            : codes.Verify(code, id, now);
        if (invalid is not null)
        {
            return Problems.From(invalid);
        }

        if (activity.CheckInRefusal(now, request.Lat, request.Lng, options.RadiusMeters) is { } refused)
        {
            return Problems.From(refused);
        }

        var result = await service.CheckAsync(activity, principal.Me().Id, checkOut, method, now, ct);
        return result.ToHttp(value => TypedResults.Ok(SignUpResponse.From(value)));
    }

    public static Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> StaffCheckInAsync(
        Guid id, Guid residentId, StaffCheckRequest? request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct) =>
        StaffCheckAsync(id, residentId, request, checkOut: false, principal, db, service, clock, ct);

    public static Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> StaffCheckOutAsync(
        Guid id, Guid residentId, StaffCheckRequest? request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct) =>
        StaffCheckAsync(id, residentId, request, checkOut: true, principal, db, service, clock, ct);

    private static async Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> StaffCheckAsync(
        Guid id, Guid residentId, StaffCheckRequest? request, bool checkOut, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct)
    {
        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var now = clock.GetUtcNow();
        var at = request?.At ?? now;
        if (activity!.StaffCheckTimeRefusal(at, now) is { } refused)
        {
            return Problems.From(refused);
        }

        var result = await service.CheckAsync(activity, residentId, checkOut, CheckInMethod.Staff, at, ct);
        return result.ToHttp(value => TypedResults.Ok(SignUpResponse.From(value)));
    }
}
