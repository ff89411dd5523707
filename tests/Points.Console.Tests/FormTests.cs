using System.Net.Http.Headers;
using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Points.Console.Activities;
using Points.Console.ApiClient;
using Points.Console.Residents;
using Points.Console.Shell;

namespace Points.Console.Tests;

/// <summary>The console's form logic in bUnit: what a form sends, and how it shows what the API answers.</summary>
public sealed class FormTests : ConsoleComponentTest
{
    private readonly ScriptedApi _handler = new();

    public FormTests()
    {
        UseApi(_handler);
    }

    [Fact]
    public void ActivityForm_ShowsEachFieldErrorBesideItsField()
    {
        _handler.Answer(HttpStatusCode.BadRequest, """{"title":"请求参数有误","status":400,"code":"validation.failed","errors":{"title":["请填写活动标题"],"capacity":["活动名额须在 1 到 10000 之间"]}}""");
        var form = Render<ActivityForm>(p => p.Add(f => f.Model, new ActivityFormModel { Capacity = 0 }));

        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Equal("请填写活动标题", form.Find("#title-error").TextContent));
        Assert.Equal("活动名额须在 1 到 10000 之间", form.Find("#capacity-error").TextContent);
        Assert.Empty(form.FindAll("#points-error"));
        Assert.Empty(form.FindAll(".page-alert"));
    }

    [Fact]
    public void ActivityForm_SendsShanghaiTimes()
    {
        _handler.Answer(HttpStatusCode.BadRequest, """{"title":"活动结束时间须晚于开始时间","status":400,"code":"activity.invalid_times"}""");
        var form = Render<ActivityForm>(p => p.Add(f => f.Model, new ActivityFormModel { Title = "巡河", Category = "RiverPatrol", StartsAt = "2026-12-05T09:00", EndsAt = "2026-12-05T08:00" }));

        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Contains("活动结束时间须晚于开始时间", form.Markup, StringComparison.Ordinal));
        var body = JsonDocument.Parse(_handler.Bodies.Single()).RootElement;
        Assert.Equal("2026-12-05T09:00:00+08:00", body.GetProperty("startsAt").GetString());
        Assert.Equal("RiverPatrol", body.GetProperty("category").GetString());
    }

    [Fact]
    public void AdjustmentForm_RetriesWithTheSameIdempotencyKey_AndStartsANewOneAfterSuccess()
    {
        _handler.FailNetwork();
        _handler.Answer(HttpStatusCode.OK, $$"""{"entryId":"{{Guid.NewGuid()}}","residentId":"{{Guid.NewGuid()}}","points":5,"reason":"补录","at":"2026-12-01T10:00:00+08:00","balance":25}""");
        _handler.Answer(HttpStatusCode.OK, $$"""{"entryId":"{{Guid.NewGuid()}}","residentId":"{{Guid.NewGuid()}}","points":5,"reason":"补录","at":"2026-12-01T10:00:00+08:00","balance":30}""");
        var done = 0;
        var form = Render<AdjustmentForm>(p => p.Add(f => f.ResidentId, Guid.NewGuid()).Add(f => f.Done, _ => done++));

        form.Find("#adjust-points").Change("5");
        form.Find("#adjust-reason").Change("补录");
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.NotNull(form.Find(".page-alert")));
        form.Find(".page-alert button").Click();
        form.WaitForAssertion(() => Assert.Equal(1, done));
        form.Find("#adjust-points").Change("5");
        form.Find("#adjust-reason").Change("补录");
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Equal(2, done));

        Assert.Equal(3, _handler.Keys.Count);
        Assert.Equal(_handler.Keys[0], _handler.Keys[1]);
        Assert.NotEqual(_handler.Keys[1], _handler.Keys[2]);
        Assert.All(_handler.Keys, k => Assert.False(string.IsNullOrEmpty(k)));
    }
}
