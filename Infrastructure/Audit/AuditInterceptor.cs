using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Points.Domain.Audit;

namespace Points.Infrastructure.Audit;

/// <summary>
/// Appends an <see cref="AuditEntry"/> for every added, modified or deleted entity a SaveChanges writes while an
/// audited actor (<see cref="AuditScope"/>) is current; the rows commit in the same transaction as the change.
/// Hand-written statements (guarded updates, batches) append their own row with <see cref="AuditLog"/>.
/// </summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Append(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Append(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Append(DbContext? context)
    {
        if (context is null || AuditScope.Current is not { IsAudited: true } actor)
        {
            return;
        }

        context.ChangeTracker.DetectChanges();
        var now = clock.GetUtcNow();
        var rows = new List<AuditEntry>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry || entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var (before, after) = Values(entry);
            if (entry.State == EntityState.Modified && after is null)
            {
                continue;
            }

            var action = entry.State switch { EntityState.Added => AuditAction.Added, EntityState.Deleted => AuditAction.Deleted, _ => AuditAction.Modified };
            rows.Add(AuditLog.Entry(actor, now, entry.Metadata.ClrType.Name, Key(entry), action, before, after));
        }

        context.AddRange(rows);
    }

    private static string Key(EntityEntry entry) =>
        entry.Metadata.FindPrimaryKey() is { } key
            ? string.Join(",", key.Properties.Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, System.Globalization.CultureInfo.InvariantCulture)))
            : string.Empty;

    private static (string? Before, string? After) Values(EntityEntry entry)
    {
        var before = new Dictionary<string, object?>();
        var after = new Dictionary<string, object?>();
        foreach (var property in entry.Properties)
        {
            if (entry.State == EntityState.Modified && !property.IsModified)
            {
                continue;
            }

            var secret = AuditLog.IsSecret(property.Metadata.Name);
            if (entry.State != EntityState.Added)
            {
                before[property.Metadata.Name] = secret ? AuditLog.Redacted : property.OriginalValue;
            }

            if (entry.State != EntityState.Deleted)
            {
                after[property.Metadata.Name] = secret ? AuditLog.Redacted : property.CurrentValue;
            }
        }

        return (before.Count > 0 ? JsonSerializer.Serialize(before, AuditLog.Json) : null, after.Count > 0 ? JsonSerializer.Serialize(after, AuditLog.Json) : null);
    }
}

/// <summary>Builds audit rows; for hand-written statements, appends one to their batch or context.</summary>
public static class AuditLog
{
    public const string Redacted = "***";

    /// <summary>Enums by name and Chinese unescaped, so a row reads as it was written.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Hashes, ciphers and secrets are never copied into the log.</summary>
    public static bool IsSecret(string property) =>
        property.Contains("Hash", StringComparison.Ordinal) || property.Contains("Cipher", StringComparison.Ordinal)
        || property.Contains("Secret", StringComparison.Ordinal) || property.Contains("Password", StringComparison.Ordinal);

    public static AuditEntry Entry(AuditActor actor, DateTimeOffset now, string entity, string entityId, AuditAction action, string? before, string? after) =>
        new(Guid.CreateVersion7(now), actor.Id, actor.Role.ToString(), actor.TownId, now, entity, entityId, action, before, after, actor.Reason, actor.ProxySessionId);

    /// <summary>The row for a hand-written write, or null when the current actor is not audited.</summary>
    public static AuditEntry? For(DateTimeOffset now, string entity, object entityId, AuditAction action, object? before, object? after) =>
        AuditScope.Current is { IsAudited: true } actor
            ? Entry(actor, now, entity, Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, action,
                before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json))
            : null;

    /// <summary>Adds the row for a guarded update to the context, to commit with the caller's next SaveChanges or transaction.</summary>
    public static async Task AppendAsync(DbContext db, DateTimeOffset now, string entity, object entityId, object? before, object? after, CancellationToken ct)
    {
        if (For(now, entity, entityId, AuditAction.Modified, before, after) is { } row)
        {
            db.Add(row);
            await db.SaveChangesAsync(ct);
        }
    }
}
