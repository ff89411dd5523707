using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Points.Domain.Activities;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Activities;

/// <summary>The little an admission attempt needs to know about an activity besides its quota.</summary>
public sealed record ActivityCard(Guid Id, Guid TownId, Guid CommunityId, Eligibility Eligibility);

/// <summary>
/// Keeps activity cards in memory for a few seconds so a rush of attempts does not read the database
/// (the quota store decides window and places; eligibility rarely changes and a stale answer is
/// bounded by <see cref="Lifetime"/>).
/// </summary>
public sealed class ActivityDirectory(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (ActivityCard Card, DateTimeOffset Until)> _cards = new();

    public async Task<ActivityCard?> GetAsync(Guid id, PointsDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cards.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Card;
        }

        var card = await db.Activities.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new ActivityCard(a.Id, a.TownId, a.CommunityId, a.Eligibility))
            .FirstOrDefaultAsync(ct);
        if (card is not null)
        {
            _cards[id] = (card, now + Lifetime);
        }

        return card;
    }

    public void Invalidate(Guid id) => _cards.TryRemove(id, out _);
}
