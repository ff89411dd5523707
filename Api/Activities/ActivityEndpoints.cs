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

/// <summary>Activities: create, edit, lifecycle, list and read. Sign-ups and check-ins are the other parts of this class.</summary>
public static partial class ActivityEndpoints
{
    public static RouteGroupBuilder MapActivities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities").WithTags("Activities").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName(nameof(ListAsync)).WithSummary("活动列表（含剩余名额）");
        group.MapGet("/{id:guid}", GetAsync).WithName(nameof(GetAsync)).WithSummary("活动详情（含剩余名额与我的报名）");

        // staff of the activity's community or town (each handler checks the scope)
        var staff = group.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        staff.MapPost("/", CreateAsync).WithName(nameof(CreateAsync)).WithSummary("创建活动（草稿）");
        staff.MapPatch("/{id:guid}", UpdateAsync).WithName(nameof(UpdateAsync)).WithSummary("修改活动；名额不能少于已报名人数");
        staff.MapPost("/{id:guid}/publish", PublishAsync).WithName(nameof(PublishAsync)).WithSummary("发布活动");
        staff.MapPost("/{id:guid}/cancel", CancelActivityAsync).WithName(nameof(CancelActivityAsync)).WithSummary("取消活动：释放全部名额并通知已报名居民");
        staff.MapPost("/{id:guid}/complete", CompleteAsync).WithName(nameof(CompleteAsync)).WithSummary("活动结束后标记完成");
        staff.MapGet("/{id:guid}/checkin-code", CheckInCodeAsync).WithName(nameof(CheckInCodeAsync)).WithSummary("当前签到码（约60秒有效）与二维码；kind=miniprogram 时返回微信小程序码 PNG（扫码直达签到页）");
        staff.MapPost("/{id:guid}/signups/{residentId:guid}/checkin", StaffCheckInAsync).WithName(nameof(StaffCheckInAsync)).WithSummary("工作人员代签到（无手机的居民）");
        staff.MapPost("/{id:guid}/signups/{residentId:guid}/checkout", StaffCheckOutAsync).WithName(nameof(StaffCheckOutAsync)).WithSummary("工作人员代签退");
        staff.MapGet("/{id:guid}/signups", ListSignUpsAsync).WithName(nameof(ListSignUpsAsync)).WithSummary("活动的报名名单（姓名脱敏）；?format=csv 或 xlsx（含合计行）");
        staff.MapGet("/{id:guid}/waitlist", ListWaitlistAsync).WithName(nameof(ListWaitlistAsync)).WithSummary("活动的候补名单（姓名脱敏，按递补顺序）");
        staff.MapPost("/{id:guid}/attendance", AttendanceAsync).WithName(nameof(AttendanceAsync)).WithSummary("批量确认出勤或缺席；出勤获得活动积分（只发一次）");

        var residents = group.MapGroup(string.Empty).RequireAuthorization(Policies.Resident);
        residents.MapPost("/{id:guid}/signups", SignUpAsync).WithName(nameof(SignUpAsync)).WithSummary("报名：201；名额已满 409 activity.full（可加入候补）");
        residents.MapDelete("/{id:guid}/signups/me", CancelSignUpAsync).WithName(nameof(CancelSignUpAsync)).WithSummary("取消报名；空出的名额给候补第一位");
        residents.MapPost("/{id:guid}/waitlist", JoinWaitlistAsync).WithName(nameof(JoinWaitlistAsync)).WithSummary("名额已满时加入候补");
        residents.MapDelete("/{id:guid}/waitlist", LeaveWaitlistAsync).WithName(nameof(LeaveWaitlistAsync)).WithSummary("退出候补");
        residents.MapPost("/{id:guid}/checkins", CheckInAsync).WithName(nameof(CheckInAsync)).WithSummary("扫码签到");
        residents.MapPost("/{id:guid}/checkouts", CheckOutAsync).WithName(nameof(CheckOutAsync)).WithSummary("扫码签退");

