using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Audit;
using Points.Api.Http;
using Points.Api.Participation;
using Points.Domain.Mediation;
using Points.Infrastructure.Mediation;

namespace Points.Api.Mediation;

/// <summary>
/// 老娘舅 mediation over HTTP: staff register mediators and dispatch cases, residents ask and confirm, mediators accept,
/// visit and record outcomes, and staff and mediators search the anonymised case library. Who may call a route is set
/// on its group; what a caller may see of a case is decided by <see cref="MediationService"/>.
/// </summary>
public static class MediationEndpoints
{
    public const int PageSize = 20;

    public static void MapMediation(this IEndpointRouteBuilder app)
    {
        var mediators = app.MapGroup("/api/mediators").WithTags("Mediation").RequireAuthorization(Policies.Staff);
        mediators.MapPost("/", RegisterMediatorAsync).WithName(nameof(RegisterMediatorAsync)).WithSummary("登记调解员（老娘舅）：本镇街居民，服务的村社和调解类型");
        mediators.MapGet("/", ListMediatorsAsync).WithName(nameof(ListMediatorsAsync)).WithSummary("调解员名单（在办案件数、成功调解数）");
        mediators.MapPatch("/{id:guid}", UpdateMediatorAsync).WithName(nameof(UpdateMediatorAsync)).WithSummary("修改调解员的服务村社、调解类型，或停用");

        var cases = app.MapGroup("/api/mediations").WithTags("Mediation").RequireAuthorization();
        cases.MapGet("/{id:guid}", GetMediationAsync).WithName(nameof(GetMediationAsync)).WithSummary("调解案件详情与进度（当事人、调解员、本村社或镇街工作人员）");

        var residents = cases.MapGroup(string.Empty).RequireAuthorization(Policies.Resident);
        residents.MapPost("/", RequestMediationAsync).WithName(nameof(RequestMediationAsync)).WithSummary("申请调解：家庭、邻里、物业或其他纠纷");
        residents.MapPost("/{id:guid}/cancel", CancelMediationAsync).WithName(nameof(CancelMediationAsync)).WithSummary("调解员接单前撤回申请");
        residents.MapPost("/{id:guid}/confirm", ConfirmMediationAsync).WithName(nameof(ConfirmMediationAsync))
            .WithSummary("当事人确认调解结果（认可或有异议；首次异议退回调解员继续调解）").WithMetadata(ProxyRefused.Instance);
        residents.MapPost("/{id:guid}/accept", AcceptMediationAsync).WithName(nameof(AcceptMediationAsync)).WithSummary("调解员接单").WithMetadata(ProxyRefused.Instance);
        residents.MapPost("/{id:guid}/decline", DeclineMediationAsync).WithName(nameof(DeclineMediationAsync)).WithSummary("调解员退回派单（须说明理由）").WithMetadata(ProxyRefused.Instance);
        residents.MapPost("/{id:guid}/visits", RecordVisitAsync).WithName(nameof(RecordVisitAsync)).WithSummary("调解员记录上门走访").WithMetadata(ProxyRefused.Instance);
        residents.MapPost("/{id:guid}/outcome", RecordOutcomeAsync).WithName(nameof(RecordOutcomeAsync))
            .WithSummary("调解员结案：调解成功、部分化解、未能化解或移交，请当事人确认").WithMetadata(ProxyRefused.Instance);

        var staff = cases.MapGroup(string.Empty).RequireAuthorization(Policies.Staff);
        staff.MapGet("/", MediationQueueAsync).WithName(nameof(MediationQueueAsync)).WithSummary("调解案件队列（按状态、村社筛选，分页）");
        staff.MapGet("/{id:guid}/suggestions", SuggestMediatorsAsync).WithName(nameof(SuggestMediatorsAsync)).WithSummary("推荐调解员：服务本村社、擅长此类纠纷、在办案件少的优先");
        staff.MapPost("/{id:guid}/dispatch", DispatchMediationAsync).WithName(nameof(DispatchMediationAsync)).WithSummary("派单给调解员");

        var me = app.MapGroup("/api/me").WithTags("Mediation").RequireAuthorization(Policies.Resident);
        me.MapGet("/mediations", MyMediationsAsync).WithName(nameof(MyMediationsAsync)).WithSummary("我的调解申请（我申请的，或我是对方当事人的）");
        me.MapGet("/mediator/cases", MyMediatorCasesAsync).WithName(nameof(MyMediatorCasesAsync)).WithSummary("派给我（调解员）的案件");

        app.MapGroup("/api/mediation-cases").WithTags("Mediation").RequireAuthorization()
            .MapGet("/", SearchCaseLibraryAsync).WithName(nameof(SearchCaseLibraryAsync)).WithSummary("和合案库：已结案件（已去除姓名、电话、地址），按类型和关键词检索");
    }

