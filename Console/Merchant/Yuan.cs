using System.Globalization;

namespace Points.Console.Merchant;

/// <summary>Points as the yuan the town pays for them, as the API computes fen (points × 100 ÷ rate, truncated), for the preview while typing.</summary>
public static class Yuan
{
    public static long Fen(long points, int pointsPerYuan) => pointsPerYuan <= 0 ? 0 : points * 100 / pointsPerYuan;

    public static string Text(long fen) => (fen < 0 ? "-" : string.Empty) + "¥" + (Math.Abs(fen) / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public static string OfPoints(long points, int pointsPerYuan) => Text(Fen(points, pointsPerYuan));
}
