using System.Net.Http.Headers;
using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Administration;

/// <summary>Shared moves for administration tests: password sign-in, a forced password change, a fresh merchant with an operator.</summary>
public static class AdminTestKit
{
    public const string NewPassword = "Counter2026pw";

    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    public static async Task<HttpResponseMessage> SignInAsync(PointsApiFactory factory, string username, string password)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/staff", new { username, password });
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The body as JSON, readable again later (the content is buffered and read as text).</summary>
    public static async Task<JsonElement> JsonOf(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<HttpClient> BearerAsync(PointsApiFactory factory, HttpResponseMessage tokenResponse)
    {
        await tokenResponse.Content.LoadIntoBufferAsync();
        Assert.True(tokenResponse.StatusCode == HttpStatusCode.OK, $"{(int)tokenResponse.StatusCode} {await tokenResponse.Content.ReadAsStringAsync()}");
        var body = await JsonOf(tokenResponse);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Signs in with an issued password, changes it to <see cref="NewPassword"/> and returns a client with the new token.</summary>
    public static async Task<HttpClient> FirstSignInAsync(PointsApiFactory factory, string username, string oneTimePassword)
    {
        var first = await BearerAsync(factory, await SignInAsync(factory, username, oneTimePassword));
        var changed = await first.PostAsJsonAsync("/api/me/password", new { currentPassword = oneTimePassword, newPassword = NewPassword });
        return await BearerAsync(factory, changed);
    }

    /// <summary>An admin onboards a merchant and adds an operator, who signs in for the first time.</summary>
    public static async Task<(Guid MerchantId, HttpClient Operator)> OnboardedMerchantAsync(PointsApiFactory factory)
    {
        var (merchantId, _, client) = await OnboardedMerchantWithUsernameAsync(factory);
        return (merchantId, client);
    }

    /// <summary>As <see cref="OnboardedMerchantAsync"/>, with the operator's user name (tests that move the clock sign in again by it).</summary>
    public static async Task<(Guid MerchantId, string Username, HttpClient Operator)> OnboardedMerchantWithUsernameAsync(PointsApiFactory factory)
    {
        var admin = await factory.StaffAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/merchants", new { name = Unique("店"), address = "东山村1号", agreesToTownRate = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var merchantId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var username = Unique("op-");
        var op = await admin.PostAsJsonAsync($"/api/merchants/{merchantId}/operators", new { username, displayName = "收银员" });
        Assert.Equal(HttpStatusCode.Created, op.StatusCode);
        var password = (await op.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("oneTimePassword").GetString()!;
        return (merchantId, username, await FirstSignInAsync(factory, username, password));
    }
}
