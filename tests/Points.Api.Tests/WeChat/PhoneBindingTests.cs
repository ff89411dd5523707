using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Foundation;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Identity;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

public sealed class PhoneBindingTests(FakeWeChatFactory factory) : IClassFixture<FakeWeChatFactory>
{
    private static string NewPhone() => "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(string? Cipher, string? Hash, string? CountryCode, string? SessionKeyCipher)> StoredAsync(Guid userId) =>
        await factory.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new ValueTuple<string?, string?, string?, string?>(u.PhoneCipher, u.PhoneHash, u.PhoneCountryCode, u.SessionKeyCipher)).SingleAsync());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BindPhone_ValidCode_StoresCiphertextAndAnswersMasked(bool countryCodeAsString)
    {
        var phone = NewPhone();
        factory.WeChat.PhoneNumber = phone;
        factory.WeChat.PhoneCountryCodeAsString = countryCodeAsString;
        var (client, userId, _) = await WeChatTestKit.LoginAsync(factory);

        var response = await client.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"{phone[..3]}****{phone[^4..]}", body.GetProperty("phone").GetString());
        Assert.Equal("86", body.GetProperty("countryCode").GetString());
        Assert.DoesNotContain(phone, text, StringComparison.Ordinal);

        var stored = await StoredAsync(userId);
        Assert.NotNull(stored.Cipher);
        Assert.DoesNotContain(phone, stored.Cipher, StringComparison.Ordinal);
        Assert.DoesNotContain(phone[^4..] + "\"", stored.Cipher, StringComparison.Ordinal);
        Assert.Equal(64, stored.Hash!.Length);
        Assert.Equal("86", stored.CountryCode);
        var protector = factory.Services.GetRequiredService<PersonalDataProtector>();
        Assert.Equal(phone, protector.Unprotect(stored.Cipher, DataPurposes.Phone, userId));
        Assert.Null(protector.Unprotect(stored.Cipher, DataPurposes.Phone, Guid.NewGuid()));

        var read = await client.GetFromJsonAsync<JsonElement>("/api/me/phone");
        Assert.Equal($"{phone[..3]}****{phone[^4..]}", read.GetProperty("phone").GetString());
        Assert.DoesNotContain(phone, factory.Logs.All, StringComparison.Ordinal);
        factory.WeChat.PhoneCountryCodeAsString = false;
    }

    [Fact]
    public async Task BindPhone_LoginCodeSentByMistake_Returns400_40029()
    {
        var (client, userId, _) = await WeChatTestKit.LoginAsync(factory);
        var before = factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber);

        var response = await client.PostAsJsonAsync("/api/me/phone", new { code = "invalid-" + Guid.NewGuid().ToString("N") });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.phone_code_invalid");
        Assert.Equal(before + 1, factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber));
        Assert.Null((await StoredAsync(userId)).Cipher);
    }

    [Fact]
    public async Task BindPhone_CodeReused_Returns400_WithoutRetrying()
    {
        factory.WeChat.PhoneNumber = NewPhone();
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);
        var code = WeChatTestKit.NewCode();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/me/phone", new { code })).StatusCode);
        var before = factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber);

        var again = await client.PostAsJsonAsync("/api/me/phone", new { code });

        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.BadRequest, "wechat.phone_code_used");
        Assert.Equal(before + 1, factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber));
    }

    [Fact]
    public async Task BindPhone_NumberBoundToAnotherResident_Returns409()
    {
        factory.WeChat.PhoneNumber = NewPhone();
        var (first, _, _) = await WeChatTestKit.LoginAsync(factory);
        var (second, secondId, _) = await WeChatTestKit.LoginAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await first.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() })).StatusCode);

        var response = await second.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "phone.bound_elsewhere");
        Assert.Null((await StoredAsync(secondId)).Cipher);
    }

    [Fact]
    public async Task BindPhone_WeChatBusy_Returns503_NotRetried()
    {
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);
        factory.WeChat.Enqueue(FakeWeChatPaths.PhoneNumber, FakeResponse.Error(-1, "system error"));
        var before = factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber);

        var response = await client.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wechat.unavailable");
        Assert.Equal(before + 1, factory.WeChat.CountFor(FakeWeChatPaths.PhoneNumber));
    }

    [Fact]
    public async Task BindPhone_AsStaff_Returns403()
    {
        var staff = await factory.StaffAsync("staff-dongshan");

        var response = await staff.PostAsJsonAsync("/api/me/phone", new { code = WeChatTestKit.NewCode() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetPhone_NotBound_Returns404()
    {
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/me/phone"), HttpStatusCode.NotFound, "phone.not_bound");
    }

    [Fact]
    public async Task Login_KeepsSessionKeyEncrypted()
    {
        var (_, userId, code) = await WeChatTestKit.LoginAsync(factory);

        var stored = await StoredAsync(userId);

        Assert.NotNull(stored.SessionKeyCipher);
        Assert.DoesNotContain(FakeWeChatServer.SessionKeyFor(code), stored.SessionKeyCipher, StringComparison.Ordinal);
        Assert.Equal(FakeWeChatServer.SessionKeyFor(code), factory.Services.GetRequiredService<PersonalDataProtector>().Unprotect(stored.SessionKeyCipher, DataPurposes.WeChatSessionKey, userId));
    }

    [Fact]
    public async Task BindLegacy_DataFromLatestSession_BindsMasked()
    {
        var phone = NewPhone();
        var (client, userId, code) = await WeChatTestKit.LoginAsync(factory);
        var (data, iv) = WeChatTestKit.EncryptUserData(WeChatTestKit.PhoneJson(phone, factory.WeChat.AppId, factory.Clock.GetUtcNow().AddSeconds(-30), countryCode: 86), FakeWeChatServer.SessionKeyFor(code));

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"{phone[..3]}****{phone[^4..]}", body.GetProperty("phone").GetString());
        Assert.Equal("86", body.GetProperty("countryCode").GetString());
        Assert.Equal(phone, factory.Services.GetRequiredService<PersonalDataProtector>().Unprotect((await StoredAsync(userId)).Cipher, DataPurposes.Phone, userId));
        Assert.DoesNotContain(phone, factory.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BindLegacy_AfterSigningInAgain_OldDataReturns401SignInAgain()
    {
        var (_, _, code) = await WeChatTestKit.LoginAsync(factory);
        var (data, iv) = WeChatTestKit.EncryptUserData(WeChatTestKit.PhoneJson(NewPhone(), factory.WeChat.AppId, factory.Clock.GetUtcNow()), FakeWeChatServer.SessionKeyFor(code));

        // Same person (the fake's openid follows the code only for new codes), so sign in as a fresh login:
        // the new session key replaces the one the data was encrypted with.
        var (client, userId, _) = await WeChatTestKit.LoginAsync(factory);
        await factory.WithDbAsync(async db =>
        {
            var protector = factory.Services.GetRequiredService<PersonalDataProtector>();
            var user = await db.Users.SingleAsync(u => u.Id == userId);
            user.RecordWeChatSession(protector.Protect(Convert.ToBase64String(new byte[16]), DataPurposes.WeChatSessionKey, userId), factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.session_stale");
        Assert.Null((await StoredAsync(userId)).Cipher);
    }

    [Fact]
    public async Task BindLegacy_WatermarkOfAnotherApp_Returns400()
    {
        var (client, userId, code) = await WeChatTestKit.LoginAsync(factory);
        var (data, iv) = WeChatTestKit.EncryptUserData(WeChatTestKit.PhoneJson(NewPhone(), "wx00000000other00", factory.Clock.GetUtcNow()), FakeWeChatServer.SessionKeyFor(code));

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.watermark_invalid");
        Assert.Null((await StoredAsync(userId)).Cipher);
    }

    [Fact]
    public async Task BindLegacy_StaleWatermark_Returns400()
    {
        var (client, _, code) = await WeChatTestKit.LoginAsync(factory);
        var (data, iv) = WeChatTestKit.EncryptUserData(WeChatTestKit.PhoneJson(NewPhone(), factory.WeChat.AppId, factory.Clock.GetUtcNow().AddHours(-2)), FakeWeChatServer.SessionKeyFor(code));

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.data_stale");
    }

    [Fact]
    public async Task BindLegacy_OfficialDemoVector_UnderOurAppId_WatermarkMismatch()
    {
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Json(new { openid = "oGZUI0egBJY1zhBYw2KhdUfwVJJE-x", session_key = "tiihtNczf5v6AKRyjwEUhQ==" }));
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);
        var data = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "WeChat", "TestData", "demo-encrypted-data.b64"))).Trim();

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv = "r7BXXKkLb8qrSNn05n0qiA==" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.watermark_invalid");
    }

    [Fact]
    public async Task BindLegacy_StaffOrDevTokenWithoutSession_Returns401()
    {
        var client = await factory.ResidentAsync(3);

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = "AAAAAAAAAAAAAAAAAAAAAA==", iv = "AAAAAAAAAAAAAAAAAAAAAA==" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.session_missing");
    }

    [Fact]
    public async Task BindLegacy_NotBase64_Returns400_NotServerError()
    {
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = "%%%not base64%%%", iv = "???" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "wechat.data_invalid");
    }
}

