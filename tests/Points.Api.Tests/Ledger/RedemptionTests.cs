using System.Text;
using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Ledger;

public sealed class RedemptionTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly Guid MarketMerchantId = Points.Infrastructure.Seeding.DemoSeeder.StableId("merchant:market");

    [Fact]
    public async Task Redeem_SixteenParallelWhenTenAffordable_TenSucceedSixInsufficientBalanceZero()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var codes = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            codes.Add(await PaycodeAsync(resident));
        }

        var responses = await Task.WhenAll(codes.Select(code =>
            merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 10 }, Guid.NewGuid().ToString()))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "points.insufficient");
        }

        Assert.Equal(0, await BalanceAsync(factory, residentId));
        var unusedCodes = await factory.WithDbAsync(db => db.Paycodes.CountAsync(p => p.ResidentId == residentId && p.UsedAt == null));
        Assert.Equal(6, unusedCodes);
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task Redeem_SameKeyReplayedInParallel_ChargesOnceAndReturnsFirstReceipt()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 500);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);
        var key = "till-7:" + Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 30, note = "买米" }, key))));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("id").GetGuid()).Distinct());
        Assert.Equal(470, await BalanceAsync(factory, residentId));
        Assert.Equal(1, await factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.IdempotencyKey == $"redemption:{MarketMerchantId}:{key}")));
    }

    [Fact]
    public async Task Redeem_SamePaycodeUnderEightKeysInParallel_PaysOnceOthersUsedAndReceiptQueued()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 500);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 40 }, $"till-{i}:{Guid.NewGuid()}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "paycode.used");
        }

        Assert.Equal(460, await BalanceAsync(factory, residentId));
        var receipts = await factory.WithDbAsync(db => db.Notifications
            .Where(n => n.RecipientId == residentId && n.Kind == Points.Domain.Notifications.NotificationKind.RedemptionReceipt).ToListAsync());
        var receipt = Assert.Single(receipts);
        var payload = JsonDocument.Parse(receipt.PayloadJson).RootElement;
        Assert.Equal(40, payload.GetProperty("points").GetInt64());
        Assert.Equal(460, payload.GetProperty("balance").GetInt64());
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("merchantName").GetString()));
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task Paycode_ForResident_IsUniqueWithPngQrAndExpiresInSixtySeconds()
    {
        var resident = await factory.ResidentAsync(3);
        var merchant = await factory.StaffAsync("merchant-market");

        var first = await (await resident.PostAsync("/api/me/paycode", null)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await resident.PostAsync("/api/me/paycode", null)).Content.ReadFromJsonAsync<JsonElement>();
        var asMerchant = await merchant.PostAsync("/api/me/paycode", null);

        Assert.NotEqual(first.GetProperty("code").GetString(), second.GetProperty("code").GetString());
        Assert.Equal(factory.Clock.GetUtcNow().AddSeconds(60), first.GetProperty("expiresAt").GetDateTimeOffset());
        var png = Convert.FromBase64String(first.GetProperty("qrPng").GetString()!);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        await ProblemAssert.IsProblemAsync(asMerchant, HttpStatusCode.Forbidden, "auth.forbidden");
        var stored = await factory.WithDbAsync(db => db.Paycodes.CountAsync(p => p.CodeHash == Points.Infrastructure.Ledger.RedemptionService.Hash(first.GetProperty("code").GetString()!)));
        Assert.Equal(1, stored);
    }

    [Fact]
    public async Task Redeem_KeyInBodyOnly_IsAcceptedAndReplayed()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 50);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);
        var key = Guid.NewGuid().ToString();

        var first = await merchant.PostAsJsonAsync("/api/merchant/redemptions", new { paycode = code, points = 20, idempotencyKey = key });
        var second = await merchant.PostAsJsonAsync("/api/merchant/redemptions", new { paycode = code, points = 20, idempotencyKey = key });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(30, await BalanceAsync(factory, residentId));
    }

    [Fact]
    public async Task Redeem_SameKeyDifferentBody_Returns409IdempotencyConflict()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);
        var key = Guid.NewGuid().ToString();
        (await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 10 }, key))).EnsureSuccessStatusCode();

        var response = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 11 }, key));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "idempotency.conflict");
        Assert.Equal(90, await BalanceAsync(factory, residentId));
    }

    [Fact]
    public async Task Redeem_PaycodeUsedOrExpired_Returns409AndInsufficientDoesNotBurnCode()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 40);
        var merchant = await factory.StaffAsync("merchant-market");
        var code = await PaycodeAsync(resident);

        var tooMuch = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 41 }, Guid.NewGuid().ToString()));
        await ProblemAssert.IsProblemAsync(tooMuch, HttpStatusCode.Conflict, "points.insufficient");
        var ok = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 40 }, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var reused = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 1 }, Guid.NewGuid().ToString()));
        await ProblemAssert.IsProblemAsync(reused, HttpStatusCode.Conflict, "paycode.used");

        await CreditAsync(factory, residentId, 10);
        var stale = await PaycodeAsync(resident);
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        try
        {
            var expired = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = stale, points = 1 }, Guid.NewGuid().ToString()));
            await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.Conflict, "paycode.expired");
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromSeconds(61));
        }

        Assert.Equal(10, await BalanceAsync(factory, residentId));
    }

    [Fact]
    public async Task Redeem_ByResidentOrOtherTownMerchant_IsForbidden()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var code = await PaycodeAsync(resident);

        var asResident = await resident.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 10 }, "k1"));
        await ProblemAssert.IsProblemAsync(asResident, HttpStatusCode.Forbidden, "auth.forbidden");
        var otherTown = await OtherTownMerchantAsync(factory);
        var foreign = await otherTown.SendAsync(Post("/api/merchant/redemptions", new { paycode = code, points = 10 }, "k2"));
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.Forbidden, "paycode.other_town");

        Assert.Equal(100, await BalanceAsync(factory, residentId));
    }

    public static TheoryData<string, object, string?, int, string> BadInputs => new()
    {
        { "missing key", new { paycode = "PCx", points = 10 }, null, 400, "idempotency.key_required" },
        { "key with spaces", new { paycode = "PCx", points = 10 }, "a b", 400, "idempotency.key_invalid" },
        { "key too long", new { paycode = "PCx", points = 10 }, new string('k', 129), 400, "idempotency.key_invalid" },
        { "zero points", new { paycode = "PCx", points = 0 }, "k", 400, "validation.failed" },
        { "negative points", new { paycode = "PCx", points = -5 }, "k", 400, "validation.failed" },
        { "fractional points", new { paycode = "PCx", points = 1.5 }, "k", 400, "request.malformed" },
        { "missing paycode", new { points = 10 }, "k", 400, "validation.failed" },
        { "unknown paycode", new { paycode = "PCnope", points = 10 }, "k", 404, "paycode.invalid" },
        { "header and body keys differ", new { paycode = "PCx", points = 10, idempotencyKey = "other" }, "k", 400, "idempotency.key_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Redeem_BadInput_ReturnsProblem(string because, object body, string? key, int status, string code)
    {
        var merchant = await factory.StaffAsync("merchant-market");

        var response = await merchant.SendAsync(Post("/api/merchant/redemptions", body, key));

        Assert.False(string.IsNullOrEmpty(because));
        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Refund_WithinWindowOnce_ReturnsPointsAndSecondIs409()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var created = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 60 }, Guid.NewGuid().ToString()));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var refund = await merchant.PostAsync($"/api/merchant/redemptions/{id}/refund", null);
        var again = await merchant.PostAsync($"/api/merchant/redemptions/{id}/refund", null);

        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "redemption.already_refunded");
        Assert.Equal(100, await BalanceAsync(factory, residentId));
        var reasons = await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.SourceId == id.ToString()).Select(e => e.Reason).ToListAsync());
        Assert.Equal([TransferReason.Redemption, TransferReason.RedemptionRefund], reasons.Order());
    }

    [Fact]
    public async Task Refund_AfterWindowOrByOtherMerchant_IsRefused()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        var created = await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 60 }, Guid.NewGuid().ToString()));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var barber = await factory.StaffAsync("merchant-barber");

        var notMine = await barber.PostAsync($"/api/merchant/redemptions/{id}/refund", null);
        await ProblemAssert.IsProblemAsync(notMine, HttpStatusCode.NotFound, "redemption.not_found");
        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        try
        {
            var late = await (await factory.StaffAsync("merchant-market")).PostAsync($"/api/merchant/redemptions/{id}/refund", null);
            await ProblemAssert.IsProblemAsync(late, HttpStatusCode.Conflict, "redemption.refund_window_closed");
        }
        finally
        {
            factory.Clock.Rewind(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(40, await BalanceAsync(factory, residentId));
    }

    [Fact]
    public async Task Statement_ForMonth_SumsPointsInFenAndCsvHasBom()
    {
        var (resident, _) = await FreshResidentAsync(factory, 1000);
        var barber = await factory.StaffAsync("merchant-barber");
        (await barber.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 125 }, Guid.NewGuid().ToString()))).EnsureSuccessStatusCode();
        (await barber.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 50 }, Guid.NewGuid().ToString()))).EnsureSuccessStatusCode();

        var statement = await barber.GetFromJsonAsync<JsonElement>("/api/merchant/statements/2026-11");
        var csv = await barber.GetAsync("/api/merchant/statements/2026-11?format=csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        var bad = await barber.GetAsync("/api/merchant/statements/2026-13");

        Assert.Equal(175, statement.GetProperty("netPoints").GetInt64());
        Assert.Equal(350, statement.GetProperty("netFen").GetInt64());
        Assert.Equal("2026-11-23", statement.GetProperty("days")[0].GetProperty("day").GetString());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("日期,", text);
        Assert.Contains("合计,2,175,0,175,3.50", text);
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task MyPoints_PagesByCursor_WithSignFromResidentView()
    {
        var (resident, residentId) = await FreshResidentAsync(factory, 100);
        var merchant = await factory.StaffAsync("merchant-market");
        for (var i = 0; i < 3; i++)
        {
            (await merchant.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 5 }, Guid.NewGuid().ToString()))).EnsureSuccessStatusCode();
            factory.Clock.Advance(TimeSpan.FromMilliseconds(3));
        }

        var first = await resident.GetFromJsonAsync<JsonElement>("/api/me/points?pageSize=2");
        var second = await resident.GetFromJsonAsync<JsonElement>($"/api/me/points?pageSize=2&cursor={first.GetProperty("next").GetString()}");
        var badCursor = await resident.GetAsync("/api/me/points?cursor=%%%");

        Assert.Equal(85, first.GetProperty("balance").GetInt64());
        Assert.Equal(0, first.GetProperty("pending").GetInt64());
        var all = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray()).ToList();
        Assert.Equal([-5, -5, -5, 100], all.Select(e => e.GetProperty("points").GetInt64()));
        Assert.Equal("Redemption", all[0].GetProperty("reason").GetString());
        Assert.EndsWith("+08:00", all[0].GetProperty("at").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(4, all.Select(e => e.GetProperty("id").GetGuid()).Distinct().Count());
        await ProblemAssert.IsProblemAsync(badCursor, HttpStatusCode.BadRequest, "validation.failed");
        _ = residentId;
    }
}
