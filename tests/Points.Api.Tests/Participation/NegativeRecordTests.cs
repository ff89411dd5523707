using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Notifications;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;

namespace Points.Api.Tests.Participation;

public sealed class NegativeRecordTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Record_ResidentSeesExplainsAppeals_StaffRevokes()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var evidence = await TestImages.UploadAsync(staff, TestImages.Jpeg());
        var residentId = PointsApiFactory.DemoResidentId(45);

        var created = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", new
        {
            kind = "Violation", description = "占道堆放杂物，经劝导未整改", severity = 2,
            occurredAt = factory.Clock.GetUtcNow().AddDays(-2), evidenceIds = new[] { evidence },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var record = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = record.GetProperty("id").GetGuid();
        var resident = await factory.ResidentAsync(45);
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/negative-records");
        var evidenceImage = await resident.GetAsync($"/api/uploads/{evidence}");
        var explain = await resident.PostAsJsonAsync($"/api/negative-records/{id}/explanation", new { text = "当时在搬家，已清理" });
        var appeal = await resident.PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "已整改，请求撤销" });
        var appealTwice = await resident.PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "再次申诉" });
        var ownAppeal = await staff.PostAsJsonAsync($"/api/negative-records/{id}/appeal-decision", new { uphold = true, note = "维持" });
        var decide = await (await factory.StaffAsync("town-staff")).PostAsJsonAsync($"/api/negative-records/{id}/appeal-decision", new { uphold = false, note = "核实已整改" });

        Assert.True(record.GetProperty("counting").GetBoolean());
        Assert.Equal(factory.Clock.GetUtcNow().AddDays(-2).AddYears(3), record.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Single(mine.EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.OK, evidenceImage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, explain.StatusCode);
        Assert.Equal("Appealed", (await appeal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(appealTwice, HttpStatusCode.Conflict, "negative_record.not_appealable");
        await ProblemAssert.IsProblemAsync(ownAppeal, HttpStatusCode.Conflict, "negative_record.recorder_cannot_decide");
        var decided = await decide.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Revoked", decided.GetProperty("status").GetString());
        Assert.False(decided.GetProperty("counting").GetBoolean());
        var row = await factory.WithDbAsync(db => db.NegativeRecords.SingleAsync(r => r.Id == id));
        Assert.Equal(NegativeRecordStatus.Revoked, row.Status);
        Assert.NotNull(row.RevokedAt);
        Assert.Equal("当时在搬家，已清理", row.Explanation);
        Assert.Equal(["Recorded", "Explained", "Appealed", "AppealAccepted"],
            decided.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("action").GetString()).ToList());
    }

    [Fact]
    public async Task Record_AfterExpiry_StopsCounting()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var residentId = PointsApiFactory.DemoResidentId(47);
        var occurred = factory.Clock.GetUtcNow().AddDays(-10);
        var created = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", new
        {
            kind = "UnresolvedDispute", description = "邻里纠纷调解未果", severity = 1, occurredAt = occurred, expiresAt = occurred.AddDays(30),
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var resident = await factory.ResidentAsync(47);
        var before = await resident.GetFromJsonAsync<JsonElement>($"/api/negative-records/{id}");

        factory.Clock.Advance(TimeSpan.FromDays(21));
        resident = await factory.ResidentAsync(47);
        var after = await resident.GetFromJsonAsync<JsonElement>($"/api/negative-records/{id}");
        var appeal = await resident.PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "申诉" });
        factory.Clock.Rewind(TimeSpan.FromDays(21));

        Assert.True(before.GetProperty("counting").GetBoolean());
        Assert.False(after.GetProperty("counting").GetBoolean());
        Assert.Equal("Active", after.GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(appeal, HttpStatusCode.Conflict, "negative_record.expired");
    }

    [Fact]
    public async Task Access_OtherResident404_OtherCommunityStaff403()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var created = await staff.PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(49)}/negative-records", new
        {
            kind = "Violation", description = "违规焚烧秸秆", severity = 3, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var other = await (await factory.ResidentAsync(1)).GetAsync($"/api/negative-records/{id}");
        var otherAppeal = await (await factory.ResidentAsync(1)).PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "x" });
        var xihu = await factory.StaffAsync("staff-xihu");
        var xihuGet = await xihu.GetAsync($"/api/negative-records/{id}");
        var xihuCreate = await xihu.PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(49)}/negative-records", new
        {
            kind = "Violation", description = "x", severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        var residentCreate = await (await factory.ResidentAsync(1)).PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(49)}/negative-records", new { });

        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.NotFound, "negative_record.not_found");
        await ProblemAssert.IsProblemAsync(otherAppeal, HttpStatusCode.NotFound, "negative_record.not_found");
        await ProblemAssert.IsProblemAsync(xihuGet, HttpStatusCode.Forbidden, "negative_record.out_of_scope");
        await ProblemAssert.IsProblemAsync(xihuCreate, HttpStatusCode.Forbidden, "negative_record.out_of_scope");
        Assert.Equal(HttpStatusCode.Forbidden, residentCreate.StatusCode);
    }

    public static TheoryData<string, string> BadRecords => new()
    {
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":4,\"occurredAt\":\"2026-11-01T00:00:00+08:00\"}", "validation.failed" },
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":0,\"occurredAt\":\"2026-11-01T00:00:00+08:00\"}", "validation.failed" },
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":1,\"occurredAt\":\"2026-11-01T00:00:00+08:00\",\"expiresAt\":\"2031-11-02T00:00:00+08:00\"}", "negative_record.expiry_invalid" },
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":1,\"occurredAt\":\"2026-11-01T00:00:00+08:00\",\"expiresAt\":\"2026-10-01T00:00:00+08:00\"}", "negative_record.expiry_invalid" },
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":1,\"occurredAt\":\"2027-01-01T00:00:00+08:00\"}", "negative_record.occurred_in_future" },
        { "{\"kind\":\"Violation\",\"description\":\"d\",\"severity\":1,\"occurredAt\":\"2026-11-01T00:00:00+08:00\",\"evidenceIds\":[\"0195f7a4-0000-7000-8000-000000000001\"]}", "negative_record.evidence_invalid" },
        { "{\"description\":\"d\",\"severity\":1,\"occurredAt\":\"2026-11-01T00:00:00+08:00\"}", "validation.failed" },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task Record_BadInput_Returns400WithCode(string json, string code)
    {
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.PostAsync($"/api/residents/{PointsApiFactory.DemoResidentId(3)}/negative-records", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Record_New_QueuesOneNegativeRecordNotification_WithoutTheDescription()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var residentId = PointsApiFactory.DemoResidentId(41);

        var created = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", new
        {
            kind = "UnresolvedDispute", description = "邻里宅基地纠纷，多次调解未果", severity = 1,
            occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var rows = await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == residentId).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(NotificationKind.NegativeRecord, row.Kind);
        Assert.Equal(NotificationStatus.Pending, row.Status);
        Assert.Equal(OutboxResidentNotifier.NegativeRecordKey(id), row.DedupeKey);
        Assert.Equal("未化解纠纷记录", JsonDocument.Parse(row.PayloadJson).RootElement.GetProperty("subject").GetString());
        Assert.DoesNotContain("宅基地", row.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppealDecision_QueuesOneReviewResult_AfterTheRecordNotification()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var residentId = PointsApiFactory.DemoResidentId(43);
        var created = await staff.PostAsJsonAsync($"/api/residents/{residentId}/negative-records", new
        {
            kind = "Violation", description = "违规焚烧秸秆", severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var resident = await factory.ResidentAsync(43);
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsJsonAsync($"/api/negative-records/{id}/appeal", new { text = "已整改" })).StatusCode);

        var decide = await (await factory.StaffAsync("town-staff")).PostAsJsonAsync($"/api/negative-records/{id}/appeal-decision", new { uphold = true, note = "证据属实" });

        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);
        var rows = await factory.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == residentId).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync());
        Assert.Equal([NotificationKind.NegativeRecord, NotificationKind.ReviewResult], rows.Select(r => r.Kind).ToList());
        Assert.Equal(OutboxResidentNotifier.AppealKey(id), rows[1].DedupeKey);
        Assert.Equal("维持原记录", JsonDocument.Parse(rows[1].PayloadJson).RootElement.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Revoke_WithoutNote_Returns400_AndKeepsTheRecord()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var created = await staff.PostAsJsonAsync($"/api/residents/{PointsApiFactory.DemoResidentId(37)}/negative-records", new
        {
            kind = "Violation", description = "违规停车占用消防通道", severity = 1, occurredAt = factory.Clock.GetUtcNow().AddDays(-1),
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var noNote = await staff.PostAsJsonAsync($"/api/negative-records/{id}/revoke", new { });
        var blank = await staff.PostAsJsonAsync($"/api/negative-records/{id}/revoke", new { note = "   " });
        var withNote = await staff.PostAsJsonAsync($"/api/negative-records/{id}/revoke", new { note = "核实有误" });

        var problem = await ProblemAssert.IsProblemAsync(noNote, HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("note", out _));
        await ProblemAssert.IsProblemAsync(blank, HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(HttpStatusCode.OK, withNote.StatusCode);
        var row = await factory.WithDbAsync(db => db.NegativeRecords.SingleAsync(r => r.Id == id));
        Assert.Equal("核实有误", row.DecisionNote);
    }
}
