using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Api.Tests.WeChat;
using Points.Infrastructure.Identity;

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
}
