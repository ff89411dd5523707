using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Participation;
using Points.Infrastructure.Credit;

namespace Points.Api.Tests.Credit;

/// <summary>Declaration and hazard features as of a date count each item as it stood then, not by its current status.</summary>
public sealed class CreditParticipationAsOfTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Extract_DeclarationRevokedLater_CountsAsApprovedUntilRevocation()
    {
        factory.Clock.Set(Start);
        var resident = PointsApiFactory.DemoResidentId(35);
        var submitted = await (await factory.ResidentAsync(35)).PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = "帮邻居修好了漏水的水管" });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var approvedAt = Start.AddHours(1);
        factory.Clock.Set(approvedAt);
        var approve = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", reason = "属实" });
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var revokedAt = Start.AddDays(3);
        factory.Clock.Set(revokedAt);
        var revoke = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/declarations/{id}/revoke", new { reason = "经核实不属实" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("Revoked", (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        Assert.Equal(0, await FeatureAsync(resident, "approvedDeclarations365d", approvedAt));
        Assert.Equal(1, await FeatureAsync(resident, "approvedDeclarations365d", approvedAt.AddDays(1)));
        Assert.Equal(0, await FeatureAsync(resident, "approvedDeclarations365d", revokedAt.AddMinutes(1)));
        var row = await factory.WithDbAsync(db => db.Declarations.AsNoTracking().SingleAsync(d => d.Id == id));
        Assert.Equal((DeclarationStatus.Revoked, approvedAt, revokedAt), (row.Status, row.DecidedAt!.Value, row.LastActionAt));
    }

    [Fact]
    public async Task Extract_HazardAcceptedThenRejectedLater_CountsOnlyWhileAccepted()
    {
        factory.Clock.Set(Start);
        var resident = PointsApiFactory.DemoResidentId(37);
        var reported = await (await factory.ResidentAsync(37)).PostAsJsonAsync("/api/hazards", new
        {
            category = "Electrical", description = "配电箱门损坏，线路裸露", latitude = 30.03, longitude = 120.87, address = "东山村文化礼堂东侧",
        });
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var id = (await reported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var acceptedAt = Start.AddDays(1);
        factory.Clock.Set(acceptedAt);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Accept" })).StatusCode);
        var rejectedAt = Start.AddDays(4);
        factory.Clock.Set(rejectedAt);
        var reject = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Reject", rejection = "Duplicate" });
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        Assert.Equal("Rejected", (await reject.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        Assert.Equal(0, await FeatureAsync(resident, "verifiedHazardReports365d", Start.AddHours(12)));
        Assert.Equal(1, await FeatureAsync(resident, "verifiedHazardReports365d", acceptedAt.AddDays(1)));
        Assert.Equal(0, await FeatureAsync(resident, "verifiedHazardReports365d", rejectedAt.AddMinutes(1)));
        Assert.Equal(
            ["Reported", "Accepted", "Rejected"],
            await factory.WithDbAsync(db => db.ParticipationEvents.Where(e => e.SubjectId == id).OrderBy(e => e.At).Select(e => e.Action).ToListAsync()));
    }

    private async Task<double> FeatureAsync(Guid resident, string feature, DateTimeOffset asOf)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var m = await scope.ServiceProvider.GetRequiredService<BehaviourFeatureExtractor>().ExtractAsync([resident], asOf, CancellationToken.None);
        Assert.Equal(1, m.Count);
        return m.Get(feature, 0);
    }
}
