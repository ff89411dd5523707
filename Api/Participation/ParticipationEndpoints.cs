using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;

namespace Points.Api.Participation;

/// <summary>One timeline step as the resident sees it.</summary>
/// <summary>One step of a timeline: <see cref="Action"/> is the stable code, <see cref="Title"/> the Chinese a person reads.</summary>
public sealed record TimelineStepResponse(string Action, DateTimeOffset At, string? Note, int? Points, bool ByMe, string Title);

/// <summary>Resident participation: uploads, declarations and reviews, hazard reports, learning, the negative list, the public honour roll.</summary>
public static class ParticipationEndpoints
{
    public static void MapParticipation(this IEndpointRouteBuilder app)
    {
        app.MapUploads();
        app.MapDeclarations();
        app.MapHazards();
        Regions.GridEndpoints.MapGrids(app);
        app.MapReportStats();
        app.MapHazardSettings();
        app.MapLearning();
        app.MapNegativeRecords();
        app.MapHonorRoll();
    }

    internal static ProblemHttpResult Status(int status, string code, string title) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>Photos must be the caller's own uploads and not hidden by moderation.</summary>
    internal static Task<bool> OwnsPhotosAsync(PointsDbContext db, IReadOnlyList<Guid> ids, Guid ownerId, CancellationToken ct) =>
        OwnedByAnyAsync(db, ids, [ownerId], ct);

    /// <summary>The evidence rule (<see cref="Evidence.OwnedByAnyAsync"/>).</summary>
    internal static Task<bool> OwnedByAnyAsync(PointsDbContext db, IReadOnlyList<Guid> ids, IReadOnlyList<Guid> owners, CancellationToken ct) =>
        Evidence.OwnedByAnyAsync(db, ids, owners, ct);

    /// <summary>Only photos still visible (a risky verdict hides them from the item too).</summary>
    internal static async Task<List<Guid>> VisiblePhotosAsync(PointsDbContext db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var hidden = await db.Uploads.Where(u => ids.Contains(u.Id) && u.Moderation == ModerationStatus.Risky).Select(u => u.Id).ToListAsync(ct);
        return ids.Where(i => !hidden.Contains(i)).ToList();
    }

    internal static async Task<List<TimelineStepResponse>> TimelineAsync(PointsDbContext db, Guid subjectId, Guid viewerId, CancellationToken ct)
    {
        var events = await db.ParticipationEvents.AsNoTracking().Where(e => e.SubjectId == subjectId)
            .OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        return events.Select(e => new TimelineStepResponse(e.Action, e.At, e.Note, e.Points, e.ActorId == viewerId, TimelineTitles.Title(e.Action))).ToList();
    }

    internal static Task<UserAccount?> UserAsync(PointsDbContext db, Guid id, CancellationToken ct) =>
        db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);

    internal static bool TryParse<TEnum>(string? text, out TEnum? value)
        where TEnum : struct, Enum
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    internal static ProblemHttpResult From(DomainError error) => Problems.From(error);
}