    public static async Task<Results<Created<MediatorResponse>, ProblemHttpResult, ValidationProblem>> RegisterMediatorAsync(
        RegisterMediatorRequest request, ClaimsPrincipal principal, MediatorRegistry registry, CancellationToken ct)
    {
        var created = await registry.RegisterAsync(principal.Me().Actor, request.ResidentId!.Value, request.Areas!, request.Kinds!, ct);
        return created.IsSuccess
            ? TypedResults.Created($"/api/mediators/{created.Value.Mediator.Id}", MediatorResponse.From(created.Value))
            : Problems.From(created.Error);
    }

    public static async Task<Results<Ok<List<MediatorResponse>>, ProblemHttpResult>> ListMediatorsAsync(ClaimsPrincipal principal, MediatorRegistry registry, CancellationToken ct) =>
        (await registry.ListAsync(principal.Me().Actor, ct)).ToHttp(list => TypedResults.Ok(list.Select(MediatorResponse.From).ToList()));

    public static async Task<Results<Ok<MediatorResponse>, ProblemHttpResult>> UpdateMediatorAsync(
        Guid id, UpdateMediatorRequest request, ClaimsPrincipal principal, MediatorRegistry registry, CancellationToken ct) =>
        (await registry.UpdateAsync(principal.Me().Actor, id, request.Areas, request.Kinds, request.Active, ct)).ToHttp(v => TypedResults.Ok(MediatorResponse.From(v)));

