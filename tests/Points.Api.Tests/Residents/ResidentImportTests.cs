using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.WeChat;
using Points.Api.Tests.Ledger;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Residents;
using Points.Infrastructure.Seeding;

namespace Points.Api.Tests.Residents;

public sealed class ResidentImportTests(FakeWeChatFactory factory) : IClassFixture<FakeWeChatFactory>
{
    private static string NewPhone() => "137" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ByteArrayContent Csv(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    private Task<(Guid Id, string Name)> GridAsync() => factory.WithDbAsync(db => db.Grids.AsNoTracking()
        .Where(g => g.CommunityId == PointsApiFactory.DongshanId).Select(g => new ValueTuple<Guid, string>(g.Id, g.Name)).FirstAsync());

    [Fact]
    public async Task DryRun_ReportsEachBadRow_AndWritesNothing()
    {
        var (gridId, gridName) = await GridAsync();
        var (taken, fresh, dup) = (NewPhone(), NewPhone(), NewPhone());
        var (_, existing, _) = await WeChatTestKit.LoginAsync(factory);
        factory.WeChat.PhoneNumber = taken;
        var (boundClient, _, _) = await WeChatTestKit.LoginAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await boundClient.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() })).StatusCode);
        var staff = await factory.StaffAsync("staff-dongshan");
        var csv = $"姓名,手机号,网格\n张三,{fresh},{gridName}\n李四,12345,{gridName}\n王五,{dup},不存在的网格\n赵六,{dup},{gridId}\n钱七,{dup},\n孙八,{taken},\n";

        var response = await staff.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import?dryRun=true", Csv(csv));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("dryRun").GetBoolean());
        Assert.Equal(6, body.GetProperty("total").GetInt32());
        Assert.Equal(1, body.GetProperty("valid").GetInt32());
        Assert.Equal(0, body.GetProperty("imported").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("code").GetString())).ToList();
        Assert.Equal([(2, "import.phone_invalid"), (3, "import.grid_unknown"), (4, "import.duplicate_in_file"), (5, "import.duplicate_in_file"), (6, "import.already_registered")], errors);
        var protector = factory.Services.GetRequiredService<PersonalDataProtector>();
        var freshHash = protector.LookupHash(DataPurposes.Phone, $"86:{fresh}");
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.PhoneHash == freshHash)));
        Assert.NotEqual(Guid.Empty, existing);
    }

    [Fact]
    public async Task Commit_ImportsGoodRowsEncrypted_FirstWeChatLoginWithSamePhoneClaimsCommunityAndGrid()
    {
        var (gridId, _) = await GridAsync();
        var phone = NewPhone();
        var staff = await factory.StaffAsync("staff-dongshan");
        var csv = $"name,phone,grid\n周九,{phone},{gridId}\n吴十,bad,\n";

        var response = await staff.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import", Csv(csv));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("imported").GetInt32());
        var protector = factory.Services.GetRequiredService<PersonalDataProtector>();
        var hash = protector.LookupHash(DataPurposes.Phone, $"86:{phone}");
        var imported = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.PhoneHash == hash));
        Assert.True(imported.IsPreRegistered);
        Assert.DoesNotContain(phone, imported.PhoneCipher!, StringComparison.Ordinal);
        Assert.Equal(phone, protector.Unprotect(imported.PhoneCipher!, DataPurposes.Phone, imported.Id));
        Assert.Equal(gridId, imported.GridId);
        Assert.Equal(1, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "ResidentImport" && a.EntityId == PointsApiFactory.DongshanId.ToString())));

        factory.WeChat.PhoneNumber = phone;
        var (client, userId, _) = await WeChatTestKit.LoginAsync(factory);
        var bind = await client.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        Assert.Equal(HttpStatusCode.OK, bind.StatusCode);
        var me = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == userId));
        Assert.Equal(PointsApiFactory.DongshanId, me.CommunityId);
        Assert.Equal(gridId, me.GridId);
        Assert.Equal("周九", me.DisplayName);
        Assert.Equal(hash, me.PhoneHash);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == imported.Id)));

        var again = await staff.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import?dryRun=true", Csv($"name,phone\n周九,{phone}\n"));
        var errors = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("import.already_registered", errors[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Import_Xlsx_IsRead_AndOtherCommunityStaffRefused()
    {
        var phone = NewPhone();
        var staff = await factory.StaffAsync("staff-dongshan");
        using var buffer = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(buffer, new[] { new Dictionary<string, object?> { ["姓名"] = "郑一", ["手机号"] = phone, ["网格"] = null } });
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var form = new MultipartFormDataContent { { content, "file", "roster.xlsx" } };

        var response = await staff.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import?dryRun=true", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("valid").GetInt32());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        var other = await factory.StaffAsync("staff-xihu");
        await ProblemAssert.IsProblemAsync(await other.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import?dryRun=true", Csv($"name,phone\n郑一,{phone}\n")),
            HttpStatusCode.Forbidden, "residents.out_of_scope");
        await ProblemAssert.IsProblemAsync(await staff.PostAsync($"/api/communities/{PointsApiFactory.DongshanId}/residents/import", Csv("foo,bar\n1,2\n")),
            HttpStatusCode.BadRequest, "validation.failed");
    }

    private async Task<Guid> ImportOneAsync(HttpClient staff, string name, string phone)
    {
        // 西湖社区: the Dongshan import tests count their community's import rows
        var response = await staff.PostAsync($"/api/communities/{PointsApiFactory.XihuId}/residents/import", Csv($"name,phone\n{name},{phone}\n"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var protector = factory.Services.GetRequiredService<PersonalDataProtector>();
        var hash = protector.LookupHash(DataPurposes.Phone, $"86:{phone}");
        return await factory.WithDbAsync(db => db.Users.Where(u => u.PhoneHash == hash).Select(u => u.Id).SingleAsync());
    }

    [Fact]
    public async Task Claim_RecordWithHistory_KeepsTheRecordAndItsPoints_TheLoginMovesOntoIt_NoForeignKeyFailure()
    {
        var phone = NewPhone();
        var staff = await factory.StaffAsync("town-staff");
        var recordId = await ImportOneAsync(await factory.StaffAsync("staff-xihu"), "陈老伯", phone);
        // History staff leave on a phoneless resident: a micro-grid they lead (a restricting foreign key) and points.
        var microId = DemoSeeder.StableId("micro-grid:0:1:group-1");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/residents/{recordId}/micro-grid", new { microGridId = microId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/micro-grids/{microId}/leader", new { residentId = recordId })).StatusCode);
        await LedgerTestKit.CreditAsync(factory, recordId, 25);

        factory.WeChat.PhoneNumber = phone;
        var (client, freshId, _) = await WeChatTestKit.LoginAsync(factory);
        var bind = await client.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        Assert.True(bind.StatusCode == HttpStatusCode.OK, await bind.Content.ReadAsStringAsync());
        var session = (await bind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session");
        Assert.Equal(recordId, session.GetProperty("resident").GetProperty("id").GetGuid());
        var record = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == recordId));
        var fresh = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == freshId));
        Assert.NotNull(record.WeChatOpenId);
        Assert.NotNull(record.PhoneVerifiedAt);
        Assert.Equal(microId, record.MicroGridId);
        Assert.Null(fresh.WeChatOpenId);
        Assert.False(fresh.IsActive);
        Assert.Equal(25, await LedgerTestKit.BalanceAsync(factory, recordId));

        var asRecord = factory.CreateClient();
        asRecord.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.GetProperty("accessToken").GetString());
        Assert.Equal(recordId, (await asRecord.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("id").GetGuid());
        Assert.Equal(microId, (await asRecord.GetFromJsonAsync<JsonElement>("/api/me/micro-grid")).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Claim_BothAccountsHaveHistory_Refused409_NothingDeleted()
    {
        var phone = NewPhone();
        var recordId = await ImportOneAsync(await factory.StaffAsync("staff-xihu"), "林阿姨", phone);
        await LedgerTestKit.CreditAsync(factory, recordId, 5);
        factory.WeChat.PhoneNumber = phone;
        var (client, freshId, _) = await WeChatTestKit.LoginAsync(factory);
        await LedgerTestKit.CreditAsync(factory, freshId, 5);

        var bind = await client.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        await ProblemAssert.IsProblemAsync(bind, HttpStatusCode.Conflict, "phone.claim_needs_merge");
        Assert.Equal(2, await factory.WithDbAsync(db => db.Users.CountAsync(u => u.Id == recordId || u.Id == freshId)));
        Assert.Equal(5, await LedgerTestKit.BalanceAsync(factory, recordId));
    }

    [Fact]
    public void History_CoversEveryForeignKeyToAnAccount()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Points.Infrastructure.Persistence.PointsDbContext>();
        var covered = ResidentHistory.References(db.Model).Select(r => r.Entity.Name).ToHashSet();

        foreach (var name in new[] { "SignUp", "Declaration", "HazardReport", "NegativeRecord", "MicroGrid", "Upload", "LedgerAccount", "ProxySession", "MarketOrder", "Coupon" })
        {
            Assert.Contains(name, covered);
        }

        Assert.DoesNotContain("RefreshToken", covered);
    }
}
