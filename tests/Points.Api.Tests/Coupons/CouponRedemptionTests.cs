using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.Ledger;
using Points.Domain.Ledger;
using static Points.Api.Tests.Coupons.CouponTestKit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Coupons;

/// <summary>A merchant takes a coupon: once only (also under concurrent clicks), at a designated merchant, within validity, points through the ledger.</summary>
public sealed class CouponRedemptionTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset November = new(2026, 11, 3, 10, 0, 0, Shanghai);

    /// <summary>A fresh resident with <paramref name="balance"/> points and a coupon of a new template (issued by the run).</summary>
    private async Task<(Guid Resident, Guid Template, string Code)> CouponAsync(long balance, Dictionary<string, object?> template)
    {
        var (_, resident, id, code) = await CouponForAsync(await FreshResidentAsync(factory, balance), template);
        return (resident, id, code);
    }

    private async Task<(HttpClient Client, Guid Resident, Guid Template, string Code)> CouponForAsync((HttpClient Client, Guid Id) fresh, Dictionary<string, object?> template)
    {
        var resident = fresh.Id;
        var id = await TemplateIdAsync(factory, template);
        await IssueAsync(factory);
        var code = await CodeAsync(factory, id, resident);
        Assert.NotNull(code);
        return (fresh.Client, resident, id, code);
    }

    private static HttpRequestMessage Redeem(string code, long orderAmountFen, string? key) =>
        Post("/api/merchant/coupon-redemptions", new { couponCode = code, orderAmountFen }, key);

    [Fact]
    public async Task Redeem_AtDesignatedMerchant_DiscountsDebitsPointsCostThroughLedgerAndReplays()
    {
        factory.Clock.Set(November);
        var (client, resident, template, code) = await CouponForAsync(await FreshResidentAsync(factory, 100), Template(factory, percentOff: 20, pointsCost: 30));
        var merchant = await factory.StaffAsync("merchant-market");
        var key = Guid.NewGuid().ToString();

        var first = await merchant.SendAsync(Redeem(code.ToLowerInvariant(), 3333, key));
        var replay = await merchant.SendAsync(Redeem(code, 3333, key));
        var changed = await merchant.SendAsync(Redeem(code, 3334, key));
        var second = await merchant.SendAsync(Redeem(code, 3333, Guid.NewGuid().ToString()));

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(666, body.GetProperty("discountFen").GetInt64());
        Assert.Equal(3333 - 666, body.GetProperty("payableFen").GetInt64());
        Assert.Equal(30, body.GetProperty("pointsCost").GetInt32());
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(body.GetProperty("id").GetGuid(), (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        await ProblemAssert.IsProblemAsync(changed, HttpStatusCode.Conflict, "idempotency.conflict");
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "coupon.used");
        Assert.Equal(70, await BalanceAsync(factory, resident));
        var entry = await factory.WithDbAsync(db => db.JournalEntries.SingleAsync(e => e.Id == body.GetProperty("journalEntryId").GetGuid()));
        Assert.Equal(TransferReason.CouponRedemption, entry.Reason);
        Assert.Equal(30, entry.Points);
        var coupon = await factory.WithDbAsync(db => db.Coupons.SingleAsync(c => c.Code == code));
        Assert.Equal((factory.Clock.GetUtcNow(), MarketId), (coupon.UsedAt!.Value, coupon.UsedAtMerchantId!.Value));
        Assert.Equal(1, await factory.WithDbAsync(db => db.CouponRedemptions.CountAsync(r => r.TemplateId == template)));
        var mine = await client.GetFromJsonAsync<JsonElement>("/api/me/coupons");
        Assert.Equal("Used", mine.EnumerateArray().Single(c => c.GetProperty("code").GetString() == code).GetProperty("status").GetString());
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task Redeem_EightMerchantsClicksWithDifferentKeysAtOnce_UsedOnceOthersRefused()
    {
        factory.Clock.Set(November);
        var (resident, template, code) = await CouponAsync(100, Template(factory, discountFen: 500, pointsCost: 10));
        var merchant = await factory.StaffAsync("merchant-market");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => merchant.SendAsync(Redeem(code, 2000, $"till-{i}:{Guid.NewGuid()}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "coupon.used");
        }

        Assert.Equal(90, await BalanceAsync(factory, resident));
        Assert.Equal(1, await factory.WithDbAsync(db => db.CouponRedemptions.CountAsync(r => r.TemplateId == template)));
        Assert.Equal(1, await factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.Reason == TransferReason.CouponRedemption && e.SourceId != null && e.DebitAccountId ==
            db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == resident).Select(a => a.Id).First())));
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task Redeem_SameKeyEightTimesAtOnce_OneRedemptionSameAnswer()
    {
        factory.Clock.Set(November);
        var (resident, _, code) = await CouponAsync(0, Template(factory, discountFen: 300));
        var merchant = await factory.StaffAsync("merchant-market");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => merchant.SendAsync(Redeem(code, 1000, key))));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(ids.Distinct());
        Assert.Equal(0, await BalanceAsync(factory, resident));
    }

    [Fact]
    public async Task Redeem_WrongMerchantOtherTownVoidedInvalidOrBadAmount_RefusedWithCodeAndCouponStaysUnused()
    {
        factory.Clock.Set(November);
        var (_, template, code) = await CouponAsync(0, Template(factory, merchants: [MarketId]));
        var barber = await factory.StaffAsync("merchant-barber");
        var market = await factory.StaffAsync("merchant-market");
        var other = await OtherTownMerchantAsync(factory);

        var wrong = await barber.SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));
        var otherTown = await other.SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));
        var invalid = await market.SendAsync(Redeem("ZZZZZZZZZZZZ", 1000, Guid.NewGuid().ToString()));
        var zero = await market.SendAsync(Redeem(code, 0, Guid.NewGuid().ToString()));
        var noKey = await market.SendAsync(Redeem(code, 1000, null));
        var asResident = await (await factory.ResidentAsync(2)).SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.OK, (await (await factory.StaffAsync("town-staff")).PostAsync($"/api/coupon-templates/{template}/void", null)).StatusCode);
        var voided = await market.SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));

        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Conflict, "coupon.wrong_merchant");
        await ProblemAssert.IsProblemAsync(otherTown, HttpStatusCode.Forbidden, "coupon.other_town");
        await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.NotFound, "coupon.invalid");
        await ProblemAssert.IsProblemAsync(zero, HttpStatusCode.BadRequest, "coupon.order_amount_invalid");
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        await ProblemAssert.IsProblemAsync(asResident, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(voided, HttpStatusCode.Conflict, "coupon.voided");
        Assert.Null(await factory.WithDbAsync(db => db.Coupons.Where(c => c.Code == code).Select(c => c.UsedAt).SingleAsync()));
    }

    [Fact]
    public async Task Redeem_AtValidityBoundaries_NotYetValidThenUsableThenExpiredAtValidToItself()
    {
        factory.Clock.Set(November);
        var body = Template(factory, days: 3);
        var validFrom = (DateTimeOffset)body["validFrom"]!;
        var validTo = (DateTimeOffset)body["validTo"]!;
        body["validFrom"] = validFrom.AddDays(1);
        var (_, _, early) = await CouponAsync(0, body);
        var (_, _, late) = await CouponAsync(0, body);

        var before = await (await factory.StaffAsync("merchant-market")).SendAsync(Redeem(early, 1000, Guid.NewGuid().ToString()));
        factory.Clock.Set(validTo.AddTicks(-10));
        var lastMoment = await (await factory.StaffAsync("merchant-market")).SendAsync(Redeem(early, 1000, Guid.NewGuid().ToString()));
        factory.Clock.Set(validTo);
        var atEnd = await (await factory.StaffAsync("merchant-market")).SendAsync(Redeem(late, 1000, Guid.NewGuid().ToString()));

        await ProblemAssert.IsProblemAsync(before, HttpStatusCode.Conflict, "coupon.not_yet_valid");
        Assert.Equal(HttpStatusCode.Created, lastMoment.StatusCode);
        Assert.Equal(800, (await lastMoment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("discountFen").GetInt64());
        await ProblemAssert.IsProblemAsync(atEnd, HttpStatusCode.Conflict, "coupon.expired");
    }

    [Fact]
    public async Task Redeem_PointsCostAboveBalance_InsufficientAndCouponStaysUsable()
    {
        factory.Clock.Set(November);
        var (resident, _, code) = await CouponAsync(20, Template(factory, pointsCost: 50));
        var merchant = await factory.StaffAsync("merchant-market");

        var refused = await merchant.SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));
        await CreditAsync(factory, resident, 30);
        var accepted = await merchant.SendAsync(Redeem(code, 1000, Guid.NewGuid().ToString()));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "points.insufficient");
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(0, await BalanceAsync(factory, resident));
        await AssertLedgerConsistentAsync(factory);
    }

    [Fact]
    public async Task Statement_ListsCouponSubsidiesOwedToMerchant_InJsonCsvAndXlsx()
    {
        factory.Clock.Set(new DateTimeOffset(2027, 3, 10, 10, 0, 0, Shanghai));
        var (_, _, fixedOff) = await CouponAsync(0, Template(factory, discountFen: 800, merchants: [BarberId]));
        var (_, _, percent) = await CouponAsync(0, Template(factory, percentOff: 20, merchants: [BarberId]));
        var barber = await factory.StaffAsync("merchant-barber");
        Assert.Equal(HttpStatusCode.Created, (await barber.SendAsync(Redeem(fixedOff, 5000, Guid.NewGuid().ToString()))).StatusCode);
        factory.Clock.Set(new DateTimeOffset(2027, 3, 11, 10, 0, 0, Shanghai));
        barber = await factory.StaffAsync("merchant-barber");
        Assert.Equal(HttpStatusCode.Created, (await barber.SendAsync(Redeem(percent, 3333, Guid.NewGuid().ToString()))).StatusCode);
        factory.Clock.Set(new DateTimeOffset(2027, 4, 1, 9, 0, 0, Shanghai));
        barber = await factory.StaffAsync("merchant-barber");

        var json = await barber.GetFromJsonAsync<JsonElement>("/api/merchant/statements/2027-03");
        var csv = await barber.GetStringAsync("/api/merchant/statements/2027-03?format=csv");
        var xlsx = ExportTests.ReadXlsx(await barber.GetByteArrayAsync("/api/merchant/statements/2027-03?format=xlsx"));

        Assert.Equal(2, json.GetProperty("couponRedemptions").GetInt32());
        Assert.Equal(800 + 666, json.GetProperty("couponSubsidyFen").GetInt64());
        Assert.Equal(json.GetProperty("netFen").GetInt64() + 1466, json.GetProperty("owedFen").GetInt64());
        Assert.Equal([800L, 666L], json.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("couponSubsidyFen").GetInt64()).ToArray());
        Assert.Contains("积分券补贴（元）", csv);
        Assert.Contains("14.66", csv);
        var total = xlsx[^1];
        Assert.Equal("合计", total["日期"]);
        Assert.Equal(14.66m, Convert.ToDecimal(total["积分券补贴（元）"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, Convert.ToInt32(total["核销积分券数"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
