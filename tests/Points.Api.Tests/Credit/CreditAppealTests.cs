using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Credit;

namespace Points.Api.Tests.Credit;

public sealed class CreditAppealTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task MyCredit_WithoutProfile_ComputesOne_WithFactorsInChinese()
    {
        await factory.WithDbAsync(db => db.CreditProfiles.Where(p => p.ResidentId == PointsApiFactory.DemoResidentId(21)).ExecuteDeleteAsync());
        var resident = await factory.ResidentAsync(21);

        var body = await resident.GetFromJsonAsync<JsonElement>("/api/me/credit");

        Assert.InRange(body.GetProperty("score").GetInt32(), 350, 950);
        Assert.Contains(body.GetProperty("tier").GetString()!, new[] { "较差", "一般", "良好", "优秀", "极好" });
        Assert.Equal("expert-1", body.GetProperty("modelVersion").GetString());
        var factors = body.GetProperty("factors").EnumerateArray().ToList();
        Assert.InRange(factors.Count, 1, 4);
        Assert.All(factors, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("improvement").GetString()));
            Assert.DoesNotContain("分数太低", f.GetProperty("description").GetString()!, StringComparison.Ordinal);
        });
        Assert.Single(body.GetProperty("history").EnumerateArray());
        Assert.Equal(1, await factory.WithDbAsync(db => db.CreditProfiles.CountAsync(p => p.ResidentId == PointsApiFactory.DemoResidentId(21))));
    }

    [Fact]
    public async Task Appeal_FiledByResident_DueIn20Days_AnsweredByOwnCommunityStaffOnly()
    {
        var resident = await factory.ResidentAsync(1);
        var filed = await resident.PostAsJsonAsync("/api/me/credit/appeals", new { kind = "HumanReview", text = "我长期在外务工，参加活动少，请人工复核" });

        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var appeal = await filed.Content.ReadFromJsonAsync<JsonElement>();
        var id = appeal.GetProperty("id").GetGuid();
        Assert.Equal(factory.Clock.GetUtcNow().AddDays(20), appeal.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("Open", appeal.GetProperty("status").GetString());

        var xihu = await factory.StaffAsync("staff-xihu");
        Assert.DoesNotContain((await xihu.GetFromJsonAsync<JsonElement>("/api/credit/appeals")).EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
        await ProblemAssert.IsProblemAsync(
            await xihu.PostAsJsonAsync($"/api/credit/appeals/{id}/answer", new { decision = "Rejected", reply = "不属于本社区" }), HttpStatusCode.Forbidden, "credit.appeal_out_of_scope");
        await ProblemAssert.IsProblemAsync(
            await resident.PostAsJsonAsync($"/api/credit/appeals/{id}/answer", new { decision = "Upheld", reply = "自己批准" }), HttpStatusCode.Forbidden, "auth.forbidden");

        factory.Clock.Advance(TimeSpan.FromDays(21));
        try
        {
            var dongshan = await factory.StaffAsync("staff-dongshan");
            var queue = await dongshan.GetFromJsonAsync<JsonElement>("/api/credit/appeals?status=Open");
            var item = Assert.Single(queue.EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
            Assert.True(item.GetProperty("overdue").GetBoolean());

            var answered = await dongshan.PostAsJsonAsync($"/api/credit/appeals/{id}/answer", new { decision = "Upheld", reply = "已人工复核，外出务工期间不计入活动次数" });
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            await ProblemAssert.IsProblemAsync(
                await dongshan.PostAsJsonAsync($"/api/credit/appeals/{id}/answer", new { decision = "Rejected", reply = "再答一次" }), HttpStatusCode.Conflict, "credit.appeal_already_answered");

            var stored = await factory.WithDbAsync(db => db.CreditAppeals.AsNoTracking().SingleAsync(a => a.Id == id));
            Assert.Equal(CreditAppealStatus.Answered, stored.Status);
            Assert.Equal(CreditAppealDecision.Upheld, stored.Decision);

            var mine = await (await factory.ResidentAsync(1)).GetFromJsonAsync<JsonElement>("/api/me/credit");
            var seen = Assert.Single(mine.GetProperty("appeals").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
            Assert.Equal("Answered", seen.GetProperty("status").GetString());
            Assert.Equal("Upheld", seen.GetProperty("decision").GetString());
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromDays(21));
        }
    }

    [Fact]
    public async Task Appeal_DisputeWithoutRecordRef_Rejected()
    {
        var resident = await factory.ResidentAsync(3);

        var response = await resident.PostAsJsonAsync("/api/me/credit/appeals", new { kind = "DisputeRecord", text = "这条记录不对" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "credit.appeal_record_required");
        Assert.Equal(0, await factory.WithDbAsync(db => db.CreditAppeals.CountAsync(a => a.ResidentId == PointsApiFactory.DemoResidentId(3))));
    }
}
