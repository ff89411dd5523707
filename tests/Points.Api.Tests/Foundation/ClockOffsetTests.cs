using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Points.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Points.Api.Tests.Foundation;

/// <summary>
/// `scripts/test.sh --clock-offset +400d` runs the suite with the clock moved: this proves the move
/// took (the test process and PostgreSQL see it, Redis keeps the real clock), so a green offset run
/// means the tests really ran 400 days ahead. Without the flag the offset is zero.
/// </summary>
public sealed partial class ClockOffsetTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(2);

    [GeneratedRegex("^([+-])([0-9]+)([smhdy]?)$")]
    private static partial Regex OffsetPattern();

    /// <summary>libfaketime's relative offsets: [+-]N seconds, or N with s, m, h, d or y (365 days).</summary>
    public static TimeSpan ParseOffset(string text)
    {
        var match = OffsetPattern().Match(text);
        Assert.True(match.Success, $"POINTS_TEST_CLOCK_OFFSET '{text}' is not [+-]N[smhdy]");
        var n = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[3].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            "y" => TimeSpan.FromDays(365 * n),
            _ => TimeSpan.FromSeconds(n),
        };
        return match.Groups[1].Value == "-" ? -span : span;
    }

    [Theory]
    [InlineData("+400d", 400 * 24 * 3600L)]
    [InlineData("-30d", -30 * 24 * 3600L)]
    [InlineData("+2h", 7200L)]
    [InlineData("+0s", 0L)]
    [InlineData("+90", 90L)]
    public void ParseOffset_ReadsLibfaketimeOffsets(string text, long seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ParseOffset(text));

    [Fact]
    public async Task TestProcessAndPostgres_SeeTheOffset_RedisKeepsTheRealClock()
    {
        var offset = ParseOffset(Environment.GetEnvironmentVariable("POINTS_TEST_CLOCK_OFFSET") is { Length: > 0 } v ? v : "+0s");

        await using var pg = new NpgsqlConnection(TestServers.PostgresBase);
        await pg.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", pg);
        var postgresNow = (DateTime)(await command.ExecuteScalarAsync())!;
        using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var redisTime = await redis.GetServer(redis.GetEndPoints()[0]).TimeAsync();
        var processNow = DateTimeOffset.UtcNow;

        Assert.InRange(processNow - new DateTimeOffset(DateTime.SpecifyKind(postgresNow, DateTimeKind.Utc)), -Tolerance, Tolerance);
        Assert.InRange(processNow - new DateTimeOffset(DateTime.SpecifyKind(redisTime, DateTimeKind.Utc)) - offset, -Tolerance, Tolerance);
    }
}
