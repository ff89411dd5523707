using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Api.Ledger;

/// <summary>Month-end points summaries (积分汇总表): the staff version and the public notice board version (masked names, opt-outs left out).</summary>
public static class SummaryEndpoints
{
    private static readonly (TransferReason Source, string Column)[] Sources =
    [
        (TransferReason.ActivityAttendance, "活动积分"),
        (TransferReason.Declaration, "申报积分"),
        (TransferReason.HazardReport, "隐患上报积分"),
        (TransferReason.Learning, "学习积分"),
        (TransferReason.Mediation, "调解积分"),
        (TransferReason.PollVote, "议事积分"),
        (TransferReason.PremisesSelfCheck, "场所自查积分"),
    ];

    public static void MapSummaries(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/communities").WithTags("Summaries").RequireAuthorization(Policies.Staff)
            .MapGet("/{id:guid}/summaries/{month}", StaffSummaryAsync).WithName(nameof(StaffSummaryAsync))
            .WithSummary("村社月度积分汇总表（期初、各来源获得、消费、过期、调整、期末）；?format=csv 或 xlsx（含合计行）");
        app.MapGroup("/api/public/communities").WithTags("Summaries").AllowAnonymous()
            .MapGet("/{id:guid}/summaries/{month}", PublicSummaryAsync).WithName(nameof(PublicSummaryAsync))
            .WithSummary("公示版月度积分汇总表：姓名脱敏，不含选择不公示的居民；?format=csv 或 xlsx（含合计行）");
    }

    public static async Task<Results<Ok<SummaryResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem>> StaffSummaryAsync(
        Guid id, string month, ClaimsPrincipal principal, PointsDbContext db, LedgerReports reports, TimeProvider clock, CancellationToken ct, [FromQuery] string? format = null)
    {
        if (!ExportFile.TryParseMonth(month, out var year, out var m))
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM");
        }

        var now = clock.GetUtcNow();
        if (SummaryMonth.Check(year, m, now) is { } refused)
        {
            return Problems.From(refused);
        }

        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        if (!principal.Me().CanAdminister(community.TownId, community.Id))
        {
            return Problems.Forbidden("summary.out_of_scope", "只能查看本村社（镇街）的汇总表");
        }

        var rows = await reports.CommunityMonthAsync(id, year, m, ct);
        return Render(community.Id, community.Name, month, SummaryMonth.IsClosed(year, m, now), rows, publicVersion: false, format);
    }

    public static async Task<Results<Ok<SummaryResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem>> PublicSummaryAsync(
        Guid id, string month, PointsDbContext db, LedgerReports reports, TimeProvider clock, CancellationToken ct, [FromQuery] string? format = null)
    {
        if (!ExportFile.TryParseMonth(month, out var year, out var m))
        {
            return Problems.Validation("month", "月份格式应为 yyyy-MM");
        }

        var now = clock.GetUtcNow();
        if (SummaryMonth.Check(year, m, now) is { } refused)
        {
            return Problems.From(refused);
        }

        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (community is null)
        {
            return Problems.NotFound("community.not_found", "村社不存在");
        }

        var rows = await reports.CommunityMonthAsync(id, year, m, ct);
        return Render(community.Id, community.Name, month, SummaryMonth.IsClosed(year, m, now), rows.Where(r => !r.HonorRollOptOut).ToList(), publicVersion: true, format);
    }

    /// <summary>张三 → 张*, 欧阳修 → 欧*: the surname stays so neighbours recognise the notice, the rest is hidden.</summary>
    public static string Mask(string name) => string.IsNullOrEmpty(name) ? "*" : string.Concat(name.AsSpan(0, 1), "*");

    private static Results<Ok<SummaryResponse>, FileContentHttpResult, ProblemHttpResult, ValidationProblem> Render(
        Guid communityId, string communityName, string month, bool closed, IReadOnlyList<ResidentMonth> rows, bool publicVersion, string? format)
    {
        var responseRows = rows.Select(r => new SummaryRowResponse(
            publicVersion ? null : r.ResidentId,
            publicVersion ? Mask(r.DisplayName) : r.DisplayName,
            r.Opening,
            Sources.ToDictionary(s => s.Source.ToString(), s => r.EarnedBySource.GetValueOrDefault(s.Source)),
            r.Earned, r.Spent, r.Expired, r.Adjusted, r.Elsewhere, r.Closing)).ToList();
        if (ExportFile.Format(format) is not { } file)
        {
            return TypedResults.Ok(new SummaryResponse(communityId, communityName, month, closed, responseRows));
        }

        var header = new List<string> { "姓名", "期初余额" };
        header.AddRange(Sources.Select(s => s.Column));
        header.AddRange(["获得合计", "消费", "过期", "调整", "在其他村社的变动", "期末余额"]);
        var lines = new List<IReadOnlyList<object>>();
        foreach (var r in responseRows)
        {
            var line = new List<object> { r.Name, r.Opening };
            line.AddRange(Sources.Select(s => (object)r.EarnedBySource[s.Source.ToString()]));
            line.AddRange([r.Earned, r.Spent, r.Expired, r.Adjusted, r.Elsewhere, r.Closing]);
            lines.Add(line);
        }

        var total = new List<object> { "合计", responseRows.Sum(r => r.Opening) };
        total.AddRange(Sources.Select(s => (object)responseRows.Sum(r => r.EarnedBySource[s.Source.ToString()])));
        total.AddRange([responseRows.Sum(r => r.Earned), responseRows.Sum(r => r.Spent), responseRows.Sum(r => r.Expired), responseRows.Sum(r => r.Adjusted), responseRows.Sum(r => r.Elsewhere), responseRows.Sum(r => r.Closing)]);
        lines.Add(total);
        return ExportFile.From(new ExportTable("积分汇总表", header, lines), file, $"summary-{month}");
    }
}