/// <summary>WeChat's official demo vector through the API: our AppId is the demo's, the clock stands at the watermark's time.</summary>
public sealed class LegacyDemoVectorTests(DemoAppIdWeChatFactory factory) : IClassFixture<DemoAppIdWeChatFactory>
{
    [Fact]
    public async Task BindLegacy_OfficialDemoVector_DecryptsAndChecksWatermark_HasNoPhone()
    {
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Json(new { openid = "oGZUI0egBJY1zhBYw2KhdUfwVJJE", session_key = "tiihtNczf5v6AKRyjwEUhQ==" }));
        var (client, userId, _) = await WeChatTestKit.LoginAsync(factory);
        var data = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "WeChat", "TestData", "demo-encrypted-data.b64"))).Trim();

        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv = "r7BXXKkLb8qrSNn05n0qiA==" });

        // Decryption, appid and freshness all passed and the openId matched: the demo is user info, not a phone number.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "phone.not_in_data");
        Assert.Null(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.PhoneCipher).SingleAsync()));
    }

    [Fact]
    public async Task BindLegacy_OfficialDemoVector_AfterNewerLogin_Returns401SignInAgain()
    {
        factory.WeChat.Enqueue(FakeWeChatPaths.Code2Session, FakeResponse.Json(new { openid = "oGZUI0egBJY1zhBYw2KhdUfwVJJE", session_key = "tiihtNczf5v6AKRyjwEUhQ==" }));
        var (client, _, _) = await WeChatTestKit.LoginAsync(factory);
        var data = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "WeChat", "TestData", "demo-encrypted-data.b64"))).Trim();

        // Another session key: the padding no longer checks out.
        await factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.WeChatOpenId == "oGZUI0egBJY1zhBYw2KhdUfwVJJE");
            user.RecordWeChatSession(factory.Services.GetRequiredService<PersonalDataProtector>().Protect("AAECAwQFBgcICQoLDA0ODw==", DataPurposes.WeChatSessionKey, user.Id), factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var response = await client.PostAsJsonAsync("/api/me/phone/legacy", new { encryptedData = data, iv = "r7BXXKkLb8qrSNn05n0qiA==" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "wechat.session_stale");
    }
}
