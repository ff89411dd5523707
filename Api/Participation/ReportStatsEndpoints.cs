using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

/// <summary>One grid's month; percentages with one decimal, null when there is nothing to divide by.</summary>
public sealed record GridReportStats(Guid? GridId, string GridName, int Received, int AcceptedOnTime, int ClosedOnTime, int Closed, int Rated, int Satisfied,
    double? AcceptedOnTimePercent, double? ClosedOnTimePercent, double? ClosureRatePercent, double? SatisfactionPercent);

public sealed record ReportStatsResponse(string Month, Guid TownId, Guid? CommunityId, Guid? GridId, GridReportStats Total, IReadOnlyList<GridReportStats> Grids);

public static class ReportStatsEndpoints
{
    public static void MapReportStats(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/report-stats").WithTags("Hazards").RequireAuthorization()
            .MapGet("/", ReportStatsAsync).WithName(nameof(ReportStatsAsync))
            .WithSummary("隐患月度统计（按网格）：收到、按时受理率、按时办结率、办结率、满意率；只看该月报告的存储时间，同一月份结果不变")
            .RequireAuthorization(Policies.Staff);

    public static async Task<Results<Ok<ReportStatsResponse>, ProblemHttpResult, ValidationProblem>> ReportStatsAsync(
        string? month, Guid? town, Guid? community, Guid? grid, ClaimsPrincipal principal, PointsDbContext db, CancellationToken ct)
    {
        if (month is null || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            return Problems.Validation("month", "月份格式须为 yyyy-MM");
        }

        var me = principal.Me();
        if (town is { } t && t != me.TownId)
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        if (me.Role == Role.CommunityStaff && community is { } c0 && c0 != me.CommunityId)
        {
            return Problems.From(HazardErrors.OutOfScope);
        }

        var (start, end) = ShanghaiTime.Month(first.Year, first.Month);
        var query = db.HazardReports.AsNoTracking().Where(h => h.TownId == me.TownId && h.ReportedAt >= start && h.ReportedAt < end);
        var scopeCommunity = me.Role == Role.CommunityStaff ? me.CommunityId : community;
        if (scopeCommunity is { } c)
        {
            query = query.Where(h => h.CommunityId == c);
        }

        if (grid is { } g)
        {
            query = query.Where(h => h.GridId == g);
        }

        var rows = await query.GroupBy(h => h.GridId).Select(x => new
        {
            GridId = x.Key,
            Received = x.Count(),
            AcceptedOnTime = x.Count(h => h.AcceptedAt != null && h.AcceptedAt <= h.AcceptDueAt),
            ClosedOnTime = x.Count(h => h.Status == HazardStatus.Closed && h.ClosedAt != null && h.ClosedAt <= h.CloseDueAt),
            Closed = x.Count(h => h.Status == HazardStatus.Closed),
            Rated = x.Count(h => h.Rating != null),
            Satisfied = x.Count(h => h.Rating == HazardRating.Satisfied || h.Rating == HazardRating.BasicallySatisfied),
        }).ToListAsync(ct);
        var ids = rows.Where(r => r.GridId != null).Select(r => r.GridId!.Value).ToList();
        var names = await db.Grids.AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var grids = rows.Select(r => Stats(r.GridId, r.GridId is { } id && names.TryGetValue(id, out var n) ? n : "未划分网格", r.Received, r.AcceptedOnTime, r.ClosedOnTime, r.Closed, r.Rated, r.Satisfied))
            .OrderBy(s => s.GridName, StringComparer.Ordinal).ToList();
        var total = Stats(null, "合计", grids.Sum(s => s.Received), grids.Sum(s => s.AcceptedOnTime), grids.Sum(s => s.ClosedOnTime), grids.Sum(s => s.Closed), grids.Sum(s => s.Rated), grids.Sum(s => s.Satisfied));
        return TypedResults.Ok(new ReportStatsResponse(month, me.TownId!.Value, scopeCommunity, grid, total, grids));
    }

    private static GridReportStats Stats(Guid? id, string name, int received, int acceptedOnTime, int closedOnTime, int closed, int rated, int satisfied) =>
        new(id, name, received, acceptedOnTime, closedOnTime, closed, rated, satisfied,
            Percent(acceptedOnTime, received), Percent(closedOnTime, received), Percent(closed, received), Percent(satisfied, rated));

    private static double? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);
}
