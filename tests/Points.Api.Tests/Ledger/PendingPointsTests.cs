using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Participation;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

/// <summary><c>pending</c> in <c>GET /api/me/points</c>: points expected from items still under review.</summary>
public sealed class PendingPointsTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task MyPoints_PendingDeclarations_ShowInPendingUntilDecidedThenApprovedMovesToBalance()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 0);
        var staff = await factory.StaffAsync("staff-dongshan");
        var goodDeed = await SubmitAsync(resident, "GoodDeed");
        var mediation = await SubmitAsync(resident, "Mediation");

        var submitted = await PointsAsync(resident);
        Assert.Equal((0L, 30L), submitted);

        await ReviewAsync(staff, mediation, new { decision = "NeedMoreInfo", reason = "请补充调解协议照片" }, "NeedMoreInfo");
        Assert.Equal((0L, 30L), await PointsAsync(resident));

        await ReviewAsync(staff, goodDeed, new { decision = "Approve", reason = "属实" }, "Approved");
        var approved = await PointsAsync(resident);
        Assert.Equal((10L, 20L), approved);
        Assert.Equal(10, await BalanceAsync(factory, residentId));
        Assert.Equal(10, await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.IdempotencyKey == $"declaration:{goodDeed}").Select(e => e.Points).SingleAsync()));

        var withdrawn = await resident.PostAsync($"/api/declarations/{mediation}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal((10L, 0L), await PointsAsync(resident));
        Assert.Equal(
            [DeclarationStatus.Approved, DeclarationStatus.Withdrawn],
            await factory.WithDbAsync(db => db.Declarations.Where(d => d.ResidentId == residentId).OrderBy(d => d.SubmittedAt).Select(d => d.Status).ToListAsync()));
    }

    [Fact]
    public async Task MyPoints_ForwardedDeclarationAndAcceptedHazard_PendingUsesProposedAndHazardPoints()
    {
        var townStaff = await factory.StaffAsync("town-staff");
        var setting = await townStaff.PutAsJsonAsync("/api/declarations/settings/SafetyInspection", new { defaultPoints = 6, needsTownReview = true });
        Assert.Equal(HttpStatusCode.OK, setting.StatusCode);
        var (resident, residentId) = await FreshResidentAsync(factory, 0);
        var staff = await factory.StaffAsync("staff-dongshan");
        var inspection = await SubmitAsync(resident, "SafetyInspection");
        Assert.Equal((0L, 6L), await PointsAsync(resident));

        await ReviewAsync(staff, inspection, new { decision = "Approve", reason = "属实", points = 8 }, "Pending");
        Assert.Equal((0L, 8L), await PointsAsync(resident));
        Assert.Equal(8, await factory.WithDbAsync(db => db.Declarations.Where(d => d.Id == inspection).Select(d => d.ProposedPoints).SingleAsync()));

        var hazard = await ReportHazardAsync(resident);
        Assert.Equal((0L, 8L), await PointsAsync(resident));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{hazard}/transitions", new { action = "Accept" })).StatusCode);
        Assert.Equal((0L, 18L), await PointsAsync(resident));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{hazard}/transitions", new { action = "StartFixing" })).StatusCode);
        Assert.Equal((0L, 18L), await PointsAsync(resident));

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/hazards/{hazard}/transitions", new { action = "Close", note = "已整改" })).StatusCode);
        Assert.Equal((10L, 8L), await PointsAsync(resident));

        await ReviewAsync(townStaff, inspection, new { decision = "Approve", reason = "同意" }, "Approved");
        Assert.Equal((18L, 0L), await PointsAsync(resident));
        Assert.Equal(18, await BalanceAsync(factory, residentId));
        Assert.Equal(HazardStatus.Closed, await factory.WithDbAsync(db => db.HazardReports.Where(h => h.Id == hazard).Select(h => h.Status).SingleAsync()));
    }

    private static async Task<(long Balance, long Pending)> PointsAsync(HttpClient resident)
    {
        var body = await resident.GetFromJsonAsync<JsonElement>("/api/me/points");
        return (body.GetProperty("balance").GetInt64(), body.GetProperty("pending").GetInt64());
    }

    private static async Task<Guid> SubmitAsync(HttpClient resident, string category)
    {
        var response = await resident.PostAsJsonAsync("/api/declarations", new { category, text = "帮邻居修好了漏水的水管", photoIds = Array.Empty<Guid>() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task ReviewAsync(HttpClient staff, Guid id, object body, string status)
    {
        var response = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(status, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    private static async Task<Guid> ReportHazardAsync(HttpClient resident)
    {
        var response = await resident.PostAsJsonAsync("/api/hazards", new
        {
            category = "Electrical", description = "配电箱门损坏，线路裸露", latitude = 30.03, longitude = 120.87, address = "东山村文化礼堂东侧", photoIds = Array.Empty<Guid>(),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
