using Microsoft.Extensions.Time.Testing;

namespace Points.Testing;

/// <summary>
/// The suite's clocks are <see cref="FakeTimeProvider"/>s: a test that uses fixed instants owns the
/// clock the code under test reads, so it passes on any day the suite runs.
/// </summary>
public static class TestClocks
{
    /// <summary>When the suite's scenarios happen unless a test says otherwise: Monday 2026-11-23, 10:00 in Shanghai.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A fake clock reading <paramref name="start"/> (kept in UTC, as the system clock reports it).</summary>
    public static FakeTimeProvider At(DateTimeOffset start) => new(start.ToUniversalTime());

    /// <summary>A fake clock reading <see cref="DefaultStart"/>.</summary>
    public static FakeTimeProvider AtDefaultStart() => At(DefaultStart);

    /// <summary>
    /// Moves the clock to <paramref name="to"/>, forwards or back (kept in UTC). Timers created from the
    /// clock are not fired; <see cref="FakeTimeProvider.Advance"/> fires those that fall due.
    /// </summary>
    public static void Set(this FakeTimeProvider clock, DateTimeOffset to) => clock.AdjustTime(to.ToUniversalTime());

    /// <summary>Moves the clock back by <paramref name="by"/> (<see cref="FakeTimeProvider.Advance"/> only goes forwards).</summary>
    public static void Rewind(this FakeTimeProvider clock, TimeSpan by) => clock.AdjustTime(clock.GetUtcNow() - by);
}
