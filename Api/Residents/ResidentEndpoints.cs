using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Points.Api.Http;
using Points.Domain.Activities;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Participation;
using Points.Infrastructure.Residents;

namespace Points.Api.Residents;

public sealed record ResidentListItem(Guid Id, string DisplayName, string? PhoneMasked, Guid? CommunityId, string? CommunityName, Guid? GridId, string? GridName, bool IsActive);

public sealed record ResidentPage(IReadOnlyList<ResidentListItem> Items, int Page, int PageSize, int Total);

public sealed record ResidentEntryResponse(Guid Id, long Points, TransferReason Reason, string? Note, DateTimeOffset At);

public sealed record ResidentSignUpResponse(Guid ActivityId, string Title, DateTimeOffset StartsAt, SignUpStatus Status, int Points);

public sealed record ResidentDeclarationResponse(Guid Id, DeclarationCategory Category, string Text, DeclarationStatus Status, int? AwardedPoints, DateTimeOffset SubmittedAt);

public sealed record ResidentCreditResponse(int Score, string Tier, string Band, DateTimeOffset AsOf);

public sealed record ResidentDetailResponse(
    ResidentListItem Resident, long Balance, IReadOnlyList<ResidentEntryResponse> Entries, IReadOnlyList<ResidentSignUpResponse> SignUps,
    IReadOnlyList<ResidentDeclarationResponse> Declarations, ResidentCreditResponse? Credit);

/// <summary>Staff find residents (by name or full phone number) in the communities they administer, and open one (<see cref="ResidentDirectory"/>).</summary>
public static class ResidentEndpoints
{
    public const int PageSize = 20;

    public static void MapResidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/residents").WithTags("Residents").RequireAuthorization();
        group.MapGet("/", SearchResidentsAsync).WithName(nameof(SearchResidentsAsync))
            .WithSummary("查找居民：q 为姓名（包含）或完整手机号；可按村社、网格筛选；每页20条，只含本村社（镇街），网格员只含本人负责的网格")
            .RequireAuthorization(Policies.GridStaff);
        group.MapGet("/{id:guid}", GetResidentAsync).WithName(nameof(GetResidentAsync))
            .WithSummary("居民概况：积分余额与最近明细、报名、申报、信用等级")
            .RequireAuthorization(Policies.Staff);
    }

    public static async Task<Results<Ok<ResidentPage>, ProblemHttpResult, ValidationProblem>> SearchResidentsAsync(
        ClaimsPrincipal principal, ResidentDirectory directory, CancellationToken ct,
        string? q = null, Guid? community = null, Guid? grid = null, int page = 1)
    {
        if (!Paging.TryCreate(page, PageSize, out var paging, out var invalid))
        {
            return invalid!;
        }

        if (q is { Length: > UserAccount.DisplayNameMaxLength })
        {
            return Problems.Validation("q", "搜索内容不能超过32个字");
        }

        var found = await directory.SearchAsync(principal.Me().Actor, new ResidentSearch(q, community, grid, paging.Skip, paging.PageSize), ct);
        return found.IsSuccess
            ? TypedResults.Ok(new ResidentPage([.. found.Value.Items.Select(ToResponse)], page, PageSize, found.Value.Total))
            : Problems.From(found.Error);
    }

    public static async Task<Results<Ok<ResidentDetailResponse>, ProblemHttpResult>> GetResidentAsync(
        Guid id, ClaimsPrincipal principal, ResidentDirectory directory, CancellationToken ct) =>
        (await directory.DetailAsync(principal.Me().Actor, id, ct)).ToHttp(d => TypedResults.Ok(new ResidentDetailResponse(
            ToResponse(d.Resident),
            d.Wallet.Balance,
            d.Wallet.Entries.Select(e => new ResidentEntryResponse(e.Id, e.Points, e.Reason, e.Note, ShanghaiTime.ToShanghai(e.At))).ToList(),
            d.SignUps.Select(s => new ResidentSignUpResponse(s.ActivityId, s.Title, s.StartsAt, s.Status, s.Points)).ToList(),
            d.Declarations.Select(x => new ResidentDeclarationResponse(x.Id, x.Category, x.Text, x.Status, x.AwardedPoints, x.SubmittedAt)).ToList(),
            d.Credit is { } c ? new ResidentCreditResponse(c.Score, c.Tier, c.Band, c.AsOf) : null)));

    private static ResidentListItem ToResponse(ResidentSummary r) =>
        new(r.Id, r.DisplayName, r.PhoneMasked, r.CommunityId, r.CommunityName, r.GridId, r.GridName, r.IsActive);
}
