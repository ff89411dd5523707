using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Residents;

/// <summary>
/// Whether anything refers to a resident's account: every row with a foreign key to it (read from the model, so a
/// new table is covered without a change here), plus the rows that name a resident without one (wallet, proxy
/// sessions, market orders, coupons). Sign-in bookkeeping (refresh tokens, throttles, lock events) is not history.
/// Claiming a pre-registered record decides by it which account survives, so nothing is deleted under a reference.
/// </summary>
public static class ResidentHistory
{
    private static readonly string[] SessionBookkeeping = ["RefreshToken", "RefreshTokenFamily", "LoginThrottle", "AccountLockEvent"];

    private static readonly MethodInfo AnyOfMethod = typeof(ResidentHistory).GetMethod(nameof(AnyOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The (entity, property) pairs that refer to a user account, as the check reads them.</summary>
    public static IReadOnlyList<(Type Entity, string Property)> References(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byForeignKey = model.GetEntityTypes()
            .SelectMany(e => e.GetForeignKeys())
            .Where(fk => fk.PrincipalEntityType.ClrType == typeof(UserAccount) && fk.DeclaringEntityType.ClrType != typeof(UserAccount)
                && !SessionBookkeeping.Contains(fk.DeclaringEntityType.ClrType.Name))
            .Select(fk => (fk.DeclaringEntityType.ClrType, fk.Properties.Single().Name));
        (Type, string)[] withoutForeignKey =
        [
            (typeof(Domain.Ledger.LedgerAccount), nameof(Domain.Ledger.LedgerAccount.OwnerId)),
            (typeof(Domain.Audit.ProxySession), nameof(Domain.Audit.ProxySession.ResidentId)),
            (typeof(Domain.Market.MarketOrder), nameof(Domain.Market.MarketOrder.ResidentId)),
            (typeof(Domain.Coupons.Coupon), nameof(Domain.Coupons.Coupon.ResidentId)),
        ];
        return byForeignKey.Concat(withoutForeignKey).Distinct().ToList();
    }

    public static async Task<bool> ExistsAsync(PointsDbContext db, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var (entity, property) in References(db.Model))
        {
            var type = db.Model.FindEntityType(entity)!.FindProperty(property)!.ClrType;
            if (await (Task<bool>)AnyOfMethod.MakeGenericMethod(entity).Invoke(null, [db, property, type, userId, ct])!)
            {
                return true;
            }
        }

        return false;
    }

    private static Task<bool> AnyOfAsync<T>(PointsDbContext db, string property, Type type, Guid userId, CancellationToken ct)
        where T : class
    {
        var row = Expression.Parameter(typeof(T), "row");
        var value = Expression.Call(typeof(EF), nameof(EF.Property), [type], row, Expression.Constant(property));
        var refers = Expression.Lambda<Func<T, bool>>(Expression.Equal(value, Expression.Constant(userId, type)), row);
        return db.Set<T>().AnyAsync(refers, ct);
    }
}
