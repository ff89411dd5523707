using Microsoft.EntityFrameworkCore;

namespace Points.Infrastructure.Persistence;

/// <summary>Saving a tracked aggregate that carries a concurrency token, off the hot path.</summary>
public static class SaveOrConflict
{
    /// <summary>
    /// Saves, or answers false when another request changed the row first (its version moved) or queued the same
    /// unique row first (a notification's dedupe key made from that version is the usual one). On false the tracked
    /// changes are forgotten, so the caller can answer its conflict and nothing half-done is saved later.
    /// </summary>
    public static async Task<bool> TrySaveChangesAsync(this PointsDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
