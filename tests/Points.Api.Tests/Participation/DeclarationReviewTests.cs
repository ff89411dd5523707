using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;

namespace Points.Api.Tests.Participation;

public sealed class DeclarationReviewTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<(HttpClient Resident, Guid Id)> SubmitAsync(int resident, string category = "GoodDeed")
    {
        var client = await factory.ResidentAsync(resident);
        var photo = await TestImages.UploadAsync(client);
        var response = await client.PostAsJsonAsync("/api/declarations", new { category, text = "帮邻居修好了漏水的水管", photoIds = new[] { photo } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", body.GetProperty("status").GetString());
        return (client, body.GetProperty("id").GetGuid());
    }

    private Task<long> WalletAsync(int resident) => factory.WithDbAsync(db =>
        db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == PointsApiFactory.DemoResidentId(resident)).Select(a => a.Balance).SingleAsync());

    [Fact]
    public async Task Review_Approve_AwardsCategoryDefaultOnceAndShowsHistory()
    {
        var (resident, id) = await SubmitAsync(5);
        var before = await WalletAsync(5);
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", reason = "属实" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Approved", body.GetProperty("status").GetString());
        Assert.Equal(10, body.GetProperty("awardedPoints").GetInt32());
        Assert.Equal(before + 10, await WalletAsync(5));
        var entry = await factory.WithDbAsync(db => db.JournalEntries.SingleAsync(e => e.IdempotencyKey == $"declaration:{id}"));
        Assert.Equal(TransferReason.Declaration, entry.Reason);
        var mine = await resident.GetFromJsonAsync<JsonElement>($"/api/declarations/{id}");
        var steps = mine.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("action").GetString()).ToList();
        Assert.Equal(["Submitted", "Approved"], steps);
        var again = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve" });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "review.conflict");
        Assert.Equal(before + 10, await WalletAsync(5));
    }

    [Fact]
    public async Task Review_RejectWithoutReason_Returns400_WithReason_Rejects()
    {
        var (resident, id) = await SubmitAsync(7);
        var staff = await factory.StaffAsync("staff-dongshan");

        var noReason = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Reject" });
        var rejected = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Reject", reason = "照片与描述不符" });

        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "review.reason_required");
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var mine = await resident.GetFromJsonAsync<JsonElement>($"/api/declarations/{id}");
        Assert.Equal("Rejected", mine.GetProperty("status").GetString());
        Assert.Equal("照片与描述不符", mine.GetProperty("lastReason").GetString());
        Assert.False(await factory.WithDbAsync(db => db.JournalEntries.AnyAsync(e => e.IdempotencyKey == $"declaration:{id}")));
    }

    [Fact]
    public async Task Review_NeedMoreInfo_ThenResubmit_ReturnsToQueueAndApproves()
    {
        var (resident, id) = await SubmitAsync(9);
        var staff = await factory.StaffAsync("staff-dongshan");

        var ask = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "NeedMoreInfo", reason = "请补充现场照片" });
        var queueWhileWaiting = await staff.GetFromJsonAsync<JsonElement>("/api/reviews?level=community");
        var resubmit = await resident.PostAsJsonAsync($"/api/declarations/{id}/resubmit", new { text = "补充：维修后照片见附件", photoIds = new[] { await TestImages.UploadAsync(resident) } });
        var queueAfter = await staff.GetFromJsonAsync<JsonElement>("/api/reviews?level=community");
        var approve = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points = 15 });

        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.DoesNotContain(queueWhileWaiting.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.OK, resubmit.StatusCode);
        Assert.Contains(queueAfter.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var body = await approve.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15, body.GetProperty("awardedPoints").GetInt32());
        Assert.Equal(["Submitted", "MoreInfoRequested", "Resubmitted", "Approved"],
            body.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("action").GetString()).ToList());
        var resubmitTwice = await resident.PostAsJsonAsync($"/api/declarations/{id}/resubmit", new { text = "再次" });
        await ProblemAssert.IsProblemAsync(resubmitTwice, HttpStatusCode.Conflict, "declaration.not_awaiting_info");
    }

    [Fact]
    public async Task Review_CategoryNeedsTownReview_CommunityForwards_TownApproves()
    {
        var town = await factory.StaffAsync("town-staff");
        var setting = await town.PutAsJsonAsync("/api/declarations/settings/Mediation", new { defaultPoints = 30, needsTownReview = true });
        Assert.Equal(HttpStatusCode.OK, setting.StatusCode);
        var (_, id) = await SubmitAsync(15, "Mediation");
        var staff = await factory.StaffAsync("staff-dongshan");
        var before = await WalletAsync(15);

        var first = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points = 25 });
        var afterFirst = await WalletAsync(15);
        var communityAgain = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve" });
        var townQueue = await town.GetFromJsonAsync<JsonElement>("/api/reviews?level=town");
        var second = await town.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var forwarded = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", forwarded.GetProperty("status").GetString());
        Assert.Equal("Town", forwarded.GetProperty("level").GetString());
        Assert.Equal(before, afterFirst);
        await ProblemAssert.IsProblemAsync(communityAgain, HttpStatusCode.Forbidden, "review.town_level_only");
        Assert.Contains(townQueue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id && i.GetProperty("proposedPoints").GetInt32() == 25);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(25, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("awardedPoints").GetInt32());
        Assert.Equal(before + 25, await WalletAsync(15));
        await town.PutAsJsonAsync("/api/declarations/settings/Mediation", new { defaultPoints = 20, needsTownReview = false });
    }

    [Fact]
    public async Task Review_SamePersonAtBothLevels_Refused_AndOnlyTownRevokesTownApproval()
    {
        var town = await factory.StaffAsync("town-staff");
        Assert.Equal(HttpStatusCode.OK, (await town.PutAsJsonAsync("/api/declarations/settings/SafetyInspection", new { defaultPoints = 30, needsTownReview = true })).StatusCode);
        try
        {
            var (_, id) = await SubmitAsync(27, "SafetyInspection");
            var before = await WalletAsync(27);

            var first = await town.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points = 25, version = 0 });
            var second = await town.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", version = 1 });
            var byAdmin = await (await factory.StaffAsync("admin")).PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", version = 1 });
            var communityRevoke = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/declarations/{id}/revoke", new { reason = "重复申报" });
            var afterCommunityRevoke = await WalletAsync(27);
            var townRevoke = await town.PostAsJsonAsync($"/api/declarations/{id}/revoke", new { reason = "重复申报" });

            Assert.Equal("Town", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("level").GetString());
            await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "review.same_reviewer");
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
            Assert.Equal("Approved", (await byAdmin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
            await ProblemAssert.IsProblemAsync(communityRevoke, HttpStatusCode.Forbidden, "declaration.revoke_needs_town");
            Assert.Equal(before + 25, afterCommunityRevoke);
            Assert.Equal(HttpStatusCode.OK, townRevoke.StatusCode);
            Assert.Equal(before, await WalletAsync(27));
        }
        finally
        {
            await town.PutAsJsonAsync("/api/declarations/settings/SafetyInspection", new { defaultPoints = 10, needsTownReview = false });
        }
    }

    [Fact]
    public async Task ReviewQueue_TownStaff_OpensAtTownLevel()
    {
        var town = await factory.StaffAsync("town-staff");
        var community = await factory.StaffAsync("staff-dongshan");

        var townQueue = await town.GetFromJsonAsync<JsonElement>("/api/reviews");
        var townAsksCommunity = await town.GetFromJsonAsync<JsonElement>("/api/reviews?level=community");
        var communityQueue = await community.GetFromJsonAsync<JsonElement>("/api/reviews");

        Assert.Equal("Town", townQueue.GetProperty("level").GetString());
        Assert.Equal("Community", townAsksCommunity.GetProperty("level").GetString());
        Assert.Equal("Community", communityQueue.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Revoke_ApprovedDeclaration_ReversesPoints()
    {
        var (resident, id) = await SubmitAsync(17);
        var staff = await factory.StaffAsync("staff-dongshan");
        var before = await WalletAsync(17);
        await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points = 12 });
        Assert.Equal(before + 12, await WalletAsync(17));

        var noReason = await staff.PostAsJsonAsync($"/api/declarations/{id}/revoke", new { });
        var revoke = await staff.PostAsJsonAsync($"/api/declarations/{id}/revoke", new { reason = "经核实为重复申报" });

        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("Revoked", (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(before, await WalletAsync(17));
        Assert.True(await factory.WithDbAsync(db => db.JournalEntries.AnyAsync(e => e.IdempotencyKey == $"revoke:declaration:{id}" && e.Reason == TransferReason.Reversal)));
        var mine = await resident.GetFromJsonAsync<JsonElement>($"/api/declarations/{id}");
        Assert.Equal("Revoked", mine.GetProperty("history").EnumerateArray().Last().GetProperty("action").GetString());
        var twice = await staff.PostAsJsonAsync($"/api/declarations/{id}/revoke", new { reason = "再次" });
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict, "declaration.not_revocable");
    }

    [Fact]
    public async Task Review_TwoStaffAtOnce_OneWinsOtherGets409()
    {
        var (_, id) = await SubmitAsync(19);
        var version = await factory.WithDbAsync(db => db.Declarations.Where(d => d.Id == id).Select(d => d.Version).SingleAsync());
        var a = await factory.StaffAsync("staff-dongshan");
        var b = await factory.StaffAsync("town-staff");
        var before = await WalletAsync(19);

        var responses = await Task.WhenAll(
            a.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", points = 10, version }),
            b.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Reject", reason = "不属实", version }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
        await ProblemAssert.IsProblemAsync(loser, HttpStatusCode.Conflict, "review.conflict");
        var row = await factory.WithDbAsync(db => db.Declarations.SingleAsync(d => d.Id == id));
        Assert.Equal(version + 1, row.Version);
        var decisions = await factory.WithDbAsync(db => db.ParticipationEvents.CountAsync(e => e.SubjectId == id && e.Action != DeclarationAction.Submitted));
        Assert.Equal(1, decisions);
        Assert.Equal(row.Status == DeclarationStatus.Approved ? before + 10 : before, await WalletAsync(19));
        var notification = Assert.Single(await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == PointsApiFactory.DemoResidentId(19)).ToListAsync()));
        Assert.Equal(row.Status == DeclarationStatus.Approved ? "Approved" : "Rejected", JsonDocument.Parse(notification.PayloadJson).RootElement.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Review_StaleVersion_Returns409()
    {
        var (_, id) = await SubmitAsync(21);
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", version = 7 });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "review.conflict");
    }

    [Fact]
    public async Task Access_OtherResident404_OtherCommunityStaff403_QueueScoped()
    {
        var (_, id) = await SubmitAsync(23);

        var other = await (await factory.ResidentAsync(25)).GetAsync($"/api/declarations/{id}");
        var xihu = await factory.StaffAsync("staff-xihu");
        var xihuGet = await xihu.GetAsync($"/api/declarations/{id}");
        var xihuReview = await xihu.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve" });
        var xihuQueue = await xihu.GetFromJsonAsync<JsonElement>("/api/reviews?level=community");
        var residentQueue = await (await factory.ResidentAsync(25)).GetAsync("/api/reviews");
        var othersMine = await (await factory.ResidentAsync(25)).GetFromJsonAsync<JsonElement>("/api/declarations/mine");

        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.NotFound, "declaration.not_found");
        await ProblemAssert.IsProblemAsync(xihuGet, HttpStatusCode.Forbidden, "declaration.out_of_scope");
        await ProblemAssert.IsProblemAsync(xihuReview, HttpStatusCode.Forbidden, "declaration.out_of_scope");
        Assert.DoesNotContain(xihuQueue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.Forbidden, residentQueue.StatusCode);
        Assert.DoesNotContain(othersMine.EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Queue_ItemUntouchedForDays_IsFlaggedStale()
    {
        var (_, id) = await SubmitAsync(27);
        await factory.WithDbAsync(db => db.Declarations.Where(d => d.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastActionAt, factory.Clock.GetUtcNow().AddDays(-4))));
        var staff = await factory.StaffAsync("staff-dongshan");

        var queue = await staff.GetFromJsonAsync<JsonElement>("/api/reviews?level=community&staleOnly=true&category=GoodDeed");

        var item = Assert.Single(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.True(item.GetProperty("stale").GetBoolean());
        Assert.True(item.GetProperty("ageDays").GetDouble() >= 4);
        Assert.True(queue.GetProperty("staleCount").GetInt32() >= 1);
    }

    [Fact]
    public async Task Withdraw_Pending_StopsReview()
    {
        var (resident, id) = await SubmitAsync(29);

        var withdraw = await resident.PostAsync($"/api/declarations/{id}/withdraw", null);
        var review = await (await factory.StaffAsync("staff-dongshan")).PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve" });

        Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        await ProblemAssert.IsProblemAsync(review, HttpStatusCode.Conflict, "review.conflict");
    }

    [Theory]
    [InlineData("{\"category\":\"GoodDeed\",\"text\":\"\"}", HttpStatusCode.BadRequest, "validation.failed")]
    [InlineData("{\"text\":\"做了好事\"}", HttpStatusCode.BadRequest, "validation.failed")]
    [InlineData("{\"category\":\"Bribery\",\"text\":\"做了好事\"}", HttpStatusCode.BadRequest, "request.malformed")]
    [InlineData("{\"category\":\"GoodDeed\",\"text\":\"做了好事\",\"photoIds\":[\"0195f7a4-0000-7000-8000-000000000001\"]}", HttpStatusCode.BadRequest, "declaration.photo_invalid")]
    [InlineData("{\"category\":\"GoodDeed\",\"text\":\"   \"}", HttpStatusCode.BadRequest, "validation.failed")]
    public async Task Submit_BadInput_ReturnsProblem(string json, HttpStatusCode status, string code)
    {
        var client = await factory.ResidentAsync(31);

        var response = await client.PostAsync("/api/declarations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, status, code);
    }

    [Fact]
    public async Task Review_Approve_QueuesOneReviewResultForTheResident_InTheSameSave()
    {
        var (_, id) = await SubmitAsync(33);
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Approve", reason = "属实" });
        var again = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "Reject", reason = "重复审核" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "review.conflict");
        var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        var rows = await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == PointsApiFactory.DemoResidentId(33)).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(NotificationKind.ReviewResult, row.Kind);
        Assert.Equal(NotificationStatus.Pending, row.Status);
        Assert.Equal(OutboxResidentNotifier.DeclarationReviewKey(id, version), row.DedupeKey);
        var payload = JsonDocument.Parse(row.PayloadJson).RootElement;
        Assert.Equal("Approved", payload.GetProperty("decision").GetString());
        Assert.Equal("好人好事申报", payload.GetProperty("subject").GetString());
        Assert.Equal(10, payload.GetProperty("points").GetInt32());
    }

    [Fact]
    public async Task Review_NeedMoreInfo_QueuesOneReviewResultWithTheReason()
    {
        var (_, id) = await SubmitAsync(35);
        var staff = await factory.StaffAsync("staff-dongshan");

        var moreInfo = await staff.PostAsJsonAsync($"/api/declarations/{id}/review", new { decision = "NeedMoreInfo", reason = "请补充照片" });
        Assert.Equal(HttpStatusCode.OK, moreInfo.StatusCode);
        var rows = await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == PointsApiFactory.DemoResidentId(35)).ToListAsync());

        var only = Assert.Single(rows);
        Assert.Equal(NotificationKind.ReviewResult, only.Kind);
        Assert.Equal("NeedMoreInfo", JsonDocument.Parse(only.PayloadJson).RootElement.GetProperty("decision").GetString());
        Assert.Equal("请补充照片", JsonDocument.Parse(only.PayloadJson).RootElement.GetProperty("reason").GetString());
    }
}
