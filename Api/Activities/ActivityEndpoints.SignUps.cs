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

/// <summary>Sign-ups, the waitlist, the roster and attendance.</summary>
public static partial class ActivityEndpoints
{
    public static async Task<Results<Created<SignUpResponse>, ProblemHttpResult>> SignUpAsync(Guid id, ClaimsPrincipal principal, SignUpService signUps, CancellationToken ct)
    {
        var me = principal.Me();
        var result = await signUps.SignUpAsync(id, new Applicant(me.Id, me.TownId, me.CommunityId), ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/activities/{id}/signups/me", SignUpResponse.From(result.Value))
            : Problems.From(result.Error);
    }

    public static async Task<Results<Ok<SignUpResponse>, ProblemHttpResult>> CancelSignUpAsync(Guid id, ClaimsPrincipal principal, SignUpService signUps, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var result = await signUps.CancelAsync(id, me.Id, ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var fresh = await db.SignUps.AsNoTracking().FirstAsync(s => s.Id == result.Value.Id, ct);
        return TypedResults.Ok(SignUpResponse.From(fresh));
    }

    public static async Task<Results<Created<WaitlistResponse>, ProblemHttpResult>> JoinWaitlistAsync(Guid id, ClaimsPrincipal principal, SignUpService signUps, CancellationToken ct)
    {
        var me = principal.Me();
        var result = await signUps.JoinWaitlistAsync(id, new Applicant(me.Id, me.TownId, me.CommunityId), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var (entry, position) = result.Value;
        return TypedResults.Created($"/api/activities/{id}/waitlist", new WaitlistResponse(id, entry.Status, entry.JoinedAt, position));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LeaveWaitlistAsync(Guid id, ClaimsPrincipal principal, SignUpService signUps, CancellationToken ct)
    {
        var error = await signUps.LeaveWaitlistAsync(id, principal.Me().Id, ct);
        return error is null ? TypedResults.NoContent() : Problems.From(error);
    }

    public static async Task<Results<Ok<List<SignUpResponse>>, FileContentHttpResult, ProblemHttpResult>> ListSignUpsAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct, [FromQuery] string? format = null)
    {
        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await db.SignUps.AsNoTracking().Where(s => s.ActivityId == id).OrderBy(s => s.SignedUpAt)
            .GroupJoin(db.Users.AsNoTracking(), s => s.ResidentId, u => u.Id, (s, u) => new { s, u })
            .SelectMany(x => x.u.DefaultIfEmpty(), (x, u) => new { x.s, Name = u == null ? null : u.DisplayName })
            .ToListAsync(ct);
        var roster = rows.Select(x => SignUpResponse.From(x.s, SummaryEndpoints.Mask(x.Name ?? string.Empty))).ToList();
        if (ExportFile.Format(format) is not { } file)
        {
            return TypedResults.Ok(roster);
        }

        var lines = roster.Select((r, i) => (IReadOnlyList<object>)[i + 1, r.ResidentName!, SignUpStatusText(r.Status), Shanghai(r.SignedUpAt), Shanghai(r.CheckedInAt), Shanghai(r.CheckedOutAt), (object?)r.AttendedMinutes ?? string.Empty]).ToList();
        lines.Add(["合计", $"{roster.Count} 人", $"出勤 {roster.Count(r => r.Status == SignUpStatus.Attended)} 人", string.Empty, $"签到 {roster.Count(r => r.CheckedInAt is not null)} 人", string.Empty, roster.Sum(r => r.AttendedMinutes ?? 0)]);
        var table = new ExportTable("报名名单", ["序号", "姓名", "状态", "报名时间", "签到时间", "签退时间", "在场分钟"], lines);
        return ExportFile.From(table, file, $"roster-{ShanghaiTime.ToShanghai(activity!.StartsAt):yyyy-MM-dd}-{activity.Id.ToString("N")[..8]}");
    }

    private static string Shanghai(DateTimeOffset? at) => at is { } t ? ShanghaiTime.ToShanghai(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty;

    private static string SignUpStatusText(SignUpStatus status) => status switch
    {
        SignUpStatus.Active => "已报名",
        SignUpStatus.Cancelled => "已取消",
        SignUpStatus.Attended => "已出勤",
        SignUpStatus.NoShow => "缺席",
        _ => status.ToString(),
    };

    public static async Task<Results<Ok<AttendanceResponse>, ProblemHttpResult>> AttendanceAsync(
        Guid id, AttendanceRequest request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, CancellationToken ct)
    {
        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var decision = request.Status!.Value;
        var result = await service.ConfirmAttendanceAsync(activity!, request.ResidentIds!, decision, principal.Me().Id, ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var confirmed = result.Value.Count(r => r.Outcome == decision.ToString());
        return TypedResults.Ok(new AttendanceResponse(confirmed, result.Value));
    }

    public static async Task<Ok<List<MySignUpItem>>> MySignUpsAsync(ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var rows = await db.SignUps.AsNoTracking().Where(s => s.ResidentId == me.Id)
            .Join(db.Activities.AsNoTracking(), s => s.ActivityId, a => a.Id, (s, a) => new { s, a })
            .OrderByDescending(x => x.a.StartsAt)
            .Take(200)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => new MySignUpItem(SignUpResponse.From(x.s), x.a.Id, x.a.Title, x.a.Status, x.a.StartsAt, x.a.EndsAt, x.a.Address, x.a.Points)).ToList());
    }

    public static async Task<Results<Ok<List<WaitlistItemResponse>>, ProblemHttpResult>> ListWaitlistAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, WaitlistRoster waitlist, CancellationToken ct)
    {
        var (_, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await waitlist.WaitingAsync(id, ct);
        return TypedResults.Ok(rows.Select(w => new WaitlistItemResponse(w.ResidentId, SummaryEndpoints.Mask(w.ResidentName), w.Position, w.JoinedAt)).ToList());
    }
}
