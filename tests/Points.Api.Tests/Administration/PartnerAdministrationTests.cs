using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Identity;
using Points.Domain.Regions;
using Points.Infrastructure.Identity;
using static Points.Api.Tests.Administration.AdminTestKit;
using static Points.Api.Tests.Ledger.LedgerTestKit;

namespace Points.Api.Tests.Administration;

public sealed class PartnerAdministrationTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Onboard_WithOperator_OperatorSignsInAndRedeems_HistoryShowsIt()
    {
        var admin = await factory.StaffAsync("admin");
        var refused = await admin.PostAsJsonAsync("/api/merchants", new { name = "没签协议的店", address = "东山村2号", agreesToTownRate = false });
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "merchant.rate_agreement_required");

        var (merchantId, till) = await OnboardedMerchantAsync(factory);
        var (resident, residentId) = await FreshResidentAsync(factory, 300);
        var redeemed = await till.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 120, note = "酱油" }, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        Assert.Equal(180, await BalanceAsync(factory, residentId));
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/merchants")).EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == merchantId);
        Assert.Equal(50, listed.GetProperty("agreedPointsPerYuan").GetInt32());
        Assert.True(listed.GetProperty("rateAgreementCurrent").GetBoolean());
        Assert.Equal("东山村1号", listed.GetProperty("address").GetString());
        Assert.False(listed.GetProperty("operators")[0].GetProperty("mustChangePassword").GetBoolean());
        var history = await till.GetFromJsonAsync<JsonElement>("/api/merchant/redemptions");
        var row = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal(120, row.GetProperty("points").GetInt64());
        Assert.Equal(240, row.GetProperty("fen").GetInt64());
        Assert.Equal("r*", row.GetProperty("resident").GetString());
        Assert.True(row.GetProperty("refundable").GetBoolean());
        Assert.EndsWith("+08:00", row.GetProperty("at").GetString());
        Assert.DoesNotContain("balance", history.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(residentId.ToString(), history.GetRawText());
    }

    [Fact]
    public async Task Patch_RenamesRenewsAgreementAndDeactivates_InactiveMerchantCannotRedeem()
    {
        var admin = await factory.StaffAsync("admin");
        var (merchantId, till) = await OnboardedMerchantAsync(factory);
        await factory.WithDbAsync(async db =>
        {
            var town = await db.Towns.FirstAsync(t => t.Id == PointsApiFactory.DemoTownId);
            town.UpdateSettings(40, null, null, null);
            await db.SaveChangesAsync();
        });

        var stale = await admin.PatchAsJsonAsync($"/api/merchants/{merchantId}", new { name = "新名字" });
        var staleBody = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("新名字", staleBody.GetProperty("name").GetString());
        Assert.False(staleBody.GetProperty("rateAgreementCurrent").GetBoolean());
        var renewed = await (await admin.PatchAsJsonAsync($"/api/merchants/{merchantId}", new { renewRateAgreement = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(40, renewed.GetProperty("agreedPointsPerYuan").GetInt32());
        Assert.True(renewed.GetProperty("rateAgreementCurrent").GetBoolean());

        await admin.PatchAsJsonAsync($"/api/merchants/{merchantId}", new { active = false });
        var (resident, _) = await FreshResidentAsync(factory, 100);
        var refused = await till.SendAsync(Post("/api/merchant/redemptions", new { paycode = await PaycodeAsync(resident), points = 10 }, Guid.NewGuid().ToString()));
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "merchant.inactive");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync($"/api/merchants/{merchantId}", new { address = "" }), HttpStatusCode.BadRequest, "validation.failed");
        await factory.WithDbAsync(async db =>
        {
            var town = await db.Towns.FirstAsync(t => t.Id == PointsApiFactory.DemoTownId);
            town.UpdateSettings(Town.DefaultPointsPerYuan, null, null, null);
            await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task OtherTownsMerchant_IsOutOfScope()
    {
        var otherMerchant = await factory.WithDbAsync(async db =>
        {
            var town = new Town(Guid.CreateVersion7(), Unique("别镇"));
            var merchant = new Merchant(Guid.CreateVersion7(), town.Id, "别镇商户");
            db.Towns.Add(town);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            return merchant.Id;
        });
        var townStaff = await factory.StaffAsync("town-staff");

        await ProblemAssert.IsProblemAsync(await townStaff.PatchAsJsonAsync($"/api/merchants/{otherMerchant}", new { name = "x" }), HttpStatusCode.Forbidden, "region.out_of_scope");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsJsonAsync($"/api/merchants/{otherMerchant}/operators", new { username = Unique("o-"), displayName = "x" }),
            HttpStatusCode.Forbidden, "region.out_of_scope");
        Assert.DoesNotContain(otherMerchant.ToString(), await townStaff.GetStringAsync("/api/merchants"));
    }

    [Fact]
    public async Task BankClient_SecretShownOnceStoredHashed_RotationStopsTheOldSecret()
    {
        var admin = await factory.StaffAsync("admin");
        var clientId = Unique("bank-");

        var created = await admin.PostAsJsonAsync("/api/bank-clients", new { name = "测试银行", clientId });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("clientSecret").GetString()!;
        var id = body.GetProperty("client").GetProperty("id").GetGuid();
        var hash = await factory.WithDbAsync(db => db.BankClients.Where(b => b.Id == id).Select(b => b.SecretHash).FirstAsync());
        Assert.DoesNotContain(secret, hash);
        Assert.True(SecretHasher.Verify(secret, hash));
        Assert.DoesNotContain(secret, await admin.GetStringAsync("/api/bank-clients"));
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { clientId, clientSecret = secret })).StatusCode);

        var rotated = await admin.PostAsync($"/api/bank-clients/{id}/rotate-secret", null);
        var fresh = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;

        Assert.NotEqual(secret, fresh);
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { clientId, clientSecret = secret }), HttpStatusCode.Unauthorized, "auth.invalid_client");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { clientId, clientSecret = fresh })).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/bank-clients", new { name = "重复", clientId }), HttpStatusCode.Conflict, "bank_client.client_id_taken");
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("town-staff")).GetAsync("/api/bank-clients"), HttpStatusCode.Forbidden, "auth.forbidden");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/bank-clients/{Guid.NewGuid()}/rotate-secret", null), HttpStatusCode.NotFound, "bank_client.not_found");
    }
}
