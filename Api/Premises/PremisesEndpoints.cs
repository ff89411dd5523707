using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Premises;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Premises;

namespace Points.Api.Premises;

/// <summary>一单一码: key premises, their checklists and monthly self-checks, the public code, the month's figures and follow-ups.</summary>
public static partial class PremisesEndpoints
{
    public static void MapPremises(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/premises").WithTags("Premises").RequireAuthorization(Policies.Staff);
        staff.MapPost("/", CreatePremisesAsync).WithName(nameof(CreatePremisesAsync))
            .WithSummary("登记重点场所（一单一码）：名称、类型、网格、地址、责任人；返回场所码，未自查时为红码");
        staff.MapGet("/", ListPremisesAsync).WithName(nameof(ListPremisesAsync)).WithSummary("重点场所清单（按镇街/村社/网格，分页），含当前码色与最近自查时间");
        staff.MapGet("/{id:guid}", GetPremisesAsync).WithName(nameof(GetPremisesAsync)).WithSummary("重点场所详情");
        staff.MapGet("/stats", PremisesStatsAsync).WithName(nameof(PremisesStatsAsync))
            .WithSummary("月度转码率（绿码占比）与各码色数量；已结束的月份按月末定格的码色，任何时候查询结果相同");
        staff.MapGet("/{id:guid}/code-poster", PremisesPosterAsync).WithName(nameof(PremisesPosterAsync)).WithSummary("场所码海报 PNG（二维码与码色）");

        app.MapGroup("/api/premises").WithTags("Premises").RequireAuthorization(Policies.Resident)
            .MapPost("/{id:guid}/self-checks", SelfCheckAsync).WithName(nameof(SelfCheckAsync))
            .WithSummary("责任人月度自查（本月，逐项回答检查标准）：全部合格绿码，一般项不合格黄码（整改后复查转绿），重点项不合格红码；每月首次按时自查得积分");

        var towns = app.MapGroup("/api/towns").WithTags("Premises");
        towns.MapPut("/{townId:guid}/premises-checklists/{kind}", PutChecklistAsync).WithName(nameof(PutChecklistAsync)).RequireAuthorization(Policies.TownStaff)
            .WithSummary("发布某类场所的检查标准（新版本；已提交的自查仍按原版本解读）");
        towns.MapGet("/{townId:guid}/premises-checklists", ListChecklistsAsync).WithName(nameof(ListChecklistsAsync)).RequireAuthorization(Policies.Staff)
            .WithSummary("本镇街各类场所当前的检查标准");

        app.MapGroup("/api/me").WithTags("Premises").RequireAuthorization(Policies.Resident)
            .MapGet("/premises", MyPremisesAsync).WithName(nameof(MyPremisesAsync)).WithSummary("我负责的场所：码色、本月是否已自查、要回答的检查标准");

        app.MapGroup("/api/public/premises").WithTags("Premises").AllowAnonymous()
            .MapGet("/{code}", PublicPremisesAsync).WithName(nameof(PublicPremisesAsync)).WithSummary("扫场所码：场所名称、码色、最近自查时间（不含任何个人信息）");

        app.MapPremisesFollowUps();
    }

