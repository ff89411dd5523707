using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
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
            .WithSummary("隐患月度统计（按网格）：收到、按时受理率、按时办结率、办结率、满意率；只计该月月末前发生的受理、办结和评价；月份结束后首次查询即冻结，同一月份结果不变")
            .RequireAuthorization(Policies.Staff);

    public static async Task<Results<Ok<ReportStatsResponse>, ProblemHttpResult, ValidationProblem>> ReportStatsAsync(
        string? month, Guid? town, Guid? community, Guid? grid, ClaimsPrincipal principal, PointsDbContext db, ReportStatistics statistics, CancellationToken ct)
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

        var scopeCommunity = me.Role == Role.CommunityStaff ? me.CommunityId : community;
        var counts = (await statistics.MonthAsync(me.TownId!.Value, first.Year, first.Month, ct))
            .Where(r => (scopeCommunity == null || r.CommunityId == scopeCommunity) && (grid == null || r.GridId == grid))
            .GroupBy(r => r.GridId)
            .Select(x => (GridId: x.Key, Counts: x.Aggregate(ReportCounts.Zero, (sum, r) => sum.Plus(r.Counts))))
            .ToList();
        var ids = counts.Where(r => r.GridId != Guid.Empty).Select(r => r.GridId).ToList();
        var names = await db.Grids.AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var grids = counts.Select(r => Stats(r.GridId == Guid.Empty ? null : r.GridId, names.TryGetValue(r.GridId, out var n) ? n : "未划分网格", r.Counts))
            .OrderBy(s => s.GridName, StringComparer.Ordinal).ToList();
        var total = Stats(null, "合计", counts.Aggregate(ReportCounts.Zero, (sum, r) => sum.Plus(r.Counts)));
        return TypedResults.Ok(new ReportStatsResponse(month, me.TownId!.Value, scopeCommunity, grid, total, grids));
    }

    private static GridReportStats Stats(Guid? id, string name, ReportCounts c) =>
        new(id, name, c.Received, c.AcceptedOnTime, c.ClosedOnTime, c.Closed, c.Rated, c.Satisfied,
            Percent(c.AcceptedOnTime, c.Received), Percent(c.ClosedOnTime, c.Received), Percent(c.Closed, c.Received), Percent(c.Satisfied, c.Rated));

    private static double? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);
}