        app.MapGroup("/api/me/signups").WithTags("Activities").RequireAuthorization(Policies.Resident)
            .MapGet("/", MySignUpsAsync).WithName(nameof(MySignUpsAsync)).WithSummary("我的报名及其状态");
        return group;
    }

    public static async Task<Results<Created<ActivityResponse>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        CreateActivityRequest request, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var communityId = request.CommunityId ?? me.CommunityId;
        if (communityId is null)
        {
            return Problems.Validation("communityId", "请选择活动所属的村社");
        }

        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == communityId, ct);
        if (community is null)
        {
            return Problems.Validation("communityId", "所选村社不存在");
        }

        if (!me.CanAdminister(community.TownId, community.Id))
        {
            return Problems.From(ActivityErrors.OutOfScope);
        }

        var now = clock.GetUtcNow();
        var startsAt = request.StartsAt!.Value;
        var closes = request.SignUpClosesAt ?? startsAt;
        var details = new ActivityDetails(request.Title!, request.Description, request.Category!.Value, request.Address, request.Latitude, request.Longitude,
            startsAt, request.EndsAt!.Value, request.SignUpOpensAt ?? now, closes, request.CancellationDeadline ?? closes,
            request.Capacity, request.Points, request.Eligibility ?? Eligibility.CommunityResidents);
        var created = Activity.Create(Guid.CreateVersion7(), community.TownId, community.Id, details, me.Id, now);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        db.Activities.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/activities/{created.Value.Id}", ActivityResponse.From(created.Value, now));
    }

    public static async Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateActivityRequest request, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct)
    {
        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var updated = await service.UpdateAsync(activity!.Id, a =>
        {
            var d = a.Details;
            return d with
            {
                Title = request.Title ?? d.Title,
                Description = request.Description ?? d.Description,
                Category = request.Category ?? d.Category,
                Address = request.Address ?? d.Address,
                Latitude = request.Latitude ?? d.Latitude,
                Longitude = request.Longitude ?? d.Longitude,
                StartsAt = request.StartsAt ?? d.StartsAt,
                EndsAt = request.EndsAt ?? d.EndsAt,
                SignUpOpensAt = request.SignUpOpensAt ?? d.SignUpOpensAt,
                SignUpClosesAt = request.SignUpClosesAt ?? d.SignUpClosesAt,
                CancellationDeadline = request.CancellationDeadline ?? d.CancellationDeadline,
                Capacity = request.Capacity ?? d.Capacity,
                Points = request.Points ?? d.Points,
                Eligibility = request.Eligibility ?? d.Eligibility,
            };
        }, ct);
        return updated.ToHttp(value => TypedResults.Ok(ActivityResponse.From(value, clock.GetUtcNow())));
    }

    public static Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> PublishAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct) =>
        LifecycleAsync(id, principal, db, clock, (a, c) => service.PublishAsync(a, c), ct);

    public static Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> CancelActivityAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct) =>
        LifecycleAsync(id, principal, db, clock, (a, c) => service.CancelAsync(a, c), ct);

    public static Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> CompleteAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, ActivityService service, TimeProvider clock, CancellationToken ct) =>
        LifecycleAsync(id, principal, db, clock, (a, c) => service.CompleteAsync(a, c), ct);

    private static async Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> LifecycleAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, Func<Activity, CancellationToken, Task<Result<Activity>>> change, CancellationToken ct)
    {
        var (activity, problem) = await LoadForStaffAsync(id, principal, db, ct);
        if (problem is not null)
        {
            return problem;
        }

        var changed = await change(activity!, ct);
        if (!changed.IsSuccess)
        {
            return Problems.From(changed.Error);
        }

        var fresh = await db.Activities.AsNoTracking().FirstAsync(a => a.Id == id, ct);
        return TypedResults.Ok(ActivityResponse.From(fresh, clock.GetUtcNow()));
    }

    public static async Task<Results<Ok<ActivityPage>, ValidationProblem>> ListAsync(
        ClaimsPrincipal principal, PointsDbContext db, TimeProvider clock, CancellationToken ct,
        Guid? community = null, ActivityCategory? category = null, ActivityStatus? status = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var me = principal.Me();
        var query = db.Activities.AsNoTracking();
        if (me.TownId is { } townId)
        {
            query = query.Where(a => a.TownId == townId);
        }

        if (!me.IsStaff)
        {
            query = query.Where(a => a.Status != ActivityStatus.Draft);
        }
        else if (me.Role == Role.CommunityStaff)
        {
            var own = me.CommunityId;
            query = query.Where(a => a.Status != ActivityStatus.Draft || a.CommunityId == own);
        }

        if (community is { } c)
        {
            query = query.Where(a => a.CommunityId == c);
        }

        if (category is { } cat)
        {
            query = query.Where(a => a.Category == cat);
        }

        if (status is { } st)
        {
            query = query.Where(a => a.Status == st);
        }

        if (from is { } f)
        {
            query = query.Where(a => a.StartsAt >= f);
        }

        if (to is { } t)
        {
            query = query.Where(a => a.StartsAt < t);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(a => a.StartsAt).ThenBy(a => a.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ActivityPage(items.Select(a => ActivityResponse.From(a, now)).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Ok<ActivityResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, SignUpService signUps, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null || (activity.Status == ActivityStatus.Draft && !me.CanAdminister(activity.TownId, activity.CommunityId)))
        {
            return Problems.From(ActivityErrors.NotFound);
        }

        SignUp? mine = null;
        WaitlistResponse? waitlist = null;
        if (me.Role == Role.Resident)
        {
            mine = await db.SignUps.AsNoTracking().FirstOrDefaultAsync(s => s.ActivityId == id && s.ResidentId == me.Id, ct);
            var entry = await db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(w => w.ActivityId == id && w.ResidentId == me.Id, ct);
            if (entry is not null)
            {
                int? position = entry.Status == WaitlistStatus.Waiting ? await signUps.PositionAsync(entry, ct) : null;
                waitlist = new WaitlistResponse(id, entry.Status, entry.JoinedAt, position);
            }
        }

        return TypedResults.Ok(ActivityResponse.From(activity, clock.GetUtcNow(), mine, waitlist));
    }

    /// <summary>The activity, if it exists and the caller administers its community or town.</summary>
    private static async Task<(Activity? Activity, ProblemHttpResult? Problem)> LoadForStaffAsync(Guid id, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
        {
            return (null, Problems.From(ActivityErrors.NotFound));
        }

        return principal.Me().CanAdminister(activity.TownId, activity.CommunityId)
            ? (activity, null)
            : (null, Problems.From(ActivityErrors.OutOfScope));
    }
}