    public static async Task<Results<Created<MediationResponse>, ProblemHttpResult, ValidationProblem>> RequestMediationAsync(
        RequestMediationRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct)
    {
        var me = principal.Me();
        var created = await mediations.RequestAsync(me.Actor, new MediationAsk(request.Kind!.Value, request.Description!, request.OtherParty, request.OtherPartyResidentId), ct);
        return created.IsSuccess
            ? TypedResults.Created($"/api/mediations/{created.Value.Request.Id}", MediationResponse.From(created.Value, me.Id))
            : Problems.From(created.Error);
    }

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> GetMediationAsync(Guid id, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.GetAsync(principal.Me().Actor, id, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> CancelMediationAsync(Guid id, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.CancelAsync(principal.Me().Actor, id, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> ConfirmMediationAsync(
        Guid id, ConfirmMediationRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.ConfirmAsync(principal.Me().Actor, id, request.Agree!.Value, request.Comment, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> AcceptMediationAsync(Guid id, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.AcceptAsync(principal.Me().Actor, id, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> DeclineMediationAsync(
        Guid id, MediationNoteRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.DeclineAsync(principal.Me().Actor, id, request.Note!, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> RecordVisitAsync(
        Guid id, MediationNoteRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.RecordVisitAsync(principal.Me().Actor, id, request.Note!, ct), principal);

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> RecordOutcomeAsync(
        Guid id, MediationOutcomeRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.RecordOutcomeAsync(principal.Me().Actor, id, request.Outcome!.Value, request.Summary!, ct), principal);

    public static async Task<Results<Ok<MediationPageResponse>, ProblemHttpResult, ValidationProblem>> MediationQueueAsync(
        string? status, Guid? communityId, int? page, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<MediationStatus>(status, out var parsed))
        {
            return Problems.Validation("status", "案件状态不正确");
        }

        if (!Paging.TryCreate(page ?? 1, PageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var me = principal.Me();
        var queue = await mediations.QueueAsync(me.Actor, new MediationQueueFilter(parsed, communityId, paging.Skip, paging.PageSize), ct);
        if (!queue.IsSuccess)
        {
            return Problems.From(queue.Error);
        }

        return TypedResults.Ok(new MediationPageResponse(queue.Value.Total, paging.Page, paging.PageSize, [.. queue.Value.Items.Select(v => MediationResponse.From(v, me.Id))]));
    }

    public static async Task<Results<Ok<List<MediatorSuggestionResponse>>, ProblemHttpResult>> SuggestMediatorsAsync(
        Guid id, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        (await mediations.SuggestAsync(principal.Me().Actor, id, ct))
            .ToHttp(list => TypedResults.Ok(list.Select(s => new MediatorSuggestionResponse(MediatorResponse.From(s.Mediator), s.ServesArea, s.TakesKind)).ToList()));

    public static async Task<Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem>> DispatchMediationAsync(
        Guid id, DispatchMediationRequest request, ClaimsPrincipal principal, MediationService mediations, CancellationToken ct) =>
        Respond(await mediations.DispatchAsync(principal.Me().Actor, id, request.MediatorId!.Value, ct), principal);

    public static async Task<Ok<List<MediationResponse>>> MyMediationsAsync(ClaimsPrincipal principal, MediationService mediations, CancellationToken ct)
    {
        var me = principal.Me();
        return TypedResults.Ok((await mediations.MineAsync(me.Actor, ct)).Select(v => MediationResponse.From(v, me.Id)).ToList());
    }

    public static async Task<Results<Ok<List<MediationResponse>>, ProblemHttpResult>> MyMediatorCasesAsync(ClaimsPrincipal principal, MediationService mediations, CancellationToken ct)
    {
        var me = principal.Me();
        return (await mediations.AssignedAsync(me.Actor, ct)).ToHttp(list => TypedResults.Ok(list.Select(v => MediationResponse.From(v, me.Id)).ToList()));
    }

    public static async Task<Results<Ok<CaseLibraryPageResponse>, ProblemHttpResult, ValidationProblem>> SearchCaseLibraryAsync(
        string? kind, string? q, int? page, ClaimsPrincipal principal, CaseLibrary library, CancellationToken ct)
    {
        if (!ParticipationEndpoints.TryParse<MediationKind>(kind, out var parsed))
        {
            return Problems.Validation("kind", "纠纷类型不正确");
        }

        if (q is { Length: > CaseLibrary.WordsMaxLength })
        {
            return Problems.Validation("q", "关键词不超过50字");
        }

        if (!Paging.TryCreate(page ?? 1, PageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var found = await library.SearchAsync(principal.Me().Actor, new CaseSearch(parsed, q, paging.Skip, paging.PageSize), ct);
        if (!found.IsSuccess)
        {
            return Problems.From(found.Error);
        }

        return TypedResults.Ok(new CaseLibraryPageResponse(found.Value.Total, paging.Page, paging.PageSize, [.. found.Value.Items.Select(CaseLibraryEntryResponse.From)]));
    }

    private static Results<Ok<MediationResponse>, ProblemHttpResult, ValidationProblem> Respond(Points.Domain.Common.Result<MediationView> result, ClaimsPrincipal principal) =>
        result.IsSuccess ? TypedResults.Ok(MediationResponse.From(result.Value, principal.Me().Id)) : Problems.From(result.Error);
}
