using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Polls;
using Points.Infrastructure.Polls;

namespace Points.Api.Polls;

/// <summary>议事投票: staff open polls in their scope; residents see the polls put to them and vote once (per resident or household).</summary>
public static partial class PollEndpoints
{
    public static void MapPolls(this IEndpointRouteBuilder app)
    {
        var polls = app.MapGroup("/api/polls").WithTags("Polls").RequireAuthorization();
        polls.MapPost("/", CreatePollAsync).WithName(nameof(CreatePollAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("发起议事投票（选项、单选或多选、面向村社或网格、起止时间、每人一票或每户一票、是否实时公布结果、投票积分）");
        polls.MapGet("/", ListPollsAsync).WithName(nameof(ListPollsAsync)).RequireAuthorization(Policies.ResidentOrStaff)
            .WithSummary("居民：面向本人所在村社或网格的投票（进行中在前）；工作人员：管辖范围内的投票");
        polls.MapGet("/{id:guid}", GetPollAsync).WithName(nameof(GetPollAsync)).RequireAuthorization(Policies.ResidentOrStaff)
            .WithSummary("一次投票：选项、我的选择、参与率；截止后（或设为实时公布时）含各选项票数");
        polls.MapPost("/{id:guid}/votes", VoteAsync).WithName(nameof(VoteAsync)).RequireAuthorization(Policies.Resident)
            .WithSummary("投票 {optionIds}：每人（或每户）只能投一次，须在投票期内，单选只能选一项；按镇街积分规则计投票积分（受上限约束）");
        polls.MapGet("/{id:guid}/results", PollResultsAsync).WithName(nameof(PollResultsAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("投票结果（各选项票数与占比、参与人数与参与率）；?format=csv 或 xlsx 导出；截止前仅实时公布的投票可看");

        MapProposals(app);
    }

    public static async Task<Results<Created<PollResponse>, ProblemHttpResult, ValidationProblem>> CreatePollAsync(
        PollRequest request, ClaimsPrincipal principal, PollService service, CancellationToken ct)
    {
        var me = principal.Me();
        if (Draft(request, me.CommunityId) is not { } draft)
        {
            return Problems.Validation("communityId", "请选择投票面向的村社 communityId 或网格 gridId");
        }

        var created = await service.CreateAsync(me.Actor, draft, null, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = PollResponse.From(created.Value, staff: true);
        return TypedResults.Created($"/api/polls/{response.Id}", response);
    }

    public static async Task<Results<Ok<List<PollResponse>>, ProblemHttpResult>> ListPollsAsync(ClaimsPrincipal principal, PollService service, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.IsStaff)
        {
            return TypedResults.Ok((await service.ListForStaffAsync(me.Actor, ct)).Select(v => PollResponse.From(v, staff: true)).ToList());
        }

        return me.Role == Role.Resident
            ? TypedResults.Ok((await service.ListForResidentAsync(me.Id, ct)).Select(v => PollResponse.From(v, staff: false)).ToList())
            : Problems.Forbidden();
    }

    public static async Task<Results<Ok<PollResponse>, ProblemHttpResult>> GetPollAsync(Guid id, ClaimsPrincipal principal, PollService service, CancellationToken ct)
    {
        var me = principal.Me();
        if (!me.IsStaff && me.Role != Role.Resident)
        {
            return Problems.Forbidden();
        }

        var view = await service.GetAsync(me.Actor, id, ct);
        return view.ToHttp(v => TypedResults.Ok(PollResponse.From(v, me.IsStaff)));
    }

    public static async Task<Results<Created<VoteResponse>, ProblemHttpResult, ValidationProblem>> VoteAsync(
        Guid id, VoteRequest request, ClaimsPrincipal principal, PollService service, CancellationToken ct)
    {
        var cast = await service.VoteAsync(principal.Me().Id, id, request.OptionIds!, ct);
        if (!cast.IsSuccess)
        {
            return Problems.From(cast.Error);
        }

        var v = cast.Value.Vote;
        return TypedResults.Created($"/api/polls/{id}", new VoteResponse(v.Id, v.PollId, v.Choices.Select(c => c.OptionId).ToList(), cast.Value.AwardedPoints, v.CreatedAt));
    }

    public static async Task<Results<Ok<PollResponse>, FileContentHttpResult, ProblemHttpResult>> PollResultsAsync(
        Guid id, ClaimsPrincipal principal, PollService service, CancellationToken ct, [FromQuery] string? format = null)
    {
        var results = await service.ResultsAsync(principal.Me().Actor, id, ct);
        if (!results.IsSuccess)
        {
            return Problems.From(results.Error);
        }

        var response = PollResponse.From(results.Value, staff: true);
        if (ExportFile.Format(format) is not { } file)
        {
            return TypedResults.Ok(response);
        }

        var voters = response.Voters ?? 0;
        var rows = response.Options
            .Select(o => (IReadOnlyList<object>)[o.Text, o.Votes ?? 0, voters > 0 ? Math.Round(100.0 * (o.Votes ?? 0) / voters, 1) : 0.0])
            .Append([response.OnePer == VoteUnit.Household ? "参与户数" : "参与人数", voters, response.Turnout is { } t ? Math.Round(100 * t, 1) : 0.0])
            .Append([response.OnePer == VoteUnit.Household ? "应参与户数" : "应参与人数", response.Eligible, 100.0])
            .ToList();
        var table = new ExportTable("投票结果", ["选项", "票数", "占比(%)"], rows);
        return ExportFile.From(table, file, $"poll-{response.Id:N}");
    }

    private static PollDraft? Draft(PollRequest r, Guid? ownCommunity)
    {
        var community = r.CommunityId ?? (r.GridId is null ? ownCommunity : Guid.Empty);
        return community is { } c
            ? new PollDraft(r.Title ?? string.Empty, r.Description, r.Options!, c, r.GridId, r.OpensAt!.Value, r.ClosesAt!.Value,
                r.MultipleChoice ?? false, r.OnePer ?? VoteUnit.Resident, r.LiveResults ?? false, r.Points)
            : null;
    }
}
