using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Notifications;
using Points.Infrastructure.Notifications;
using Points.Infrastructure.WeChat.Notifications;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

/// <summary>The API with the real WeChat client against the fake server and a template for every notification kind.</summary>
public sealed class OutboxWeChatFactory : PointsApiFactory, IAsyncLifetime
{
    public FakeWeChatServer WeChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WeChat = await FakeWeChatServer.StartAsync();
        Settings["WeChat:BaseUrl"] = WeChat.BaseUrl;
        Settings["WeChat:AppId"] = WeChat.AppId;
        Settings["WeChat:AppSecret"] = WeChat.AppSecret;
        Settings["WeChat:BusyRetryCount"] = "0";
        foreach (var kind in Enum.GetNames<NotificationKind>())
        {
            Settings[$"WeChat:Templates:{kind}"] = "tmpl-" + kind;
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await WeChat.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>The notification outbox drained into WeChat subscribe messages through the real client and the fake WeChat server.</summary>
public sealed class OutboxWeChatDrainTests(OutboxWeChatFactory factory) : IClassFixture<OutboxWeChatFactory>
{
    /// <summary>The openid the demo seed gives resident <paramref name="resident"/> (as if signed in through the mini-program).</summary>
    private static string OpenIdOf(int resident) => $"demo-resident-{resident:D2}";

    private async Task<int> DrainAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NotificationDrainer>().DrainAsync(200, CancellationToken.None);
    }

    private async Task<Notification> QueueAsync(int resident, string dedupeKey, Guid? activityId = null)
    {
        var row = Outbox.Create(PointsApiFactory.DemoResidentId(resident), NotificationKind.ActivityReminder,
            new { activityId = activityId ?? Guid.CreateVersion7(), title = "护水巡河", startsAt = factory.Clock.GetUtcNow().AddDays(1), address = "东山村村委会" },
            dedupeKey, factory.Clock.GetUtcNow());
        await factory.WithDbAsync(async db =>
        {
            db.Notifications.Add(row);
            await db.SaveChangesAsync();
        });
        return row;
    }

    private Task<Notification> RowAsync(Guid id) => factory.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == id));

    private int SendsTo(string openId) => factory.WeChat.Requests.Count(r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == openId);

    [Fact]
    public void Registration_RealWeChatClient_ReplacesTheLoggingSender()
    {
        using var scope = factory.Services.CreateScope();

        Assert.IsType<WeChatOutboxNotificationSender>(scope.ServiceProvider.GetRequiredService<INotificationSender>());
    }

    [Fact]
    public async Task ActivityCancelled_Drain_SendsOneSubscribeMessagePerRecipient_RowsSent()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var id = await ActivityTestKit.PublishedAsync(factory, capacity: 5);
        foreach (var n in new[] { 3, 5 })
        {
            Assert.Equal(HttpStatusCode.Created, (await (await factory.ResidentAsync(n)).PostAsync($"/api/activities/{id}/signups", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/activities/{id}/cancel", null)).StatusCode);
        await DrainAsync();
        await DrainAsync();

        foreach (var n in new[] { 3, 5 })
        {
            var request = Assert.Single(factory.WeChat.Requests, r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == OpenIdOf(n));
            Assert.Equal("tmpl-ActivityCancelled", request.BodyValue("template_id"));
            Assert.Equal($"pages/activity/detail?id={id}", request.BodyValue("page"));
            Assert.Equal("护水巡河", JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("thing1").GetProperty("value").GetString());
        }

        var rows = await factory.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.DedupeKey.StartsWith($"activity-cancelled:{id}:")).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(NotificationStatus.Sent, row.Status);
            Assert.Equal(1, row.Attempts);
            Assert.NotNull(row.SentAt);
        });
    }

    [Fact]
    public async Task Drain_UserRefused43101_UndeliverableAndNeverRetried()
    {
        var row = await QueueAsync(7, $"test-43101:{Guid.NewGuid():N}");
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(43101, "user refuse to accept the msg"));

        await DrainAsync();
        factory.Clock.Advance(TimeSpan.FromHours(3));
        await DrainAsync();

        var stored = await RowAsync(row.Id);
        Assert.Equal(NotificationStatus.Undeliverable, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.Null(stored.SentAt);
        Assert.Equal(1, SendsTo(OpenIdOf(7)));
    }

    [Fact]
    public async Task Drain_RecipientWithoutOpenId_UndeliverableWithoutACall()
    {
        var before = factory.WeChat.CountFor(FakeWeChatPaths.SubscribeSend);
        var staffId = await factory.WithDbAsync(db => db.Users.Where(u => u.Username == "staff-xihu").Select(u => u.Id).SingleAsync());
        var row = Outbox.Create(staffId, NotificationKind.WaitlistPromoted, new { title = "x" }, $"test-no-openid:{Guid.NewGuid():N}", factory.Clock.GetUtcNow());
        await factory.WithDbAsync(async db =>
        {
            db.Notifications.Add(row);
            await db.SaveChangesAsync();
        });

        await DrainAsync();

        Assert.Equal(NotificationStatus.Undeliverable, (await RowAsync(row.Id)).Status);
        Assert.Equal(before, factory.WeChat.CountFor(FakeWeChatPaths.SubscribeSend));
    }

    [Fact]
    public async Task Drain_SystemBusy_RetriedAfterBackoff_ThenSentOnce()
    {
        var row = await QueueAsync(9, $"test-busy:{Guid.NewGuid():N}");
        factory.WeChat.Enqueue(FakeWeChatPaths.SubscribeSend, FakeResponse.Error(-1, "system error"));

        var firstTry = factory.Clock.GetUtcNow();
        await DrainAsync();
        var failed = await RowAsync(row.Id);
        await DrainAsync();
        var sendsBeforeBackoff = SendsTo(OpenIdOf(9));
        factory.Clock.Advance(Notification.Backoff(1) + TimeSpan.FromSeconds(1));
        await DrainAsync();
        await DrainAsync();

        Assert.Equal(NotificationStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(firstTry + Notification.Backoff(1), failed.NextAttemptAt);
        Assert.Contains("RetryLater", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(1, sendsBeforeBackoff);
        var sent = await RowAsync(row.Id);
        Assert.Equal(NotificationStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, SendsTo(OpenIdOf(9)));
    }

    [Fact]
    public async Task TwoDrainsRacing_Over50PendingRows_SendEachMessageExactlyOnce()
    {
        var residents = new[] { 11, 13, 15, 17, 19 };
        var activityIds = new List<Guid>();
        var rowIds = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var activityId = Guid.CreateVersion7();
            activityIds.Add(activityId);
            rowIds.Add((await QueueAsync(residents[i % residents.Length], $"test-race:{activityId}", activityId)).Id);
        }

        // A little latency per send keeps both drains busy at the same time over the same rows.
        factory.WeChat.SetDelay(FakeWeChatPaths.SubscribeSend, TimeSpan.FromMilliseconds(10));
        try
        {
            using var start = new SemaphoreSlim(0, 2);
            var drains = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var job = new NotificationDrainJob();
                await start.WaitAsync();
                await job.RunAsync(scope.ServiceProvider, CancellationToken.None);
            })).ToList();
            start.Release(2);
            await Task.WhenAll(drains);
        }
        finally
        {
            factory.WeChat.SetDelay(FakeWeChatPaths.SubscribeSend, TimeSpan.Zero);
        }

        var requests = factory.WeChat.Requests.Where(r => r.Path == FakeWeChatPaths.SubscribeSend).ToList();
        foreach (var activityId in activityIds)
        {
            Assert.Single(requests, r => r.BodyValue("page") == $"pages/activity/detail?id={activityId}");
        }

        var rows = await factory.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => rowIds.Contains(n.Id)).ToListAsync());
        Assert.Equal(50, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(NotificationStatus.Sent, row.Status);
            Assert.Equal(1, row.Attempts);
            Assert.Null(row.ClaimToken);
        });
    }

    [Fact]
    public async Task NegativeRecordAndAppealDecision_Drain_SendOneSubscribeMessageEach_WithTheirTemplates()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var created = await staff.PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(21)}/negative-records", new
        {
            kind = "Violation", description = "违规焚烧秸秆", severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ResidentAsync(21)).PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "已整改" })).StatusCode);
        var town = await factory.StaffAsync("town-staff");
        Assert.Equal(HttpStatusCode.OK, (await town.PostAsJsonAsync($"/api/negative-records/{id}/appeal-decision", new { uphold = true, note = "证据属实" })).StatusCode);

        await DrainAsync();

        var sent = factory.WeChat.Requests.Where(r => r.Path == FakeWeChatPaths.SubscribeSend && r.BodyValue("touser") == OpenIdOf(21)).ToList();
        Assert.Equal(["tmpl-NegativeRecord", "tmpl-ReviewResult"], sent.Select(r => r.BodyValue("template_id")).Order(StringComparer.Ordinal).ToList());
        var record = JsonDocument.Parse(sent.Single(r => r.BodyValue("template_id") == "tmpl-NegativeRecord").Body).RootElement.GetProperty("data");
        Assert.Equal("违规行为记录", record.GetProperty("thing1").GetProperty("value").GetString());
        Assert.DoesNotContain("秸秆", sent.Single(r => r.BodyValue("template_id") == "tmpl-NegativeRecord").Body, StringComparison.Ordinal);
        var appeal = JsonDocument.Parse(sent.Single(r => r.BodyValue("template_id") == "tmpl-ReviewResult").Body).RootElement.GetProperty("data");
        Assert.Equal("维持原记录", appeal.GetProperty("phrase2").GetProperty("value").GetString());
        var statuses = await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == PointsApiFactory.DemoResidentId(21)).Select(n => n.Status).ToListAsync());
        Assert.Equal([NotificationStatus.Sent, NotificationStatus.Sent], statuses);
    }
}
