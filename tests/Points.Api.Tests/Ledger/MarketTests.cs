using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Participation;
using Points.Domain.Market;
using Points.Domain.Participation;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

public sealed class MarketTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset MarketDay = new(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8));

    private async Task<Guid> NewItemAsync(int price, int stock)
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var response = await staff.PostAsJsonAsync("/api/market/items", new { name = "测试礼品" + Guid.NewGuid().ToString("N")[..4], price, stock });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Theory]
    [InlineData("2026-11-24T23:59:59+08:00", false)]
    [InlineData("2026-11-25T00:00:00+08:00", true)]
    [InlineData("2026-11-25T23:59:59+08:00", true)]
    [InlineData("2026-11-26T00:00:00+08:00", false)]
    [InlineData("2026-11-24T16:00:00+00:00", true)]
    public async Task PlaceOrder_AtShanghaiMidnightEdges_OnlyOnMarketDay(string at, bool open)
    {
        factory.Clock.Set(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));
        var item = await NewItemAsync(10, 5);
        var (resident, residentId) = await FreshResidentAsync(factory, 100);

        var response = await resident.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 1 }, Guid.NewGuid().ToString()));

        if (open)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(90, await BalanceAsync(factory, residentId));
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "market.closed");
            Assert.Equal(100, await BalanceAsync(factory, residentId));
        }
    }

    [Fact]
    public async Task PlaceOrder_ThirtyParallelForFiveInStock_NeverOversells()
    {
        factory.Clock.Set(MarketDay);
        var item = await NewItemAsync(10, 5);
        var buyers = new List<(HttpClient Client, Guid Id)>();
        for (var i = 0; i < 30; i++)
        {
            buyers.Add(await FreshResidentAsync(factory, 100));
        }

        var responses = await Task.WhenAll(buyers.Select(b =>
            b.Client.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 1 }, "order-1"))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "market.out_of_stock");
        }

        Assert.Equal(0, await factory.WithDbAsync(db => db.MarketItems.Where(i => i.Id == item).Select(i => i.Stock).FirstAsync()));
        Assert.Equal(5, await factory.WithDbAsync(db => db.MarketOrders.CountAsync(o => o.ItemId == item)));
        var balances = await Task.WhenAll(buyers.Select(b => BalanceAsync(factory, b.Id)));
        Assert.Equal(5, balances.Count(b => b == 90));
        Assert.Equal(25, balances.Count(b => b == 100));
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task PlaceOrder_ReplayAndConflict_FollowIdempotencyRules()
    {
        factory.Clock.Set(MarketDay);
        var item = await NewItemAsync(20, 10);
        var (resident, residentId) = await FreshResidentAsync(factory, 100);

        var first = await resident.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 2 }, "o-1"));
        var replay = await resident.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 2 }, "o-1"));
        var conflict = await resident.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 3 }, "o-1"));
        var noKey = await resident.SendAsync(Post("/api/market/orders", new { itemId = item, quantity = 1 }, null));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict, "idempotency.conflict");
        await ProblemAssert.IsProblemAsync(noKey, HttpStatusCode.BadRequest, "idempotency.key_required");
        Assert.Equal(60, await BalanceAsync(factory, residentId));
        Assert.Equal(8, await factory.WithDbAsync(db => db.MarketItems.Where(i => i.Id == item).Select(i => i.Stock).FirstAsync()));
    }

    [Fact]
    public async Task CancelAndPickUp_UnpickedOrderReturnsPointsAndStock_PickedOrderCannotBeCancelled()
    {
        factory.Clock.Set(MarketDay);
        var item = await NewItemAsync(30, 3);
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var staff = await factory.StaffAsync("staff-dongshan");
        var otherStaff = await factory.StaffAsync("staff-xihu");
        var a = await (await resident.SendAsync(Post("/api/market/orders", new { itemId = item }, "a"))).Content.ReadFromJsonAsync<JsonElement>();
        var b = await (await resident.SendAsync(Post("/api/market/orders", new { itemId = item }, "b"))).Content.ReadFromJsonAsync<JsonElement>();
        var aId = a.GetProperty("id").GetGuid();
        var bId = b.GetProperty("id").GetGuid();

        var cancelled = await resident.PostAsync($"/api/market/orders/{aId}/cancel", null);
        var again = await staff.PostAsync($"/api/market/orders/{aId}/cancel", null);
        var wrongCode = await staff.PostAsJsonAsync($"/api/market/orders/{bId}/pickup", new { pickupCode = "x" });
        var outOfScope = await otherStaff.PostAsJsonAsync($"/api/market/orders/{bId}/pickup", new { pickupCode = b.GetProperty("pickupCode").GetString() });
        var picked = await staff.PostAsJsonAsync($"/api/market/orders/{bId}/pickup", new { pickupCode = b.GetProperty("pickupCode").GetString() });
        var cancelPicked = await staff.PostAsync($"/api/market/orders/{bId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "market.order_not_open");
        await ProblemAssert.IsProblemAsync(wrongCode, HttpStatusCode.Conflict, "market.pickup_code_mismatch");
        await ProblemAssert.IsProblemAsync(outOfScope, HttpStatusCode.Forbidden, "market.out_of_scope");
        Assert.Equal(HttpStatusCode.OK, picked.StatusCode);
        await ProblemAssert.IsProblemAsync(cancelPicked, HttpStatusCode.Conflict, "market.order_not_open");
        Assert.Equal(70, await BalanceAsync(factory, residentId));
        Assert.Equal(2, await factory.WithDbAsync(db => db.MarketItems.Where(i => i.Id == item).Select(i => i.Stock).FirstAsync()));
        Assert.Equal(MarketOrderStatus.PickedUp, await factory.WithDbAsync(db => db.MarketOrders.Where(o => o.Id == bId).Select(o => o.Status).FirstAsync()));
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task PickupByCode_StaffNeverSeeCodes_CodeUsedTwiceRefused()
    {
        factory.Clock.Set(MarketDay);
        var item = await NewItemAsync(10, 5);
        var (resident, _) = await FreshResidentAsync(factory, 100);
        var staff = await factory.StaffAsync("staff-dongshan");
        var placed = await (await resident.SendAsync(Post("/api/market/orders", new { itemId = item }, "pickup-1"))).Content.ReadFromJsonAsync<JsonElement>();
        var orderId = placed.GetProperty("id").GetGuid();
        var code = placed.GetProperty("pickupCode").GetString()!;

        var list = await staff.GetFromJsonAsync<JsonElement>("/api/market/orders");
        var wrong = await staff.PostAsJsonAsync("/api/market/orders/pickup", new { pickupCode = code == "000000" ? "000001" : "000000" });
        var xihu = await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync("/api/market/orders/pickup", new { pickupCode = code });
        var desks = await Task.WhenAll(
            staff.PostAsJsonAsync("/api/market/orders/pickup", new { pickupCode = code }),
            (await factory.StaffAsync("town-staff")).PostAsJsonAsync("/api/market/orders/pickup", new { pickupCode = code }));
        var again = await staff.PostAsJsonAsync("/api/market/orders/pickup", new { pickupCode = code });
        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/market/orders/mine");

        var listed = Assert.Single(list.EnumerateArray(), o => o.GetProperty("id").GetGuid() == orderId);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("pickupCode").ValueKind);
        Assert.DoesNotContain(code, list.GetRawText());
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.NotFound, "market.pickup_code_unknown");
        await ProblemAssert.IsProblemAsync(xihu, HttpStatusCode.NotFound, "market.pickup_code_unknown");
        var winner = Assert.Single(desks, r => r.StatusCode == HttpStatusCode.OK);
        var body = await winner.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(orderId, body.GetProperty("id").GetGuid());
        Assert.Equal("PickedUp", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("pickupCode").ValueKind);
        await ProblemAssert.IsProblemAsync(Assert.Single(desks, r => r.StatusCode != HttpStatusCode.OK), HttpStatusCode.Conflict, "market.pickup_code_used");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "market.pickup_code_used");
        Assert.Equal(code, Assert.Single(mine.EnumerateArray(), o => o.GetProperty("id").GetGuid() == orderId).GetProperty("pickupCode").GetString());
        Assert.Equal(MarketOrderStatus.PickedUp, await factory.WithDbAsync(db => db.MarketOrders.Where(o => o.Id == orderId).Select(o => o.Status).FirstAsync()));
    }

    [Fact]
    public async Task Items_ListedPerCommunity_AndStaffOfOtherCommunityCannotEdit()
    {
        var resident = await factory.ResidentAsync(1);
        var xihuStaff = await factory.StaffAsync("staff-xihu");
        var items = await resident.GetFromJsonAsync<JsonElement>("/api/market/items");
        var xihuItems = await resident.GetFromJsonAsync<JsonElement>($"/api/market/items?community={PointsApiFactory.XihuId}");
        var item = items[0].GetProperty("id").GetGuid();

        var edit = await xihuStaff.PatchAsJsonAsync($"/api/market/items/{item}", new { stock = 1 });
        var create = await xihuStaff.PostAsJsonAsync("/api/market/items", new { communityId = PointsApiFactory.DongshanId, name = "x", price = 1, stock = 1 });
        var badPrice = await xihuStaff.PostAsJsonAsync("/api/market/items", new { name = "x", price = 0, stock = 1 });

        Assert.True(items.GetArrayLength() >= 4);
        Assert.All(items.EnumerateArray(), i => Assert.Equal(PointsApiFactory.DongshanId, i.GetProperty("communityId").GetGuid()));
        Assert.All(xihuItems.EnumerateArray(), i => Assert.Equal(PointsApiFactory.XihuId, i.GetProperty("communityId").GetGuid()));
        await ProblemAssert.IsProblemAsync(edit, HttpStatusCode.Forbidden, "market.out_of_scope");
        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Forbidden, "market.out_of_scope");
        await ProblemAssert.IsProblemAsync(badPrice, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task ItemPhoto_SetByStaff_ShownToResidents_AndForeignOrHiddenPhotosRefused()
    {
        var staff = await factory.StaffAsync("staff-dongshan");
        var photo = await TestImages.UploadAsync(staff, TestImages.Jpeg());
        var foreign = Guid.CreateVersion7();
        var hidden = await TestImages.UploadAsync(staff, TestImages.Jpeg());
        var staffId = (await staff.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid();
        await factory.WithDbAsync(async db =>
        {
            // a photo of another town's (its town id is not the demo town's)
            db.Uploads.Add(new Upload(foreign, staffId, Guid.NewGuid(), null, ImageFormat.Jpeg, 10, "elsewhere/x.jpg", new string('0', 64), factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
            await db.Uploads.Where(u => u.Id == hidden).ExecuteUpdateAsync(s => s.SetProperty(u => u.Moderation, ModerationStatus.Risky));
        });
        var resident = await factory.ResidentAsync(3);
        var before = await resident.GetAsync($"/api/uploads/{photo}");

        var created = await staff.PostAsJsonAsync("/api/market/items", new { name = "带图礼品" + Guid.NewGuid().ToString("N")[..4], price = 30, stock = 2, photoId = photo });
        var item = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = item.GetProperty("id").GetGuid();
        var listed = (await resident.GetFromJsonAsync<JsonElement>($"/api/market/items?community={PointsApiFactory.DongshanId}")).EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        var shown = await resident.GetAsync($"/api/uploads/{photo}");
        var otherTown = await staff.PatchAsJsonAsync($"/api/market/items/{id}", new { photoId = foreign });
        var riskyOne = await staff.PostAsJsonAsync("/api/market/items", new { name = "违规图", price = 30, stock = 2, photoId = hidden });
        var missing = await staff.PatchAsJsonAsync($"/api/market/items/{id}", new { photoId = Guid.NewGuid() });
        var removed = await staff.PatchAsJsonAsync($"/api/market/items/{id}", new { removePhoto = true });

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(photo, item.GetProperty("photoId").GetGuid());
        Assert.Equal(photo, listed.GetProperty("photoId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("image/jpeg", shown.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.IsProblemAsync(otherTown, HttpStatusCode.BadRequest, "market.photo_invalid");
        await ProblemAssert.IsProblemAsync(riskyOne, HttpStatusCode.BadRequest, "market.photo_invalid");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, "market.photo_invalid");
        Assert.Equal(JsonValueKind.Null, (await removed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("photoId").ValueKind);
        Assert.Equal(0, await factory.WithDbAsync(db => db.MarketItems.CountAsync(i => i.Name == "违规图")));
        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync($"/api/uploads/{photo}")).StatusCode);
    }
}
