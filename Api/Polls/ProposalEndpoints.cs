using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Polls;
using Points.Domain.Regions;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Polls;

namespace Points.Api.Polls;

/// <summary>我有话说: residents' proposals, staff answers and polls made of them; and the household a resident belongs to.</summary>
public static partial class PollEndpoints
{
    private static void MapProposals(IEndpointRouteBuilder app)
    {
        var proposals = app.MapGroup("/api/proposals").WithTags("Polls").RequireAuthorization();
        proposals.MapPost("/", SubmitProposalAsync).WithName(nameof(SubmitProposalAsync)).RequireAuthorization(Policies.Resident)
            .WithSummary("我有话说：居民向本村社提出议题");
        proposals.MapGet("/", ListProposalsAsync).WithName(nameof(ListProposalsAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("管辖范围内的居民议题（?status=Open|Answered|PollOpened）");
        proposals.MapPost("/{id:guid}/answer", AnswerProposalAsync).WithName(nameof(AnswerProposalAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("答复居民议题（每个议题只处理一次）");
        proposals.MapPost("/{id:guid}/poll", ProposalPollAsync).WithName(nameof(ProposalPollAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("将居民议题转为议事投票（请求体同发起投票，名称缺省为议题标题，面向议题所在村社）");

        app.MapGroup("/api/me").WithTags("Polls").RequireAuthorization(Policies.Resident)
            .MapGet("/proposals", MyProposalsAsync).WithName(nameof(MyProposalsAsync)).WithSummary("我提出的议题及答复");

        app.MapGroup("/api/residents").WithTags("Polls").RequireAuthorization(Policies.Staff)
            .MapPut("/{id:guid}/household", SetHouseholdAsync).WithName(nameof(SetHouseholdAsync))
            .WithSummary("登记居民的门牌号（同一微网格、同一门牌号为一户，按户投票时每户一票）；room 为 null 时清除");
    }

    public static async Task<Results<Created<ProposalResponse>, ProblemHttpResult, ValidationProblem>> SubmitProposalAsync(
        ProposalRequest request, ClaimsPrincipal principal, ProposalService service, CancellationToken ct)
    {
        var submitted = await service.SubmitAsync(principal.Me().Id, request.Title, request.Content, ct);
        if (!submitted.IsSuccess)
        {
            return Problems.From(submitted.Error);
        }

        var response = ProposalResponse.From(submitted.Value);
        return TypedResults.Created($"/api/me/proposals", response);
    }

    public static async Task<Ok<List<ProposalResponse>>> MyProposalsAsync(ClaimsPrincipal principal, ProposalService service, CancellationToken ct) =>
        TypedResults.Ok((await service.MineAsync(principal.Me().Id, ct)).Select(ProposalResponse.From).ToList());

    public static async Task<Results<Ok<List<ProposalResponse>>, ValidationProblem>> ListProposalsAsync(
        ClaimsPrincipal principal, ProposalService service, CancellationToken ct, [FromQuery] string? status = null)
    {
        ProposalStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<ProposalStatus>(status, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Problems.Validation("status", "状态须为 Open、Answered 或 PollOpened");
            }

            wanted = parsed;
        }

        return TypedResults.Ok((await service.ListAsync(principal.Me().Actor, wanted, ct)).Select(ProposalResponse.From).ToList());
    }

    public static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> AnswerProposalAsync(
        Guid id, ProposalAnswerRequest request, ClaimsPrincipal principal, ProposalService service, CancellationToken ct)
    {
        var answered = await service.AnswerAsync(principal.Me().Actor, id, request.Answer, ct);
        return answered.ToHttp(v => TypedResults.Ok(ProposalResponse.From(v)));
    }

    public static async Task<Results<Created<PollResponse>, ProblemHttpResult, ValidationProblem>> ProposalPollAsync(
        Guid id, PollRequest request, ClaimsPrincipal principal, ProposalService service, CancellationToken ct)
    {
        var me = principal.Me();
        var draft = Draft(request with { CommunityId = null, GridId = request.GridId }, Guid.Empty)!;
        var created = await service.OpenPollAsync(me.Actor, id, draft, ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = PollResponse.From(created.Value, staff: true);
        return TypedResults.Created($"/api/polls/{response.Id}", response);
    }

    public static async Task<Results<Ok<HouseholdResponse>, ProblemHttpResult>> SetHouseholdAsync(
        Guid id, HouseholdRequest request, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        var me = principal.Me();
        var resident = await db.Users.FirstOrDefaultAsync(u => u.Id == id && u.Role == Role.Resident, ct);
        if (resident is null)
        {
            return Problems.NotFound("residents.not_found", "居民不存在");
        }

        if (!me.CanAdminister(resident.TownId, resident.CommunityId ?? Guid.Empty) && !me.CanAdministerTown(resident.TownId))
        {
            return Problems.From(MicroGridErrors.OutOfScope);
        }

        var set = resident.SetHouseholdRoom(request.Room);
        if (!set.IsSuccess)
        {
            return Problems.From(set.Error);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new HouseholdResponse(resident.Id, resident.MicroGridId, resident.HouseholdRoom, resident.HouseholdKey));
    }
}
