using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Coupons;
using Points.Infrastructure.Jobs;
using static Points.Api.Tests.Coupons.CouponTestKit;

namespace Points.Api.Tests.Coupons;

/// <summary>Coupon templates from town staff, the monthly issue run (eligibility, caps, idempotency, month boundaries) and my coupons.</summary>
public sealed class CouponTemplateTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly DateTimeOffset November = new(2026, 11, 3, 10, 0, 0, Shanghai);

    [Fact]
    public async Task CreateTemplate_AsTownStaff_Returns201ListedWithMerchantsThenVoidedOnce()
    {
        factory.Clock.Set(November);
        var body = Template(factory, percentOff: 20, pointsCost: 30, merchants: [MarketId, BarberId], perResident: 2, totalCap: 100, minActivities: 1);

        var created = await CreateTemplateAsync(factory, body);
        var id = created.GetProperty("id").GetGuid();
        var staff = await factory.StaffAsync("town-staff");
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/coupon-templates");
        var voided = await staff.PostAsync($"/api/coupon-templates/{id}/void", null);
        var again = await staff.PostAsync($"/api/coupon-templates/{id}/void", null);
        var missing = await staff.PostAsync($"/api/coupon-templates/{Guid.NewGuid()}/void", null);

        Assert.Equal(20, created.GetProperty("percentOff").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("discountFen").ValueKind);
        Assert.Equal(30, created.GetProperty("pointsCost").GetInt32());
        Assert.Equal(["东山便民超市", "西湖理发店"], created.GetProperty("merchants").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).Order().ToArray());
        Assert.Equal(0, created.GetProperty("issued").GetInt32());
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.OK, voided.StatusCode);
        Assert.True((await voided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("voided").GetBoolean());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "coupon.template_voided");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "coupon.template_not_found");
    }

    [Theory]
    [InlineData("both", "coupon.discount_invalid")]
    [InlineData("neither", "coupon.discount_invalid")]
    [InlineData("backwards", "coupon.validity_invalid")]
    [InlineData("unknown-merchant", "coupon.merchant_invalid")]
    [InlineData("no-merchant", "coupon.merchants_required")]
    public async Task CreateTemplate_BadTerms_Returns400WithDottedCode(string flaw, string code)
    {
        factory.Clock.Set(November);
        var body = Template(factory);
        switch (flaw)
        {
            case "both": body["percentOff"] = 10; break;
            case "neither": body["discountFen"] = null; break;
            case "backwards": body["validTo"] = body["validFrom"]; break;
            case "unknown-merchant": body["merchantIds"] = new[] { MarketId, Guid.NewGuid() }; break;
            case "no-merchant": body["merchantIds"] = Array.Empty<Guid>(); break;
        }

        var response = await (await factory.StaffAsync("town-staff")).PostAsJsonAsync("/api/coupon-templates", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task CreateTemplate_ShapeErrorsAndCommunityStaff_Refused()
    {
        factory.Clock.Set(November);
        var body = Template(factory);
        body["title"] = null;
        body["totalCap"] = 0;
        var town = await factory.StaffAsync("town-staff");
        var community = await factory.StaffAsync("staff-dongshan");

        var invalid = await town.PostAsJsonAsync("/api/coupon-templates", body);
        var forbidden = await community.PostAsJsonAsync("/api/coupon-templates", Template(factory));
        var resident = await (await factory.ResidentAsync(1)).GetAsync("/api/coupon-templates");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("Title", out _) || errors.TryGetProperty("title", out _), errors.ToString());
        await ProblemAssert.IsProblemAsync(forbidden, HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(resident, HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task IssueRun_AttendedLastMonth_OnlyEligibleGetOneCouponPerMonthAndRerunGivesNothing()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 10, 10, 9, 0, 0, Shanghai));
        await AttendAsync(factory, 31, 32);
        factory.Clock.Set(new DateTimeOffset(2026, 10, 20, 9, 0, 0, Shanghai));
        await AttendAsync(factory, 31);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 1, 0, 30, 0, Shanghai));
        var twice = await TemplateIdAsync(factory, Template(factory, minActivities: 2, perResident: 3, days: 60));
        var once = await TemplateIdAsync(factory, Template(factory, minActivities: 1, perResident: 3, days: 60));

        var first = await IssueAsync(factory);
        var rerun = await IssueAsync(factory);

        Assert.Equal("2026-11", first.Month);
        Assert.NotNull(await CodeAsync(factory, twice, PointsApiFactory.DemoResidentId(31)));
        Assert.Null(await CodeAsync(factory, twice, PointsApiFactory.DemoResidentId(32)));
        Assert.Equal(1, await CountAsync(factory, twice));
        Assert.Equal(2, await CountAsync(factory, once));
        Assert.Equal(0, rerun.Issued);
        Assert.Equal(2, await factory.WithDbAsync(db => db.CouponTemplates.Where(t => t.Id == once).Select(t => t.Issued).SingleAsync()));

        // December looks at November, when nobody here attended: nothing more.
        factory.Clock.Set(new DateTimeOffset(2026, 12, 1, 0, 0, 0, Shanghai));
        await IssueAsync(factory);
        Assert.Equal(2, await CountAsync(factory, once));
    }

    [Fact]
    public async Task IssueRun_AtMonthBoundary_OneCouponPerMonthUpToPerResidentLimit()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 30, 23, 0, 0, Shanghai));
        var id = await TemplateIdAsync(factory, Template(factory, perResident: 2, days: 90));
        var resident = PointsApiFactory.DemoResidentId(5);

        factory.Clock.Set(new DateTimeOffset(2026, 11, 30, 23, 59, 59, Shanghai));
        await IssueAsync(factory);
        await IssueAsync(factory);
        var november = await factory.WithDbAsync(db => db.Coupons.Where(c => c.TemplateId == id && c.ResidentId == resident).Select(c => c.Month).ToListAsync());
        factory.Clock.Set(new DateTimeOffset(2026, 12, 1, 0, 0, 0, Shanghai));
        await IssueAsync(factory);
        factory.Clock.Set(new DateTimeOffset(2027, 1, 1, 1, 0, 0, Shanghai));
        await IssueAsync(factory);
        var all = await factory.WithDbAsync(db => db.Coupons.Where(c => c.TemplateId == id && c.ResidentId == resident).Select(c => c.Month).OrderBy(m => m).ToListAsync());

        Assert.Equal(["2026-11"], november);
        Assert.Equal(["2026-11", "2026-12"], all);
    }

    [Fact]
    public async Task IssueRun_TotalCapAndConcurrentRuns_NeverAboveCapNorTwicePerResident()
    {
        factory.Clock.Set(November);
        var id = await TemplateIdAsync(factory, Template(factory, totalCap: 7));
        var voided = await TemplateIdAsync(factory, Template(factory));
        Assert.Equal(HttpStatusCode.OK, (await (await factory.StaffAsync("town-staff")).PostAsync($"/api/coupon-templates/{voided}/void", null)).StatusCode);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => IssueAsync(factory)));

        var rows = await factory.WithDbAsync(db => db.Coupons.Where(c => c.TemplateId == id).Select(c => c.ResidentId).ToListAsync());
        Assert.Equal(7, rows.Count);
        Assert.Equal(7, rows.Distinct().Count());
        Assert.Equal(7, await factory.WithDbAsync(db => db.CouponTemplates.Where(t => t.Id == id).Select(t => t.Issued).SingleAsync()));
        Assert.Equal(0, await CountAsync(factory, voided));
    }

    [Fact]
    public async Task IssueJob_UnderTheLease_RunsOncePerShanghaiDayFromOneAm()
    {
        factory.Clock.Set(new DateTimeOffset(2026, 11, 4, 0, 30, 0, Shanghai));
        var id = await TemplateIdAsync(factory, Template(factory));
        var job = factory.Services.GetRequiredService<CouponIssueJob>();
        var a = NewHost("coupon-a", job);
        var b = NewHost("coupon-b", job);

        var early = await a.RunOnceAsync(job, CancellationToken.None);
        factory.Clock.Set(new DateTimeOffset(2026, 11, 4, 1, 0, 0, Shanghai));
        var ran = await Task.WhenAll(a.RunOnceAsync(job, CancellationToken.None), b.RunOnceAsync(job, CancellationToken.None));
        var later = await b.RunOnceAsync(job, CancellationToken.None);

        Assert.False(early);
        Assert.Single(ran, r => r);
        Assert.False(later);
        Assert.NotNull(await CodeAsync(factory, id, PointsApiFactory.DemoResidentId(1)));
    }

    [Fact]
    public async Task MyCoupons_ShowCodeQrMerchantsAndStatus()
    {
        factory.Clock.Set(November);
        var id = await TemplateIdAsync(factory, Template(factory, percentOff: 15, merchants: [BarberId], days: 5));
        await IssueAsync(factory);
        var code = await CodeAsync(factory, id, PointsApiFactory.DemoResidentId(8));
        var resident = await factory.ResidentAsync(8);
        var merchant = await factory.StaffAsync("merchant-barber");

        var mine = await resident.GetFromJsonAsync<JsonElement>("/api/me/coupons");
        var asMerchant = await merchant.GetAsync("/api/me/coupons");
        factory.Clock.Set(November.AddDays(6));
        var later = await (await factory.ResidentAsync(8)).GetFromJsonAsync<JsonElement>("/api/me/coupons");

        var coupon = mine.EnumerateArray().Single(c => c.GetProperty("code").GetString() == code);
        Assert.Equal("Available", coupon.GetProperty("status").GetString());
        Assert.Equal(15, coupon.GetProperty("percentOff").GetInt32());
        Assert.Equal("西湖理发店", coupon.GetProperty("merchants")[0].GetProperty("name").GetString());
        var png = Convert.FromBase64String(coupon.GetProperty("qrPng").GetString()!);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.Equal(12, coupon.GetProperty("code").GetString()!.Length);
        var expired = later.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == coupon.GetProperty("id").GetGuid());
        Assert.Equal("Expired", expired.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("qrPng").ValueKind);
        await ProblemAssert.IsProblemAsync(asMerchant, HttpStatusCode.Forbidden, "auth.forbidden");
    }

    private JobScheduler NewHost(string holder, IScheduledJob job) =>
        new(factory.Services.GetRequiredService<IServiceScopeFactory>(), [job], Options.Create(new SchedulerOptions { InstanceId = holder }), factory.Clock,
            factory.Services.GetRequiredService<Points.Infrastructure.Diagnostics.PointsMetrics>(), NullLogger<JobScheduler>.Instance);
}
