using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Points.Console.Activities;
using Points.Console.ApiClient;
using Points.Console.Learning;
using Points.Console.Residents;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>bUnit: the time boxes (typed as 2026-12-05 09:00, read as Shanghai time), the article form and the negative-record form.</summary>
public sealed class LearningFormTests : ConsoleComponentTest
{
    private readonly ScriptedApi _script = new();

    public LearningFormTests()
    {
        UseApi(_script);
    }

    [Theory]
    [InlineData("2026-12-05 09:00")]
    [InlineData("2026/12/5 9:00")]
    [InlineData("2026年12月5日 9:00")]
    [InlineData("２０２６-１２-０５　０９：００")]
    [InlineData("2026-12-05T09:00")]
    public void TimeBox_ReadsChineseFormsAsShanghaiTime(string typed)
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.FromHours(8)), Format.FromLocalInput(typed));
        Assert.Null(Format.TimeInputError(typed));
    }

    [Theory]
    [InlineData("12/05/2026 09:00")]
    [InlineData("2026-13-05 09:00")]
    [InlineData("明天上午")]
    public void TimeBox_RefusesOtherForms(string typed)
    {
        Assert.Null(Format.FromLocalInput(typed));
        Assert.StartsWith("时间格式应为", Format.TimeInputError(typed), StringComparison.Ordinal);
    }

    [Fact]
    public void TimeBox_ShowsTheTimeInShanghai_AndDaysReadTheSameWay()
    {
        Assert.Equal("2026-12-05 01:30", Format.LocalInput(new DateTimeOffset(2026, 12, 4, 17, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 12, 5), Format.FromDayInput("2026/12/5"));
        Assert.NotNull(Format.DayInputError("12/05/2026"));
    }

    [Fact]
    public void ActivityForm_UnreadableTime_IsShownBesideTheField_AndNothingIsSent()
    {
        var form = Render<ActivityForm>(p => p.Add(f => f.Model, new ActivityFormModel { Title = "巡河", Category = "RiverPatrol", StartsAt = "12/05/2026 09:00", EndsAt = "2026-12-05 10:00" }));

        form.Find("form").Submit();

        Assert.StartsWith("时间格式应为", form.Find("#startsAt-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(form.FindAll("#endsAt-error"));
        Assert.Empty(_script.Requests);
        Assert.Equal("如 2026-12-05 09:00", form.Find("#startsAt").GetAttribute("placeholder"));
    }

    [Fact]
    public void ArticleForm_SendsTheQuizAnswerCountedFromZero_AndShowsFieldErrors()
    {
        _script.Answer(HttpStatusCode.BadRequest, """{"title":"请求参数有误","status":400,"code":"validation.failed","errors":{"body":["请填写正文"]}}""");
        var page = Render<ArticleEditPage>();

        page.Find("#article-title").Change("垃圾分类知识");
        page.Find("#article-quiz").Change("厨余垃圾投哪个桶？");
        page.Find("#article-options").Change("绿色桶\n灰色桶\n红色桶");
        page.Find("#article-answer").Change("1");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("请填写正文", page.Find("#article-body-error").TextContent));
        var body = JsonDocument.Parse(_script.Requests.Single().Body).RootElement;
        Assert.Equal(0, body.GetProperty("quizAnswer").GetInt32());
        Assert.Equal(["绿色桶", "灰色桶", "红色桶"], body.GetProperty("quizOptions").EnumerateArray().Select(o => o.GetString()).ToList());
        Assert.Equal("Article", body.GetProperty("kind").GetString());
    }

    [Fact]
    public void ArticleForm_RetryAfterANetworkFailureOnPublish_PublishesTheSavedDraftOnly()
    {
        var id = Guid.NewGuid();
        _script.Answer(HttpStatusCode.Created, $$"""{"id":"{{id}}","kind":"Article","title":"t","points":2,"minReadSeconds":60,"status":"Draft"}""");
        _script.FailNetwork();
        _script.Answer(HttpStatusCode.OK, $$"""{"id":"{{id}}","kind":"Article","title":"t","points":2,"minReadSeconds":60,"status":"Published"}""");
        var page = Render<ArticleEditPage>();
        page.Find("#article-title").Change("t");
        page.Find("#article-body").Change("正文");

        page.FindAll("button[type=submit]").Single(b => b.TextContent == "保存并发布").Click();
        page.WaitForAssertion(() => Assert.Contains("重试", page.Find(".page-alert").TextContent, StringComparison.Ordinal));
        page.Find(".page-alert button").Click();

        page.WaitForAssertion(() => Assert.Equal(3, _script.Requests.Count));
        Assert.Equal(["POST api/articles", $"POST api/articles/{id}/publish", $"POST api/articles/{id}/publish"], _script.Requests.Select(r => r.Line).ToList());
    }

    [Fact]
    public void NegativeRecordForm_SendsShanghaiTime_AndShowsTheApisFieldError()
    {
        _script.Answer(HttpStatusCode.BadRequest, """{"title":"请求参数有误","status":400,"code":"validation.failed","errors":{"description":["请填写事由"]}}""");
        var form = Render<NegativeRecordForm>(p => p.Add(f => f.ResidentId, Guid.NewGuid()));

        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", form.Find("#negative-occurred").GetAttribute("value"));
        form.Find("#negative-kind").Change("Violation");
        form.Find("#negative-severity").Change("2");
        form.Find("#negative-occurred").Change("2026-11-30 20:15");
        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Equal("请填写事由", form.Find("#negative-description-error").TextContent));
        var body = JsonDocument.Parse(_script.Requests.Single().Body).RootElement;
        Assert.Equal("2026-11-30T20:15:00+08:00", body.GetProperty("occurredAt").GetString());
        Assert.Equal(2, body.GetProperty("severity").GetInt32());
        Assert.Equal(0, body.GetProperty("evidenceIds").GetArrayLength());
        Assert.Empty(form.FindAll(".page-alert"));
    }
}
