using Microsoft.EntityFrameworkCore;
using Npgsql;
using Points.Api.Tests.Activities;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Audit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Audit;

public sealed class AuditLogTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task StaffCreatesActivity_LeavesAddedRowWithActorRoleAndAfterValues()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var staffId = (await staff.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();

        var created = await staff.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var row = await factory.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Entity == "Activity" && a.EntityId == id.ToString()));
        Assert.Equal(staffId, row.ActorId);
        Assert.Equal("CommunityStaff", row.ActorRole);
        Assert.Equal(PointsApiFactory.DemoTownId, row.TownId);
        Assert.Equal(AuditAction.Added, row.Action);
        Assert.Equal(factory.Clock.GetUtcNow(), row.OccurredAt);
        Assert.Null(row.Before);
        Assert.Equal("护水巡河", JsonDocument.Parse(row.After!).RootElement.GetProperty("Title").GetString());
    }

    [Fact]
    public async Task MerchantRedeems_LeavesRedemptionRowInSameBatch_ResidentPaycodeLeavesNone()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var merchantUserId = (await merchant.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();
        var code = await PaycodeAsync(resident);

        var response = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 30, note = "买米" }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var redemptionId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var row = await factory.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Entity == "Redemption" && a.EntityId == redemptionId.ToString()));
        Assert.Equal(merchantUserId, row.ActorId);
        Assert.Equal("Merchant", row.ActorRole);
        var after = JsonDocument.Parse(row.After!).RootElement;
        Assert.Equal(30, after.GetProperty("Points").GetInt64());
        Assert.Equal(residentId, after.GetProperty("ResidentId").GetGuid());
        Assert.Equal(0, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.ActorId == residentId)));
        Assert.Equal(0, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "Paycode" && a.ActorRole == "Resident")));
    }

    [Fact]
    public async Task ListAudit_TownStaffSeeTheirTownFiltered_CommunityStaffRefused()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var created = await staff.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var town = await factory.StaffAsync("town-staff");

        var page = await town.GetFromJsonAsync<JsonElement>($"/api/audit?entity={id}");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("Activity", item.GetProperty("entity").GetString());
        Assert.Equal("Added", item.GetProperty("action").GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("actorName").GetString()));
        var byType = await town.GetFromJsonAsync<JsonElement>("/api/audit?entity=Activity");
        Assert.True(byType.GetProperty("total").GetInt32() >= 1);
        var future = Uri.EscapeDataString(factory.Clock.GetUtcNow().AddDays(1).ToString("O"));
        var empty = await town.GetFromJsonAsync<JsonElement>($"/api/audit?entity={id}&from={future}");
        Assert.Equal(0, empty.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/audit")).StatusCode);
        await ProblemAssert.IsProblemAsync(await town.GetAsync("/api/audit?page=0"), HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task StaffPublishes_GuardedUpdateLeavesModifiedRow()
    {
        var id = await ActivityTestKit.PublishedAsync(factory);

        var rows = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Entity == "Activity" && a.EntityId == id.ToString()).ToListAsync());

        var published = Assert.Single(rows, r => r.Action == AuditAction.Modified);
        Assert.Equal("Published", JsonDocument.Parse(published.After!).RootElement.GetProperty("Status").GetString());
        Assert.Equal("Draft", JsonDocument.Parse(published.Before!).RootElement.GetProperty("Status").GetString());
    }

    [Fact]
    public void Routes_NoneWritesTheAuditLog()
    {
        var audit = AuthorizationMatrixTests.RoutesOf(factory.Services).Where(r => r.Template.StartsWith("/api/audit", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(audit);
        Assert.All(audit, r => Assert.Equal("GET", r.Method));
    }

    [Theory]
    [InlineData("UPDATE audit_entries SET reason = 'rewritten'")]
    [InlineData("DELETE FROM audit_entries")]
    [InlineData("TRUNCATE audit_entries")]
    public async Task DirectSql_UpdateDeleteTruncate_RefusedByTrigger(string sql)
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/activities", ActivityTestKit.Body(factory))).StatusCode);
        var before = await factory.WithDbAsync(db => db.AuditEntries.CountAsync());

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await factory.WithDbAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(0, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Reason == "rewritten")));
    }

    [Fact]
    public async Task TownStaffVoidsACouponTemplate_GuardedUpdateLeavesModifiedRow()
    {
        var id = await Coupons.CouponTestKit.TemplateIdAsync(factory, Coupons.CouponTestKit.Template(factory));
        var town = await factory.StaffAsync("town-staff");

        Assert.Equal(HttpStatusCode.OK, (await town.PostAsync($"/api/coupon-templates/{id}/void", null)).StatusCode);

        var row = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Entity == "CouponTemplate" && a.EntityId == id.ToString() && a.Action == AuditAction.Modified));
        Assert.Equal("TownStaff", row.ActorRole);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(row.After!).RootElement.GetProperty("VoidedAt").ValueKind);
    }

    [Fact]
    public async Task StaffCancelsAMarketOrder_GuardedUpdatesLeaveModifiedRow()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8)));
        var staff = await factory.StaffAsync("staff-dongshan");
        var item = await staff.PostAsJsonAsync("/api/market/items", new { name = "审计礼品" + Guid.NewGuid().ToString("N")[..4], price = 10, stock = 2 });
        Assert.Equal(HttpStatusCode.Created, item.StatusCode);
        var itemId = (await item.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (resident, _) = await FreshResidentAsync(factory, 50);
        var order = await resident.SendAsync(Post("/api/market/orders", new { itemId }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        var orderId = (await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/market/orders/{orderId}/cancel", null)).StatusCode);

        var row = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Entity == "MarketOrder" && a.EntityId == orderId.ToString()));
        Assert.Equal("CommunityStaff", row.ActorRole);
        Assert.Equal("Cancelled", JsonDocument.Parse(row.After!).RootElement.GetProperty("Status").GetString());
        Assert.Equal("Placed", JsonDocument.Parse(row.Before!).RootElement.GetProperty("Status").GetString());
    }
}
