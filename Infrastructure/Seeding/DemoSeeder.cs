using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Regions;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Persistence;

namespace Points.Infrastructure.Seeding;

/// <summary>The ids of what the demo seed created, handed to every contributor.</summary>
public sealed record DemoTown(
    Guid TownId,
    IReadOnlyList<Guid> CommunityIds,
    IReadOnlyList<Guid> GridIds,
    IReadOnlyList<Guid> ResidentIds,
    IReadOnlyDictionary<string, Guid> StaffByUsername,
    IReadOnlyList<Guid> MerchantIds,
    Guid BankId);

/// <summary>Features add their own demo data (activities, market items...) by registering one of these.</summary>
public interface IDemoSeedContributor
{
    Task SeedAsync(IServiceProvider services, DemoTown town, CancellationToken ct);
}

/// <summary>
/// Seeds a demo town into an empty database: two communities with grids, staff of every role, two
/// merchants with operators, one bank client, 50 residents with some starting points. Ids are
/// derived from names, so they are the same on every machine (and in the README).
/// </summary>
public static class DemoSeeder
{
    public const string DemoPassword = "Points@2026";
    public const string DemoBankClientId = "demo-bank";
    public const string DemoBankSecret = "demo-bank-secret-2026";

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] GivenNames = ["建国", "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂英", "玉兰", "海燕"];

    public static Guid StableId(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes("points-demo:" + name)).AsSpan(0, 16));

    public static async Task<bool> SeedIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<PointsDbContext>();
        if (await db.Towns.AnyAsync(ct))
        {
            return false;
        }

        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var town = new Town(StableId("town"), "演示镇");
        db.Towns.Add(town);
        var communities = new[]
        {
            new Community(StableId("community:dongshan"), town.Id, "东山村"),
            new Community(StableId("community:xihu"), town.Id, "西湖社区"),
        };
        db.Communities.AddRange(communities);
        var grids = new List<Grid>();
        foreach (var (community, index) in communities.Select((c, i) => (c, i)))
        {
            for (var g = 1; g <= 2; g++)
            {
                grids.Add(new Grid(StableId($"grid:{index}:{g}"), community.Id, $"{community.Name}第{g}网格"));
            }
        }

        db.Grids.AddRange(grids);
        var merchants = new[]
        {
            new Merchant(StableId("merchant:market"), town.Id, "东山便民超市"),
            new Merchant(StableId("merchant:barber"), town.Id, "西湖理发店"),
        };
        db.Merchants.AddRange(merchants);
        var bank = new BankClient(StableId("bank"), "演示农商银行", DemoBankClientId, SecretHasher.Hash(DemoBankSecret));
        db.BankClients.Add(bank);
        await db.SaveChangesAsync(ct);

        var passwordHash = SecretHasher.Hash(DemoPassword);
        var staff = new List<UserAccount>
        {
            UserAccount.NewStaff(StableId("user:admin"), Role.Admin, "admin", passwordHash, "系统管理员", town.Id, null, null, now),
            UserAccount.NewStaff(StableId("user:platform"), Role.Platform, "platform", passwordHash, "平台管理员", town.Id, null, null, now),
            UserAccount.NewStaff(StableId("user:town-staff"), Role.TownStaff, "town-staff", passwordHash, "镇街工作人员", town.Id, null, null, now),
            UserAccount.NewStaff(StableId("user:staff-dongshan"), Role.CommunityStaff, "staff-dongshan", passwordHash, "东山村网格员", town.Id, communities[0].Id, null, now),
            UserAccount.NewStaff(StableId("user:staff-xihu"), Role.CommunityStaff, "staff-xihu", passwordHash, "西湖社区工作人员", town.Id, communities[1].Id, null, now),
            UserAccount.NewStaff(StableId("user:merchant-market"), Role.Merchant, "merchant-market", passwordHash, "超市收银员", town.Id, null, merchants[0].Id, now),
            UserAccount.NewStaff(StableId("user:merchant-barber"), Role.Merchant, "merchant-barber", passwordHash, "理发店店主", town.Id, null, merchants[1].Id, now),
            UserAccount.NewStaff(StableId("user:grid-worker"), Role.GridWorker, "grid-worker", passwordHash, "东山村第1网格网格员", town.Id, null, null, now),
        };
        db.Users.AddRange(staff);

        // Four levels: the first grid of 东山村 has a grid worker and two micro-grids (a building and a villagers' group).
        db.GridAssignments.Add(new GridAssignment(grids[0].Id, StableId("user:grid-worker"), now));
        var microGrids = new[]
        {
            MicroGrid.Create(StableId("micro-grid:0:1:building-1"), town.Id, grids[0], "1号楼", MicroGridKind.Building, now).Value,
            MicroGrid.Create(StableId("micro-grid:0:1:group-1"), town.Id, grids[0], "东山一组", MicroGridKind.VillageGroup, now).Value,
        };
        db.MicroGrids.AddRange(microGrids);

        var residents = new List<UserAccount>();
        for (var i = 1; i <= 50; i++)
        {
            var community = communities[(i - 1) % 2];
            var grid = grids[((i - 1) % 2 * 2) + ((i - 1) / 2 % 2)];
            var name = Surnames[(i * 7) % Surnames.Length] + GivenNames[(i * 11) % GivenNames.Length];
            residents.Add(UserAccount.NewResident(StableId($"resident:{i}"), $"demo-resident-{i:D2}", null, name, town.Id, community.Id, grid.Id, now.AddDays(-i * 7)));
        }

        db.Users.AddRange(residents);
        await db.SaveChangesAsync(ct);
        foreach (var resident in residents.Where(r => r.GridId == grids[0].Id).Take(6))
        {
            resident.SetMicroGrid(microGrids[residents.IndexOf(resident) % 8 == 0 ? 0 : 1]);
        }

        await db.SaveChangesAsync(ct);

        var ledger = sp.GetRequiredService<LedgerService>();
        foreach (var (resident, index) in residents.Select((r, i) => (r, i)))
        {
            var points = 20 + ((index * 37) % 180);
            var result = await ledger.PostAsync(
                new TransferRequest(AccountRef.Issuance(town.Id), AccountRef.Wallet(resident.Id, town.Id), points, TransferReason.Adjustment, $"demo-seed:{resident.Id}", Note: "演示初始积分"),
                ct);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"demo seed could not credit {resident.Id}: {result.Error.Code}");
            }
        }

        var demo = new DemoTown(
            town.Id,
            communities.Select(c => c.Id).ToList(),
            grids.Select(g => g.Id).ToList(),
            residents.Select(r => r.Id).ToList(),
            staff.ToDictionary(s => s.Username!, s => s.Id),
            merchants.Select(m => m.Id).ToList(),
            bank.Id);
        foreach (var contributor in sp.GetServices<IDemoSeedContributor>())
        {
            await contributor.SeedAsync(sp, demo, ct);
        }

        return true;
    }
}
