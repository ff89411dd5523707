using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Jobs;
using Points.Infrastructure.Persistence;
using Points.Scoring;

namespace Points.Infrastructure.Credit;

/// <summary>One reason code as stored in <c>credit_profiles.factors</c> and shown to the resident.</summary>
public sealed record StoredFactor(string Feature, int Deficit, string Description, string Improvement);

/// <summary>Outcome of a full re-score.</summary>
public sealed record RescoreSummary(int Residents, string ModelVersion, DateTimeOffset AsOf, TimeSpan Extract, TimeSpan Score, TimeSpan Write);

/// <summary>
/// Computes and stores credit profiles. Every computation appends a history row; the latest row per resident
/// (index resident_id, as_of, computed_at) is the current profile.
/// </summary>
public sealed class CreditProfileService(PointsDbContext db, BehaviourFeatureExtractor extractor, CreditModelStore models, TimeProvider clock)
{
    public const int WriteBatchSize = 20_000;

    /// <summary>
    /// Re-scores one resident now with the live model (after a negative record is created or revoked, an
    /// upheld appeal, or when no profile exists yet). Returns null when the resident does not exist.
    /// </summary>
    public async Task<CreditProfile?> RescoreAsync(Guid residentId, CancellationToken ct)
    {
        var live = await models.LiveAsync(ct);
        var now = clock.GetUtcNow();
        var matrix = await extractor.ExtractAsync([residentId], now, ct);
        if (matrix.Count == 0)
        {
            return null;
        }

        var profile = Build(live, matrix.Residents[0].Id, live.Scorecard.Score(matrix.Row(0)), now, now);
        db.CreditProfiles.Add(profile);
        await db.SaveChangesAsync(ct);
        return profile;
    }

    /// <summary>The latest profile of a resident, computed on demand when there is none yet.</summary>
    public async Task<CreditProfile?> LatestOrComputeAsync(Guid residentId, CancellationToken ct) =>
        await LatestAsync(residentId, ct) ?? await RescoreAsync(residentId, ct);

    public Task<CreditProfile?> LatestAsync(Guid residentId, CancellationToken ct) =>
        db.CreditProfiles.AsNoTracking().Where(p => p.ResidentId == residentId)
            .OrderByDescending(p => p.AsOf).ThenByDescending(p => p.ComputedAt).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Re-scores every resident as of <paramref name="asOf"/>: features in a few set-based queries, scoring in
    /// parallel in memory, profiles written in batches (COPY on PostgreSQL).
    /// </summary>
    public async Task<RescoreSummary> RescoreAllAsync(DateTimeOffset asOf, CancellationToken ct) =>
        await RescoreAllAsync(asOf, await models.LiveAsync(ct), ct);

    /// <summary>Re-scores every resident with <paramref name="live"/> (the model just activated).</summary>
    public async Task<RescoreSummary> RescoreAllAsync(DateTimeOffset asOf, LiveCreditModel live, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var matrix = await extractor.ExtractAsync(null, asOf, ct);
        var extract = watch.Elapsed;

        var now = clock.GetUtcNow();
        var scoring = TimeSpan.Zero;
        for (var start = 0; start < matrix.Count; start += WriteBatchSize)
        {
            var mark = watch.Elapsed;
            var batch = new CreditProfile[Math.Min(WriteBatchSize, matrix.Count - start)];
            Parallel.For(0, batch.Length, new ParallelOptions { CancellationToken = ct }, k =>
            {
                var i = start + k;
                batch[k] = Build(live, matrix.Residents[i].Id, live.Scorecard.Score(matrix.Row(i)), asOf, now);
            });
            scoring += watch.Elapsed - mark;
            await WriteAsync(batch, ct);
        }

        var score = scoring;
        return new RescoreSummary(matrix.Count, live.Version, asOf, extract, score, watch.Elapsed - extract - score);
    }

    /// <summary>Shown when no behaviour cost any points: a score never comes without saying what it rests on.</summary>
    public static readonly StoredFactor NothingLost = new("none", 0, "您的各项行为记录在当前模型下都已得到该项可得的最高分，分数由模型的基础分和这些记录共同决定", "继续保持：按时参加已报名的活动，遵守村规民约");

    public static CreditProfile Build(LiveCreditModel live, Guid residentId, ScoreResult result, DateTimeOffset asOf, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), residentId, result.Score, result.Tier.Code, result.Band, asOf, live.Version,
            JsonSerializer.Serialize(Factors(result), CreditModelStore.Json),
            now);

    public static StoredFactor[] Factors(ScoreResult result) =>
        result.Reasons.Count == 0 ? [NothingLost] : [.. result.Reasons.Select(r => new StoredFactor(r.Feature, r.Deficit, r.Description, r.Improvement))];

    public static IReadOnlyList<StoredFactor> ReadFactors(string json) =>
        JsonSerializer.Deserialize<StoredFactor[]>(json, CreditModelStore.Json) is { Length: > 0 } stored ? stored : [NothingLost];

    private async Task WriteAsync(CreditProfile[] batch, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            var opened = connection.State != System.Data.ConnectionState.Open;
            if (opened)
            {
                await connection.OpenAsync(ct);
            }

            try
            {
                await using var importer = await connection.BeginBinaryImportAsync(
                    "COPY credit_profiles (id, resident_id, score, tier, band, as_of, model_version, factors, computed_at) FROM STDIN (FORMAT BINARY)", ct);
                foreach (var p in batch)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(p.Id, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(p.ResidentId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(p.Score, NpgsqlDbType.Integer, ct);
                    await importer.WriteAsync(p.Tier, NpgsqlDbType.Varchar, ct);
                    await importer.WriteAsync(p.Band, NpgsqlDbType.Varchar, ct);
                    await importer.WriteAsync(p.AsOf.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                    await importer.WriteAsync(p.ModelVersion, NpgsqlDbType.Varchar, ct);
                    await importer.WriteAsync(p.Factors, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(p.ComputedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                }

                await importer.CompleteAsync(ct);
            }
            finally
            {
                if (opened)
                {
                    await connection.CloseAsync();
                }
            }

            return;
        }

        db.CreditProfiles.AddRange(batch);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}

/// <summary>Nightly re-score of every resident at about 02:00 Asia/Shanghai, on one instance (DB lease).</summary>
public sealed class CreditRescoreJob : DailyJob
{
    public static readonly TimeOnly Time = new(2, 0);

    public override string Name => "credit.nightly-rescore";

    public override TimeOnly RunAt => Time;

    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var profiles = (CreditProfileService)services.GetService(typeof(CreditProfileService))!;
        var clock = (TimeProvider)services.GetService(typeof(TimeProvider))!;
        await profiles.RescoreAllAsync(clock.GetUtcNow(), ct);
    }
}
