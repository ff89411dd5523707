using Microsoft.EntityFrameworkCore;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Administration;

/// <summary>A bank client with the secret issued to it: shown once, only its hash is kept.</summary>
public sealed record IssuedSecret(BankClient Client, string Secret);

/// <summary>Banks' API clients: create one, rotate its secret (the old one stops working at once).</summary>
public sealed class BankClientAdministration(PointsDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<BankClient>> ListAsync(CancellationToken ct) =>
        await db.BankClients.AsNoTracking().OrderBy(b => b.Name).ThenBy(b => b.ClientId).ToListAsync(ct);

    public async Task<Result<IssuedSecret>> CreateAsync(string? name, string? clientId, CancellationToken ct)
    {
        var secret = NewSecret();
        var created = BankClient.Create(Guid.CreateVersion7(), name, clientId, SecretHasher.Hash(secret));
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        if (await db.BankClients.AnyAsync(b => b.ClientId == clientId, ct))
        {
            return AdministrationErrors.BankClientIdTaken;
        }

        db.BankClients.Add(created.Value);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return AdministrationErrors.BankClientIdTaken;
        }

        return new IssuedSecret(created.Value, secret);
    }

    public async Task<Result<IssuedSecret>> RotateSecretAsync(Guid id, CancellationToken ct)
    {
        var client = await db.BankClients.FirstOrDefaultAsync(b => b.Id == id, ct);
        if (client is null)
        {
            return AdministrationErrors.BankClientNotFound;
        }

        var secret = NewSecret();
        client.RotateSecret(SecretHasher.Hash(secret), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return new IssuedSecret(client, secret);
    }

    /// <summary>32 random bytes, base64url: a machine secret, never typed by a person.</summary>
    private static string NewSecret() => "bcs_" + SecretHasher.NewToken(32);
}
