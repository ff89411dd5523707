using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Points.Api.Tests.Infrastructure;
using Points.Testing.FakeWeChat;

namespace Points.Api.Tests.WeChat;

public static class WeChatTestKit
{
    public static string NewCode() => "code-" + Guid.NewGuid().ToString("N");

    /// <summary>Signs in through POST /api/auth/wechat (the real client against the fake server).</summary>
    public static async Task<(HttpClient Client, Guid UserId, string Code)> LoginAsync(PointsApiFactory factory, string? code = null)
    {
        code ??= NewCode();
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/wechat", new { code, communityId = PointsApiFactory.DongshanId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return (client, Guid.Parse(body.GetProperty("resident").GetProperty("id").GetString()!), code);
    }

    /// <summary>Legacy encryptedData as the mini-program receives it: AES-128-CBC/PKCS#7 under the session key.</summary>
    public static (string EncryptedData, string Iv) EncryptUserData(string json, string sessionKey)
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(sessionKey);
        var iv = RandomNumberGenerator.GetBytes(16);
        return (Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(json), iv, PaddingMode.PKCS7)), Convert.ToBase64String(iv));
    }

    public static string PhoneJson(string pure, string appId, DateTimeOffset at, object? countryCode = null) => JsonSerializer.Serialize(new
    {
        phoneNumber = pure,
        purePhoneNumber = pure,
        countryCode = countryCode ?? "86",
        watermark = new { timestamp = at.ToUnixTimeSeconds(), appid = appId },
    });

    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Points.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir?.FullName ?? ".", .. parts]);
    }
}

/// <summary>The API against a fake WeChat server started with WeChat's official demo appid.</summary>
public sealed class DemoAppIdWeChatFactory : PointsApiFactory, IAsyncLifetime
{
    public const string DemoAppId = "wx4f4bc4dec97d474b";

    public FakeWeChatServer WeChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WeChat = await FakeWeChatServer.StartAsync(appId: DemoAppId);
        Settings["WeChat:BaseUrl"] = WeChat.BaseUrl;
        Settings["WeChat:AppId"] = WeChat.AppId;
        Settings["WeChat:AppSecret"] = WeChat.AppSecret;

        // The demo watermark is from 1477314187 (2016-10-24); the clock stands a minute later.
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(1477314187 + 60));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await WeChat.DisposeAsync();
        await base.DisposeAsync();
    }
}
