namespace Points.Domain.Participation;

/// <summary>
/// Honour-roll ranks: equal points share a rank and the next rank skips the shared places (standard competition
/// ranking, 1, 1, 3): two residents with 30 points are both first, whoever's name sorts first.
/// </summary>
public static class HonorRanking
{
    /// <summary>The rank of each position of points already sorted from most to fewest.</summary>
    public static int[] Ranks(IReadOnlyList<long> pointsDescending)
    {
        var ranks = new int[pointsDescending.Count];
        for (var i = 0; i < ranks.Length; i++)
        {
            ranks[i] = i > 0 && pointsDescending[i] == pointsDescending[i - 1] ? ranks[i - 1] : i + 1;
        }

        return ranks;
    }
}
