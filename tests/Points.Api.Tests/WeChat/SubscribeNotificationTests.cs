using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.WeChat.Notifications;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

public sealed class SubscribeNotificationTests(WeChatAppFactory factory) : IClassFixture<WeChatAppFactory>
{
    private static string ReminderPayload(Guid activityId) => JsonSerializer.Serialize(new
    {
        activityId,
        title = "护水巡河：沿曹娥江东岸从一号闸口巡到三号闸口并记录水质",
        startsAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)),
        address = "东山村村委会门口集合",
    });

    private async Task<DeliveryResult> SendAsync(WeChatNotification notification)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WeChatSubscribeNotificationSender>().SendAsync(notification, CancellationToken.None);
    }

    private async Task<(Guid UserId, string OpenId)> ResidentAsync()
    {
        var (_, userId, code) = await WeChatTestKit.LoginAsync(factory);
        return (userId, FakeWeChatServer.OpenIdFor(code));
    }

    private WeChatNotification Reminder(Guid recipientId, Guid? activityId = null) =>
        new(Guid.CreateVersion7(), recipientId, "ActivityReminder", ReminderPayload(activityId ?? Guid.CreateVersion7()), factory.Clock.GetUtcNow());

    private int SendsTo(string openId) => factory.WeChat.Requests.Count(r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == openId);

    [Fact]
    public async Task Send_Reminder_TemplateDataFittedAndPageOfTheActivity()
    {
        var (userId, openId) = await ResidentAsync();
        var activityId = Guid.CreateVersion7();

        var result = await SendAsync(Reminder(userId, activityId));

        Assert.Equal(NotificationDelivery.Sent, result.Outcome);
        var request = Assert.Single(factory.WeChat.Requests, r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == openId);
        Assert.Equal("tmpl-reminder", request.BodyValue("template_id"));
        Assert.Equal($"pages/activity/detail?id={activityId}", request.BodyValue("page"));
        Assert.Equal("formal", request.BodyValue("miniprogram_state"));
        var data = JsonDocument.Parse(request.Body).RootElement.GetProperty("data");
        var thing1 = data.GetProperty("thing1").GetProperty("value").GetString()!;
        Assert.Equal(20, thing1.Length);
        Assert.EndsWith("…", thing1, StringComparison.Ordinal);
        Assert.Equal("2026-12-01 09:00", data.GetProperty("time2").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Send_UserRefused43101_Undeliverable_SentOnceNoRetry()
    {
        var (userId, openId) = await ResidentAsync();
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(43101, "user refuse to accept the msg"));

        var result = await SendAsync(Reminder(userId));

        Assert.Equal(NotificationDelivery.Undeliverable, result.Outcome);
        Assert.Contains("43101", result.Detail, StringComparison.Ordinal);
        Assert.Equal(1, SendsTo(openId));
    }

    [Fact]
    public async Task Send_DataInvalid47003_Undeliverable_FieldSurfaced()
    {
        var (userId, openId) = await ResidentAsync();
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(47003, "argument invalid! data.thing3.value invalid"));

        var result = await SendAsync(Reminder(userId));

        Assert.Equal(NotificationDelivery.Undeliverable, result.Outcome);
        Assert.Contains("field thing3", result.Detail, StringComparison.Ordinal);
        Assert.Contains("field thing3", factory.Logs.All, StringComparison.Ordinal);
        Assert.Equal(1, SendsTo(openId));
    }

    [Fact]
    public async Task Send_SystemBusy_RetryLater_ThenSentOnTheNextDrain()
    {
        var (userId, openId) = await ResidentAsync();
        var notification = Reminder(userId);
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(-1, "system error"), FakeResponse.Error(-1, "system error"));

        var first = await SendAsync(notification);
        var second = await SendAsync(notification);

        Assert.Equal(NotificationDelivery.RetryLater, first.Outcome);
        Assert.Equal(NotificationDelivery.Sent, second.Outcome);
        Assert.Equal(3, SendsTo(openId));
    }

    [Fact]
    public async Task Send_HtmlGatewayError_RetryLater()
    {
        var (userId, _) = await ResidentAsync();
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Html502());

        Assert.Equal(NotificationDelivery.RetryLater, (await SendAsync(Reminder(userId))).Outcome);
    }

    [Fact]
    public async Task Send_RecipientWithoutOpenIdOrKindWithoutTemplate_UndeliverableWithoutACall()
    {
        var before = factory.WeChat.CountFor(FakeWeChatPaths.SubscribeSend);
        var (userId, _) = await ResidentAsync();

        var staffId = await factory.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Username == "staff-dongshan").Id));
        var staff = await SendAsync(Reminder(staffId));
        var noTemplate = await SendAsync(new WeChatNotification(Guid.CreateVersion7(), userId, "ReviewResult", "{}", factory.Clock.GetUtcNow()));

        Assert.Equal(NotificationDelivery.Undeliverable, staff.Outcome);
        Assert.Equal(NotificationDelivery.Undeliverable, noTemplate.Outcome);
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.SubscribeSend));
    }

    [Fact]
    public async Task Send_Receipt_NumbersAsStrings_Sent()
    {
        var (userId, openId) = await ResidentAsync();
        var payload = """{"merchantName":"东山村便民超市（东山村文化礼堂对面第二家）","points":"30","balance":90,"redeemedAt":"2026-11-23T02:00:00Z"}""";

        var result = await SendAsync(new WeChatNotification(Guid.CreateVersion7(), userId, "RedemptionReceipt", payload, factory.Clock.GetUtcNow()));

        Assert.Equal(NotificationDelivery.Sent, result.Outcome);
        var data = JsonDocument.Parse(factory.WeChat.Requests.Last(r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == openId).Body).RootElement.GetProperty("data");
        Assert.Equal("30", data.GetProperty("number2").GetProperty("value").GetString());
        Assert.Equal("2026-11-23 10:00", data.GetProperty("time4").GetProperty("value").GetString());
    }
}
