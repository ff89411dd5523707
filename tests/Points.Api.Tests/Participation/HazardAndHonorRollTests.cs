using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;

namespace Points.Api.Tests.Participation;

public sealed class HazardAndHonorRollTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<(HttpClient Resident, Guid Id)> ReportAsync(int resident)
    {
        var client = await factory.ResidentAsync(resident);
        var photo = await TestImages.UploadAsync(client, TestImages.Jpeg(withGps: true));
        var response = await client.PostAsJsonAsync("/api/hazards", new
        {
            category = "Electrical", description = "配电箱门损坏，线路裸露", latitude = 30.03, longitude = 120.87, address = "东山村文化礼堂东侧", photoIds = new[] { photo },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Hazard_AcceptFixClose_ReporterSeesEachStepAndEarnsPoints()
    {
        var (resident, id) = await ReportAsync(3);
        var staff = await factory.StaffAsync("staff-dongshan");
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/hazards?status=Reported");

        var accept = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Accept" });
        var closeEarly = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "StartFixing" });
        var close = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Close", note = "已更换配电箱门" });
        var reopen = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Accept" });
        var mine = await resident.GetFromJsonAsync<JsonElement>($"/api/hazards/{id}");
        Assert.True(mine.GetProperty("awardedPoints").ValueKind == JsonValueKind.Number, mine.ToString());

        Assert.Contains(list.EnumerateArray(), h => h.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal(HttpStatusCode.OK, closeEarly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        await ProblemAssert.IsProblemAsync(reopen, HttpStatusCode.Conflict, "hazard.invalid_transition");
        Assert.Equal("Closed", mine.GetProperty("status").GetString());
        Assert.Equal(10, mine.GetProperty("awardedPoints").GetInt32());
        Assert.Equal(["Reported", "Accepted", "Fixing", "Closed"], mine.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("action").GetString()).ToList());
        var entry = await factory.WithDbAsync(db => db.JournalEntries.SingleAsync(e => e.IdempotencyKey == $"hazard:{id}"));
        Assert.Equal(TransferReason.HazardReport, entry.Reason);
        Assert.Equal(10, entry.Points);
    }

    [Fact]
    public async Task Hazard_RejectAsDuplicate_NeedsReason_NoPoints_OtherCommunity403()
    {
        var (resident, id) = await ReportAsync(5);
        var staff = await factory.StaffAsync("staff-dongshan");

        var xihu = await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Accept" });
        var otherResident = await (await factory.ResidentAsync(7)).GetAsync($"/api/hazards/{id}");
        var noReason = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Reject" });
        var reject = await staff.PostAsJsonAsync($"/api/hazards/{id}/transitions", new { action = "Reject", rejection = "Duplicate", note = "与昨日上报为同一处" });

        await ProblemAssert.IsProblemAsync(xihu, HttpStatusCode.Forbidden, "hazard.out_of_scope");
        await ProblemAssert.IsProblemAsync(otherResident, HttpStatusCode.NotFound, "hazard.not_found");
        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "hazard.rejection_required");
        Assert.Equal("Duplicate", (await reject.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rejection").GetString());
        Assert.False(await factory.WithDbAsync(db => db.JournalEntries.AnyAsync(e => e.IdempotencyKey == $"hazard:{id}")));
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/hazards/mine");
        Assert.Equal("Rejected", mine.EnumerateArray().Single(h => h.GetProperty("id").GetGuid() == id).GetProperty("status").GetString());
        var detail = await resident.GetFromJsonAsync<JsonElement>($"/api/hazards/{id}");
        var step = detail.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("重复上报：与昨日上报为同一处", step.GetProperty("note").GetString());
        Assert.Equal("未通过", step.GetProperty("title").GetString());
        Assert.DoesNotContain("Duplicate", detail.GetProperty("history").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"category\":\"Fire\",\"description\":\"d\",\"latitude\":91,\"longitude\":120,\"address\":\"a\"}", "validation.failed")]
    [InlineData("{\"category\":\"Fire\",\"description\":\"d\",\"latitude\":30,\"longitude\":120}", "validation.failed")]
    [InlineData("{\"category\":\"Volcano\",\"description\":\"d\",\"latitude\":30,\"longitude\":120,\"address\":\"a\"}", "request.malformed")]
    public async Task Hazard_BadInput_Returns400(string json, string code)
    {
        var client = await factory.ResidentAsync(9);

        var response = await client.PostAsync("/api/hazards", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task HonorRoll_Anonymous_MasksNamesSkipsOptOutsCountsMonth()
    {
        var staff = await factory.StaffAsync("staff-xihu");
        var ids = new List<Guid>();
        foreach (var (n, points) in new[] { (2, 40), (4, 30), (6, 20), (8, 20) })
        {
            var client = await factory.ResidentAsync(n);
            var created = await client.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = "清扫楼道" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points })).StatusCode);
        }

        var optOut = await factory.ResidentAsync(4);
        Assert.Equal(HttpStatusCode.OK, (await optOut.PatchAsJsonAsync("/api/me", new { honorRollOptOut = true })).StatusCode);
        var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/public/communities/{PointsApiFactory.XihuId}/honor-roll?month=2026-11");
        var lastMonth = await anonymous.GetFromJsonAsync<JsonElement>($"/api/public/communities/{PointsApiFactory.XihuId}/honor-roll?month=2026-10");
        var badMonth = await anonymous.GetAsync($"/api/public/communities/{PointsApiFactory.XihuId}/honor-roll?month=11-2026");
        var unknown = await anonymous.GetAsync($"/api/public/communities/{Guid.NewGuid()}/honor-roll");
        var reviewsAnonymous = await anonymous.GetAsync("/api/reviews");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var entries = body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal([40L, 20L, 20L], entries.Select(e => e.GetProperty("points").GetInt64()));
        Assert.Equal([1, 2, 2], entries.Select(e => e.GetProperty("rank").GetInt32()));
        var names = await factory.WithDbAsync(db => db.Users.Where(u => u.Id == PointsApiFactory.DemoResidentId(2) || u.Id == PointsApiFactory.DemoResidentId(6)).ToDictionaryAsync(u => u.Id, u => u.DisplayName));
        Assert.Equal(names[PointsApiFactory.DemoResidentId(2)][..1] + "*", entries[0].GetProperty("name").GetString());
        Assert.DoesNotContain(names[PointsApiFactory.DemoResidentId(2)], await response.Content.ReadAsStringAsync());
        Assert.Equal(4, body.GetProperty("statistics").GetProperty("declarationsApproved").GetInt32());
        Assert.Equal(110, body.GetProperty("statistics").GetProperty("pointsEarned").GetInt64());
        Assert.Empty(lastMonth.GetProperty("entries").EnumerateArray());
        await ProblemAssert.IsProblemAsync(badMonth, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "community.not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, reviewsAnonymous.StatusCode);
    }
}