    public static async Task<Results<Created<PremisesResponse>, ProblemHttpResult, ValidationProblem>> CreatePremisesAsync(
        PremisesRequest request, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        var me = principal.Me();
        if (me.TownId is not { } townId)
        {
            return Problems.From(KeyPremises.OutOfScope);
        }

        var scope = new PremisesScope(townId, me.Role == Role.CommunityStaff ? me.CommunityId : null, null);
        var created = await premises.CreateAsync(scope, me.Id,
            new NewPremises(request.Name, request.Kind!.Value, request.GridId, request.Address, request.ResponsibleResidentId!.Value), ct);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error);
        }

        var response = PremisesResponse.From(created.Value);
        return TypedResults.Created($"/api/premises/{response.Id}", response);
    }

    public static async Task<Results<Ok<PremisesPage>, ProblemHttpResult, ValidationProblem>> ListPremisesAsync(
        ClaimsPrincipal principal, PointsDbContext db, PremisesService premises, CancellationToken ct,
        Guid? town = null, Guid? community = null, Guid? grid = null, int page = 1, int pageSize = 20)
    {
        if (!Paging.TryCreate(page, pageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        var (scope, refused) = await ScopeAsync(principal.Me(), db, town, community, grid, ct);
        if (scope is null)
        {
            return refused!;
        }

        var (items, total) = await premises.ListAsync(scope, paging.Skip, paging.PageSize, ct);
        return TypedResults.Ok(new PremisesPage([.. items.Select(PremisesResponse.From)], page, pageSize, total));
    }

    public static async Task<Results<Ok<PremisesResponse>, ProblemHttpResult>> GetPremisesAsync(
        Guid id, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        var found = await premises.FindAsync(id, ct);
        if (found is null)
        {
            return Problems.From(KeyPremises.NotFound);
        }

        return principal.Me().CanAdminister(found.Premises.TownId, found.Premises.CommunityId)
            ? TypedResults.Ok(PremisesResponse.From(found))
            : Problems.From(KeyPremises.OutOfScope);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PremisesPosterAsync(
        Guid id, HttpRequest http, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        var found = await premises.FindAsync(id, ct);
        if (found is null)
        {
            return Problems.From(KeyPremises.NotFound);
        }

        if (!principal.Me().CanAdminister(found.Premises.TownId, found.Premises.CommunityId))
        {
            return Problems.From(KeyPremises.OutOfScope);
        }

        var url = $"{http.Scheme}://{http.Host}/api/public/premises/{found.Premises.Code}";
        return TypedResults.File(PremisesPoster.Render(url, found.Colour), "image/png", $"premises-{found.Premises.Code}.png");
    }

    public static async Task<Results<Ok<PremisesStatsResponse>, ProblemHttpResult, ValidationProblem>> PremisesStatsAsync(
        ClaimsPrincipal principal, PointsDbContext db, PremisesReports reports, CancellationToken ct,
        string? month = null, Guid? town = null, Guid? community = null, Guid? grid = null)
    {
        var (scope, refused) = await ScopeAsync(principal.Me(), db, town, community, grid, ct);
        if (scope is null)
        {
            return refused!;
        }

        var stats = await reports.StatsAsync(scope, month, ct);
        return stats.IsSuccess ? TypedResults.Ok(PremisesStatsResponse.From(scope, stats.Value)) : Problems.From(stats.Error);
    }

    public static async Task<Results<Created<SelfCheckResponse>, ProblemHttpResult, ValidationProblem>> SelfCheckAsync(
        Guid id, SelfCheckRequest request, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        var answers = request.Answers!.Select(a => new SelfCheckAnswer(a.Item!.Value, a.Pass!.Value)).ToList();
        var result = await premises.SelfCheckAsync(id, principal.Me().Id, request.Month, answers, request.PhotoIds, ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var response = SelfCheckResponse.From(result.Value);
        return TypedResults.Created($"/api/premises/{id}/self-checks/{response.Id}", response);
    }

    public static async Task<Results<Ok<ChecklistResponse>, ProblemHttpResult, ValidationProblem>> PutChecklistAsync(
        Guid townId, string kind, ChecklistRequest request, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        if (!Enum.TryParse<PremisesKind>(kind, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(kind[0]))
        {
            return Problems.From(KeyPremises.KindInvalid);
        }

        var me = principal.Me();
        if (!me.CanAdministerTown(townId))
        {
            return Problems.Forbidden("region.out_of_scope", "只能管理本镇街");
        }

        var published = await premises.PublishChecklistAsync(townId, parsed, [.. request.Items!.Select(i => new ChecklistItemDraft(i.Text, i.Critical))], me.Id, ct);
        return published.IsSuccess ? TypedResults.Ok(ChecklistResponse.From(published.Value)) : Problems.From(published.Error);
    }

    public static async Task<Results<Ok<List<ChecklistResponse>>, ProblemHttpResult>> ListChecklistsAsync(
        Guid townId, ClaimsPrincipal principal, PremisesService premises, CancellationToken ct)
    {
        if (principal.Me().TownId != townId)
        {
            return Problems.Forbidden("region.out_of_scope", "只能查看本镇街");
        }

        return TypedResults.Ok((await premises.ChecklistsAsync(townId, ct)).Select(ChecklistResponse.From).ToList());
    }

    public static async Task<Ok<List<MyPremisesResponse>>> MyPremisesAsync(
        ClaimsPrincipal principal, PointsDbContext db, PremisesService premises, TimeProvider clock, CancellationToken ct)
    {
        var me = principal.Me();
        var mine = await premises.MineAsync(me.Id, ct);
        var month = PremisesMonths.Of(clock.GetUtcNow());
        var ids = mine.Select(p => p.Premises.Id).ToList();
        var checkedIds = await db.PremisesSelfChecks.AsNoTracking().Where(c => ids.Contains(c.PremisesId) && c.Month == month).Select(c => c.PremisesId).Distinct().ToListAsync(ct);
        var lists = new Dictionary<(Guid, PremisesKind), ChecklistResponse?>();
        foreach (var key in mine.Select(p => (p.Premises.TownId, p.Premises.Kind)).Distinct())
        {
            lists[key] = await premises.CurrentChecklistAsync(key.TownId, key.Kind, ct) is { } c ? ChecklistResponse.From(c) : null;
        }

        return TypedResults.Ok(mine.Select(v => new MyPremisesResponse(v.Premises.Id, v.Premises.Code, v.Premises.Name, v.Premises.Kind, v.Premises.Address, v.Colour,
            v.LastCheckedAt, month, checkedIds.Contains(v.Premises.Id), lists[(v.Premises.TownId, v.Premises.Kind)])).ToList());
    }

    public static async Task<Results<Ok<PublicPremisesResponse>, ProblemHttpResult>> PublicPremisesAsync(string code, PremisesService premises, CancellationToken ct)
    {
        if (code.Length != KeyPremises.CodeLength)
        {
            return Problems.From(KeyPremises.NotFound);
        }

        var found = await premises.ByCodeAsync(code.ToUpperInvariant(), ct);
        return found is null ? Problems.From(KeyPremises.NotFound) : TypedResults.Ok(new PublicPremisesResponse(found.Premises.Name, found.Colour, found.LastCheckedAt));
    }

    /// <summary>
    /// The caller's view: their town; community staff their community; a community or grid asked for must lie inside
    /// that, else 403 <c>premises.out_of_scope</c>.
    /// </summary>
    private static async Task<(PremisesScope? Scope, ProblemHttpResult? Refused)> ScopeAsync(
        CurrentUser me, PointsDbContext db, Guid? town, Guid? community, Guid? grid, CancellationToken ct)
    {
        var refused = Problems.From(KeyPremises.OutOfScope);
        if (me.TownId is not { } townId || (town is { } t && t != townId)
            || (me.Role == Role.CommunityStaff && community is { } c0 && c0 != me.CommunityId))
        {
            return (null, refused);
        }

        var communityId = me.Role == Role.CommunityStaff ? me.CommunityId : community;
        if (communityId is { } c && !await db.Communities.AnyAsync(x => x.Id == c && x.TownId == townId, ct))
        {
            return (null, refused);
        }

        if (grid is { } g)
        {
            var gridCommunity = await db.Grids.AsNoTracking().Where(x => x.Id == g)
                .Join(db.Communities, x => x.CommunityId, x => x.Id, (x, y) => new { x.CommunityId, y.TownId }).FirstOrDefaultAsync(ct);
            if (gridCommunity is null || gridCommunity.TownId != townId || (communityId is { } cc && cc != gridCommunity.CommunityId))
            {
                return (null, refused);
            }
        }

        return (new PremisesScope(townId, communityId, grid), null);
    }
}
