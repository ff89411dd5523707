using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Participation;

/// <summary>The staff-scoped lists the console's 负面清单 page and activity detail read: the negative-record queue and an activity's waitlist.</summary>
public sealed class StaffListTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task NegativeRecords_ListedInScope_AppealsOldestFirst()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var first = await RecordAsync(staff, 41, "占道经营，劝导未改");
        var second = await RecordAsync(staff, 43, "违规停车堵塞消防通道");
        var quiet = await RecordAsync(staff, 39, "乱扔垃圾");
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ResidentAsync(43)).PostAsJsonAsync($"/api/negative-records/{second}/appeal", new { text = "车辆已挪走" })).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ResidentAsync(41)).PostAsJsonAsync($"/api/negative-records/{first}/appeal", new { text = "已停止经营" })).StatusCode);

        var appeals = await staff.GetFromJsonAsync<JsonElement>("/api/negative-records?status=Appealed");
        var all = await staff.GetFromJsonAsync<JsonElement>("/api/negative-records?pageSize=100");
        var town = await (await factory.StaffAsync("town-staff")).GetFromJsonAsync<JsonElement>($"/api/negative-records?status=Appealed&community={PointsApiFactory.DongshanId}");
        var xihu = await factory.StaffAsync("staff-xihu");
        var xihuOwn = await xihu.GetFromJsonAsync<JsonElement>("/api/negative-records?pageSize=100");
        var xihuOther = await xihu.GetAsync($"/api/negative-records?community={PointsApiFactory.DongshanId}");
        var badStatus = await staff.GetAsync("/api/negative-records?status=Lost");
        var badSize = await staff.GetAsync("/api/negative-records?pageSize=0");

        var queue = appeals.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([second, first], queue.Where(id => id == first || id == second).ToList());
        Assert.DoesNotContain(quiet, queue);
        var item = appeals.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == second);
        Assert.Equal("车辆已挪走", item.GetProperty("appealReason").GetString());
        Assert.Equal("东山村", item.GetProperty("communityName").GetString());
        Assert.True(item.GetProperty("recordedByMe").GetBoolean());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("residentName").GetString()));
        Assert.Equal(appeals.GetProperty("total").GetInt32(), appeals.GetProperty("items").GetArrayLength());
        var everything = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(quiet, everything);
        Assert.Contains(first, everything);
        var townItem = town.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == second);
        Assert.False(townItem.GetProperty("recordedByMe").GetBoolean());
        Assert.DoesNotContain(xihuOwn.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == first);
        await ProblemAssert.IsProblemAsync(xihuOther, HttpStatusCode.Forbidden, "negative_record.out_of_scope");
        await ProblemAssert.IsProblemAsync(badStatus, HttpStatusCode.BadRequest, "validation.failed");
        await ProblemAssert.IsProblemAsync(badSize, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Waitlist_ShowsWaitingInOrder_MaskedAndScoped()
    {
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 1);
        var holder = await factory.ResidentAsync(13);
        Assert.Equal(HttpStatusCode.Created, (await holder.PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(15)).PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(17)).PostAsync($"/api/activities/{id}/waitlist", null)).StatusCode);
        var staff = await factory.StaffAsync("staff-dongshan");

        var before = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}/waitlist");
        Assert.Equal(HttpStatusCode.OK, (await holder.DeleteAsync($"/api/activities/{id}/signups/me")).StatusCode);
        var after = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}/waitlist");
        var xihu = await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/activities/{id}/waitlist");

        Assert.Equal([PointsApiFactory.DemoResidentId(15), PointsApiFactory.DemoResidentId(17)], before.EnumerateArray().Select(w => w.GetProperty("residentId").GetGuid()).ToList());
        Assert.Equal([1, 2], before.EnumerateArray().Select(w => w.GetProperty("position").GetInt32()).ToList());
        Assert.All(before.EnumerateArray(), w => Assert.EndsWith("*", w.GetProperty("residentName").GetString()));
        var left = Assert.Single(after.EnumerateArray());
        Assert.Equal(PointsApiFactory.DemoResidentId(17), left.GetProperty("residentId").GetGuid());
        Assert.Equal(1, left.GetProperty("position").GetInt32());
        await ProblemAssert.IsProblemAsync(xihu, HttpStatusCode.Forbidden, "activity.out_of_scope");
    }

    [Fact]
    public async Task OpenApi_DescribesBothLists()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        // a group's "/" route may be written with or without the trailing slash
        var list = (paths.TryGetProperty("/api/negative-records", out var bare) ? bare : paths.GetProperty("/api/negative-records/")).GetProperty("get");
        Assert.Contains(list.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "status");
        Assert.True(paths.GetProperty("/api/activities/{id}/waitlist").TryGetProperty("get", out _));
    }

    private async Task<Guid> RecordAsync(HttpClient staff, int resident, string description)
    {
        var created = await staff.PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(resident)}/negative-records", new
        {
            kind = "Violation", description, severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
