using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

public sealed record OperatorRow(Guid Id, string Username, string DisplayName, bool IsActive, bool MustChangePassword);

public sealed record MerchantRow(Merchant Merchant, int TownPointsPerYuan, IReadOnlyList<OperatorRow> Operators);

public sealed record MerchantChange(string? Name, string? Address, bool? Active, bool RenewRateAgreement);

/// <summary>Onboarding a town's partner merchants (name, address, agreement to the town's rate) and their operators.</summary>
public sealed class MerchantAdministration(PointsDbContext db, StaffAdministration staff, TimeProvider clock)
{
    public async Task<IReadOnlyList<MerchantRow>> ListAsync(Guid townId, CancellationToken ct)
    {
        var rate = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => t.PointsPerYuan).FirstOrDefaultAsync(ct);
        var merchants = await db.Merchants.AsNoTracking().Where(m => m.TownId == townId).OrderBy(m => m.Name).ToListAsync(ct);
        var ids = merchants.Select(m => m.Id).ToList();
        var operators = await db.Users.AsNoTracking().Where(u => u.MerchantId != null && ids.Contains(u.MerchantId.Value) && u.Role == Role.Merchant)
            .OrderBy(u => u.Username)
            .Select(u => new { MerchantId = u.MerchantId!.Value, Row = new OperatorRow(u.Id, u.Username!, u.DisplayName, u.IsActive, u.MustChangePassword) })
            .ToListAsync(ct);
        return merchants.Select(m => new MerchantRow(m, rate, operators.Where(o => o.MerchantId == m.Id).Select(o => o.Row).ToList())).ToList();
    }

    public async Task<Result<MerchantRow>> OnboardAsync(Guid townId, string? name, string? address, bool agreesToTownRate, CancellationToken ct)
    {
        var rate = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => (int?)t.PointsPerYuan).FirstOrDefaultAsync(ct);
        if (rate is null)
        {
            return AdministrationErrors.TownNotFound;
        }

        var onboarded = Merchant.Onboard(Guid.CreateVersion7(), townId, name, address, agreesToTownRate, rate.Value, clock.GetUtcNow());
        if (!onboarded.IsSuccess)
        {
            return onboarded.Error;
        }

        db.Merchants.Add(onboarded.Value);
        await db.SaveChangesAsync(ct);
        return new MerchantRow(onboarded.Value, rate.Value, []);
    }

    public async Task<Result<MerchantRow>> UpdateAsync(Guid townId, Guid id, MerchantChange change, CancellationToken ct)
    {
        var found = await FindAsync(townId, id, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var merchant = found.Value;
        var updated = merchant.Update(change.Name, change.Address);
        if (!updated.IsSuccess)
        {
            return updated.Error;
        }

        var rate = await db.Towns.AsNoTracking().Where(t => t.Id == townId).Select(t => t.PointsPerYuan).FirstAsync(ct);
        if (change.RenewRateAgreement)
        {
            merchant.AgreeToRate(rate, clock.GetUtcNow());
        }

        if (change.Active is { } active)
        {
            merchant.SetActive(active);
        }

        await db.SaveChangesAsync(ct);
        return (await ListAsync(townId, ct)).First(r => r.Merchant.Id == id);
    }

    /// <summary>An operator signs in for the merchant and redeems; the password is issued once and changed at first sign-in.</summary>
    public async Task<Result<IssuedPassword>> AddOperatorAsync(Guid townId, Guid merchantId, string? username, string? displayName, CancellationToken ct)
    {
        var found = await FindAsync(townId, merchantId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return await staff.AddAccountAsync(townId, username, displayName, Role.Merchant, null, merchantId, ct);
    }

    private async Task<Result<Merchant>> FindAsync(Guid townId, Guid id, CancellationToken ct)
    {
        var merchant = await db.Merchants.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (merchant is null)
        {
            return AdministrationErrors.MerchantNotFound;
        }

        return merchant.TownId == townId ? merchant : AdministrationErrors.OutOfScope;
    }
}
