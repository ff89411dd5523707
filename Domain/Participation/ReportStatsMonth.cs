namespace Points.Domain.Participation;

/// <summary>
/// One grid's frozen report figures for a month that is over (统计月结): written once, the first time the month is
/// asked for after its end, from the reports' timestamps bounded by the month's end, and read as they are ever after,
/// so a past month gives the same answer whatever happens to its reports later. <see cref="GridId"/> is
/// <see cref="Guid.Empty"/> for reports outside any grid.
/// </summary>
public sealed class ReportStatsMonth
{
    public const int MonthLength = 7;

    private ReportStatsMonth()
    {
        Month = string.Empty;
    }

    public ReportStatsMonth(Guid id, Guid townId, string month, Guid communityId, Guid gridId, ReportCounts counts, DateTimeOffset frozenAt)
    {
        ArgumentNullException.ThrowIfNull(counts);
        Id = id;
        TownId = townId;
        Month = month;
        CommunityId = communityId;
        GridId = gridId;
        Received = counts.Received;
        AcceptedOnTime = counts.AcceptedOnTime;
        ClosedOnTime = counts.ClosedOnTime;
        Closed = counts.Closed;
        Rated = counts.Rated;
        Satisfied = counts.Satisfied;
        FrozenAt = frozenAt;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>yyyy-MM, a Shanghai calendar month.</summary>
    public string Month { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid GridId { get; private set; }

    public int Received { get; private set; }

    public int AcceptedOnTime { get; private set; }

    public int ClosedOnTime { get; private set; }

    public int Closed { get; private set; }

    public int Rated { get; private set; }

    public int Satisfied { get; private set; }

    public DateTimeOffset FrozenAt { get; private set; }

    public ReportCounts Counts => new(Received, AcceptedOnTime, ClosedOnTime, Closed, Rated, Satisfied);
}

/// <summary>A month's report counts for one grid (or a sum of grids).</summary>
public sealed record ReportCounts(int Received, int AcceptedOnTime, int ClosedOnTime, int Closed, int Rated, int Satisfied)
{
    public static readonly ReportCounts Zero = new(0, 0, 0, 0, 0, 0);

    public ReportCounts Plus(ReportCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Received + other.Received, AcceptedOnTime + other.AcceptedOnTime, ClosedOnTime + other.ClosedOnTime, Closed + other.Closed,
            Rated + other.Rated, Satisfied + other.Satisfied);
    }
}
