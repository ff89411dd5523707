using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Administration;

namespace Points.Api.Regions;

public sealed record RequestCommunityMoveRequest(
    [property: Required(ErrorMessage = "请选择要加入的村社")] Guid? CommunityId,
    Guid? GridId);

public sealed record DecideCommunityMoveRequest(
    [property: StringLength(CommunityMove.NoteMaxLength, ErrorMessage = "备注不超过200字")] string? Note);

/// <summary>One step of a request's timeline, in Asia/Shanghai time.</summary>
public sealed record CommunityMoveStep(string Action, string Title, DateTimeOffset At, string? Note);

public sealed record CommunityMoveResponse(
    Guid Id, Guid ResidentId, string ResidentName, Guid? FromCommunityId, string? FromCommunityName, Guid ToCommunityId, string ToCommunityName,
    Guid? ToGridId, string? ToGridName, CommunityMoveStatus Status, string StatusName, DateTimeOffset RequestedAt, IReadOnlyList<CommunityMoveStep> Timeline);

/// <summary>
/// Belonging to a community is decided by its staff: a resident asks (their first community, or a move), staff of the
/// destination community or town approve or reject, and the resident can follow the request and withdraw it.
/// </summary>
public static class CommunityMoveEndpoints
{
    public static void MapCommunityMoves(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/me/community-moves").WithTags("Regions").RequireAuthorization(Policies.Resident).WithMetadata(Points.Api.Audit.ProxyRefused.Instance);
        mine.MapPost("/", RequestMoveAsync).WithName(nameof(RequestMoveAsync)).WithSummary("申请加入或迁入村社（由该村社或镇街工作人员审核）");
        mine.MapGet("/", MyMovesAsync).WithName(nameof(MyMovesAsync)).WithSummary("我的村社变更申请及进度");
        mine.MapPost("/{id:guid}/withdraw", WithdrawMoveAsync).WithName(nameof(WithdrawMoveAsync)).WithSummary("撤回待审核的申请");

        var staff = app.MapGroup("/api/community-moves").WithTags("Regions").RequireAuthorization(Policies.Staff);
        staff.MapGet("/", MoveQueueAsync).WithName(nameof(MoveQueueAsync)).WithSummary("迁入本村社（镇街）的申请；status 默认为待审核");
        staff.MapPost("/{id:guid}/approve", ApproveMoveAsync).WithName(nameof(ApproveMoveAsync)).WithSummary("同意：居民的所属村社与网格随即变更");
        staff.MapPost("/{id:guid}/reject", RejectMoveAsync).WithName(nameof(RejectMoveAsync)).WithSummary("不同意（须填写原因）");
    }

    public static async Task<Results<Created<CommunityMoveResponse>, ProblemHttpResult, ValidationProblem>> RequestMoveAsync(
        RequestCommunityMoveRequest request, ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct)
    {
        var requested = await moves.RequestAsync(principal.Me().Id, request.CommunityId!.Value, request.GridId, ct);
        return requested.IsSuccess
            ? TypedResults.Created($"/api/me/community-moves/{requested.Value.Move.Id}", ToResponse(requested.Value))
            : Problems.From(requested.Error);
    }

    public static async Task<Ok<List<CommunityMoveResponse>>> MyMovesAsync(ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct) =>
        TypedResults.Ok((await moves.MineAsync(principal.Me().Id, ct)).Select(ToResponse).ToList());

    public static async Task<Results<Ok<CommunityMoveResponse>, ProblemHttpResult>> WithdrawMoveAsync(Guid id, ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct) =>
        Answer(await moves.WithdrawAsync(principal.Me().Id, id, ct));

    public static async Task<Results<Ok<List<CommunityMoveResponse>>, ProblemHttpResult, ValidationProblem>> MoveQueueAsync(
        ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct, string? status = null)
    {
        if (!Enum.TryParse<CommunityMoveStatus>(status ?? nameof(CommunityMoveStatus.Pending), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Problems.Validation("status", "状态应为 Pending、Approved、Rejected 或 Withdrawn");
        }

        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.Forbidden();
        }

        var queue = await moves.QueueAsync(townId, me.Role == Role.CommunityStaff ? me.CommunityId : null, parsed, ct);
        return TypedResults.Ok(queue.Select(ToResponse).ToList());
    }

    public static async Task<Results<Ok<CommunityMoveResponse>, ProblemHttpResult>> ApproveMoveAsync(
        Guid id, DecideCommunityMoveRequest? request, ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct) =>
        Answer(await moves.DecideAsync(id, approve: true, principal.Me().Id, request?.Note, principal.Me().CanAdminister, ct));

    public static async Task<Results<Ok<CommunityMoveResponse>, ProblemHttpResult>> RejectMoveAsync(
        Guid id, DecideCommunityMoveRequest? request, ClaimsPrincipal principal, CommunityMoves moves, CancellationToken ct) =>
        Answer(await moves.DecideAsync(id, approve: false, principal.Me().Id, request?.Note, principal.Me().CanAdminister, ct));

    private static Results<Ok<CommunityMoveResponse>, ProblemHttpResult> Answer(Result<CommunityMoveRow> result) =>
        result.ToHttp(value => TypedResults.Ok(ToResponse(value)));

    private static string StatusName(CommunityMoveStatus status) => status switch
    {
        CommunityMoveStatus.Pending => "待审核",
        CommunityMoveStatus.Approved => "已同意",
        CommunityMoveStatus.Rejected => "未同意",
        _ => "已撤回",
    };

    private static CommunityMoveResponse ToResponse(CommunityMoveRow row)
    {
        var m = row.Move;
        var timeline = new List<CommunityMoveStep> { new("Requested", m.FromCommunityId is null ? "申请加入" : "申请迁入", ShanghaiTime.ToShanghai(m.RequestedAt), null) };
        if (m.DecidedAt is { } at)
        {
            timeline.Add(new(m.Status.ToString(), StatusName(m.Status), ShanghaiTime.ToShanghai(at), m.Note));
        }

        return new CommunityMoveResponse(m.Id, m.ResidentId, row.ResidentName, m.FromCommunityId, row.FromCommunityName, m.ToCommunityId, row.ToCommunityName,
            m.ToGridId, row.ToGridName, m.Status, StatusName(m.Status), ShanghaiTime.ToShanghai(m.RequestedAt), timeline);
    }
}
