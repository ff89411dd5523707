using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Domain.Participation;

namespace Points.Api.Tests.Participation;

public sealed class LearningTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<Guid> PublishAsync(string kind = "Article", int points = 5, int minReadSeconds = 60, bool quiz = false)
    {
        var staff = await factory.StaffAsync("town-staff");
        var created = await staff.PostAsJsonAsync("/api/articles", new
        {
            kind,
            title = "防范电信诈骗",
            body = "不轻信陌生来电，不透露验证码。",
            points,
            minReadSeconds,
            quizQuestion = quiz ? "可以把验证码告诉陌生人吗？" : null,
            quizOptions = quiz ? new[] { "可以", "不可以" } : null,
            quizAnswer = quiz ? 1 : (int?)null,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/articles/{id}/publish", null)).StatusCode);
        return id;
    }

    private Task<long> LearningPointsAsync(int resident) => factory.WithDbAsync(db =>
        db.JournalEntries.Where(e => e.Reason == TransferReason.Learning)
            .Join(db.LedgerAccounts.Where(a => a.OwnerId == PointsApiFactory.DemoResidentId(resident)), e => e.CreditAccountId, a => a.Id, (e, a) => e.Points)
            .SumAsync());

    [Fact]
    public async Task Finish_BeforeMinimumTime_Returns422_AfterServerTime_AwardsOnce()
    {
        var article = await PublishAsync(minReadSeconds: 60);
        var resident = await factory.ResidentAsync(33);

        var open = await resident.PostAsync($"/api/articles/{article}/reads", null);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var tooFast = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);
        var reopen = await resident.PostAsync($"/api/articles/{article}/reads", null);
        factory.Clock.Advance(TimeSpan.FromSeconds(31));
        var finish = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);
        var again = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);

        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var problem = await ProblemAssert.IsProblemAsync(tooFast, HttpStatusCode.UnprocessableEntity, "learning.too_fast");
        Assert.Equal(30, problem.GetProperty("secondsLeft").GetInt32());
        Assert.Equal(HttpStatusCode.OK, reopen.StatusCode);
        Assert.Equal(HttpStatusCode.OK, finish.StatusCode);
        Assert.Equal(5, (await finish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "learning.already_completed");
        Assert.Equal(5, await LearningPointsAsync(33));
    }

    [Fact]
    public async Task Finish_WithoutOpening_Returns409()
    {
        var article = await PublishAsync(minReadSeconds: 0);
        var resident = await factory.ResidentAsync(35);

        var response = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "learning.not_opened");
    }

    [Fact]
    public async Task Quiz_WrongThenRight_AwardsOnce_ThenReadingCannotEarnAgain()
    {
        var article = await PublishAsync(points: 4, minReadSeconds: 0, quiz: true);
        var resident = await factory.ResidentAsync(37);

        var wrong = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 0 });
        var right = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 1 });
        var read = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);

        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.UnprocessableEntity, "learning.quiz_wrong");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.True((await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("byQuiz").GetBoolean());
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.Conflict, "learning.already_completed");
        Assert.Equal(4, await LearningPointsAsync(37));
    }

    [Fact]
    public async Task Quiz_RightBeforeTheReadingTime_PaysOnlyOnceBothAreDone()
    {
        var article = await PublishAsync(points: 4, minReadSeconds: 600, quiz: true);
        var resident = await factory.ResidentAsync(12);
        Assert.Equal(HttpStatusCode.Created, (await resident.PostAsync($"/api/articles/{article}/reads", null)).StatusCode);

        var early = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 1 });
        var earlyBody = await early.Content.ReadFromJsonAsync<JsonElement>();
        var pointsEarly = await LearningPointsAsync(12);
        factory.Clock.Advance(TimeSpan.FromSeconds(300));
        var stillEarly = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);
        factory.Clock.Advance(TimeSpan.FromSeconds(300));
        var finished = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.True(earlyBody.GetProperty("quizPassed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, earlyBody.GetProperty("completedAt").ValueKind);
        Assert.Equal(600, earlyBody.GetProperty("secondsLeft").GetInt32());
        Assert.Equal(0, pointsEarly);
        await ProblemAssert.IsProblemAsync(stillEarly, HttpStatusCode.UnprocessableEntity, "learning.too_fast");
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal(4, (await finished.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
        Assert.Equal(4, await LearningPointsAsync(12));
    }

    [Fact]
    public async Task Quiz_AttemptsAreLimited_AndReadingAloneCannotPayAQuizArticle()
    {
        var article = await PublishAsync(points: 4, minReadSeconds: 0, quiz: true);
        var resident = await factory.ResidentAsync(14);

        var first = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 0 });
        var second = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 0 });
        var third = await resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 1 });
        var read = await resident.PostAsync($"/api/articles/{article}/reads/finish", null);

        var wrong = await ProblemAssert.IsProblemAsync(first, HttpStatusCode.UnprocessableEntity, "learning.quiz_wrong");
        Assert.Equal(1, wrong.GetProperty("attemptsLeft").GetInt32());
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "learning.quiz_attempts_exhausted");
        await ProblemAssert.IsProblemAsync(third, HttpStatusCode.Conflict, "learning.quiz_attempts_exhausted");
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.Conflict, "learning.quiz_attempts_exhausted");
        Assert.Equal(0, await LearningPointsAsync(14));

        var other = await PublishAsync(points: 4, minReadSeconds: 0, quiz: true);
        await resident.PostAsync($"/api/articles/{other}/reads", null);
        await ProblemAssert.IsProblemAsync(await resident.PostAsync($"/api/articles/{other}/reads/finish", null), HttpStatusCode.UnprocessableEntity, "learning.quiz_required");
    }

    [Fact]
    public async Task Quiz_FourParallelFirstAnswers_AllAnswered_PaidOnce()
    {
        var article = await PublishAsync(points: 4, minReadSeconds: 0, quiz: true);
        var resident = await factory.ResidentAsync(16);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => resident.PostAsJsonAsync($"/api/articles/{article}/quiz", new { answer = 1 })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, await LearningPointsAsync(16));
        var row = await factory.WithDbAsync(db => db.ArticleReads.SingleAsync(r => r.ArticleId == article && r.ResidentId == PointsApiFactory.DemoResidentId(16)));
        Assert.True(row.IsCompleted);
        Assert.Equal(1, row.QuizAttempts);
    }

    [Fact]
    public async Task Finish_PastTownDailyCap_Returns409AndKeepsReadOpen()
    {
        await factory.WithDbAsync(db => db.Towns.ExecuteUpdateAsync(s => s.SetProperty(t => t.DailyEarningCap, 6)));
        try
        {
            var first = await PublishAsync(points: 5, minReadSeconds: 0);
            var second = await PublishAsync(points: 5, minReadSeconds: 0);
            var third = await PublishAsync(points: 5, minReadSeconds: 0);
            var resident = await factory.ResidentAsync(39);
            foreach (var a in new[] { first, second, third })
            {
                await resident.PostAsync($"/api/articles/{a}/reads", null);
            }

            var r1 = await resident.PostAsync($"/api/articles/{first}/reads/finish", null);
            var r2 = await resident.PostAsync($"/api/articles/{second}/reads/finish", null);
            var r3 = await resident.PostAsync($"/api/articles/{third}/reads/finish", null);

            Assert.Equal(5, (await r1.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
            Assert.Equal(1, (await r2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
            await ProblemAssert.IsProblemAsync(r3, HttpStatusCode.Conflict, "points.daily_cap_reached");
            Assert.Equal(6, await LearningPointsAsync(39));
            var open = await factory.WithDbAsync(db => db.ArticleReads.SingleAsync(r => r.ArticleId == third && r.ResidentId == PointsApiFactory.DemoResidentId(39)));
            Assert.Null(open.CompletedAt);
        }
        finally
        {
            await factory.WithDbAsync(db => db.Towns.ExecuteUpdateAsync(s => s.SetProperty(t => t.DailyEarningCap, 200)));
        }
    }

    [Fact]
    public async Task Articles_DraftHiddenFromResidents_StaffOnlyPublish()
    {
        var staff = await factory.StaffAsync("town-staff");
        var created = await staff.PostAsJsonAsync("/api/articles", new { kind = "Article", title = "草稿", body = "内容", points = 1, minReadSeconds = 0 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var resident = await factory.ResidentAsync(41);

        var list = await resident.GetFromJsonAsync<JsonElement>("/api/articles");
        var get = await resident.GetAsync($"/api/articles/{id}");
        var residentCreate = await resident.PostAsJsonAsync("/api/articles", new { kind = "Article", title = "x", body = "y", points = 1, minReadSeconds = 0 });
        var xihuPublish = await (await factory.StaffAsync("staff-xihu")).PostAsync($"/api/articles/{id}/publish", null);

        Assert.DoesNotContain(list.EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
        Assert.Contains(list.EnumerateArray(), a => a.GetProperty("title").GetString() == "冬季用火用电安全须知");
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound, "article.not_found");
        Assert.Equal(HttpStatusCode.Forbidden, residentCreate.StatusCode);
        await ProblemAssert.IsProblemAsync(xihuPublish, HttpStatusCode.Forbidden, "article.out_of_scope");
    }

    [Fact]
    public async Task Comments_OnDraftRegulation_CheckedBeforeStaffSeeThem()
    {
        var draft = await PublishAsync(kind: "DraftRegulation", points: 0, minReadSeconds: 0);
        var article = await PublishAsync();
        var resident = await factory.ResidentAsync(43);

        var ok = await resident.PostAsJsonAsync($"/api/articles/{draft}/comments", new { text = "建议增加停车管理条款" });
        var review = await resident.PostAsJsonAsync($"/api/articles/{draft}/comments", new { text = "详见 https://example.com" });
        var blocked = await resident.PostAsJsonAsync($"/api/articles/{draft}/comments", new { text = "欢迎来赌博" });
        var notDraft = await resident.PostAsJsonAsync($"/api/articles/{article}/comments", new { text = "好" });
        var staff = await factory.StaffAsync("town-staff");
        var pending = await staff.GetFromJsonAsync<JsonElement>($"/api/articles/{draft}/comments?status=PendingReview");
        var pendingId = Assert.Single(pending.EnumerateArray()).GetProperty("id").GetGuid();
        var moderate = await staff.PostAsJsonAsync($"/api/articles/comments/{pendingId}/moderate", new { accept = true });

        Assert.Equal("Accepted", (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("PendingReview", (await review.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(blocked, HttpStatusCode.UnprocessableEntity, "comment.blocked");
        await ProblemAssert.IsProblemAsync(notDraft, HttpStatusCode.UnprocessableEntity, "comment.not_open");
        Assert.Equal(HttpStatusCode.OK, moderate.StatusCode);
        var statuses = await factory.WithDbAsync(db => db.ArticleComments.Where(c => c.ArticleId == draft).Select(c => c.Status).ToListAsync());
        Assert.Equal(2, statuses.Count(s => s == CommentStatus.Accepted));
        Assert.Equal(1, statuses.Count(s => s == CommentStatus.Blocked));
    }

    [Theory]
    [InlineData("{\"kind\":\"Article\",\"title\":\"\",\"body\":\"b\",\"points\":1,\"minReadSeconds\":0}", "validation.failed")]
    [InlineData("{\"kind\":\"Article\",\"title\":\"t\",\"body\":\"b\",\"points\":101,\"minReadSeconds\":0}", "validation.failed")]
    [InlineData("{\"kind\":\"Article\",\"title\":\"t\",\"body\":\"b\",\"points\":1,\"minReadSeconds\":-1}", "validation.failed")]
    [InlineData("{\"kind\":\"Article\",\"title\":\"t\",\"body\":\"b\",\"points\":1,\"minReadSeconds\":0,\"quizQuestion\":\"q\",\"quizOptions\":[\"a\"],\"quizAnswer\":0}", "article.quiz_invalid")]
    [InlineData("{\"kind\":\"Novel\",\"title\":\"t\",\"body\":\"b\",\"points\":1,\"minReadSeconds\":0}", "request.malformed")]
    public async Task CreateArticle_BadInput_Returns400(string json, string code)
    {
        var staff = await factory.StaffAsync("town-staff");

        var response = await staff.PostAsync("/api/articles", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
    }
}
