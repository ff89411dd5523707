using Microsoft.EntityFrameworkCore;
using Points.Api.Tests.Infrastructure;
using Points.Infrastructure.Identity;
using static Points.Api.Tests.Administration.AdminTestKit;

namespace Points.Api.Tests.Administration;

public sealed class StaffAccountTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private async Task<(Guid Id, string Username, string Password)> CreateStaffAsync(HttpClient by, string role = "CommunityStaff", Guid? communityId = null)
    {
        var username = Unique("s-");
        var response = await by.PostAsJsonAsync("/api/staff", new { username, displayName = "新同事", role, communityId = role == "CommunityStaff" ? communityId ?? PointsApiFactory.DongshanId : (Guid?)null });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("account").GetProperty("mustChangePassword").GetBoolean());
        return (body.GetProperty("account").GetProperty("id").GetGuid(), username, body.GetProperty("oneTimePassword").GetString()!);
    }

    [Fact]
    public async Task CreateStaff_OneTimePassword_MustBeChangedBeforeAnythingElse()
    {
        var admin = await factory.StaffAsync("admin");
        var (id, username, password) = await CreateStaffAsync(admin);

        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.Id == id));
        Assert.DoesNotContain(password, stored.PasswordHash);
        Assert.True(SecretHasher.Verify(password, stored.PasswordHash!));
        Assert.Equal(PointsApiFactory.DongshanId, stored.CommunityId);

        var login = await SignInAsync(factory, username, password);
        var loginBody = await JsonOf(login);
        Assert.True(loginBody.GetProperty("passwordChangeRequired").GetBoolean());
        var gated = await BearerAsync(factory, login);
        await ProblemAssert.IsProblemAsync(await gated.GetAsync("/api/communities"), HttpStatusCode.Forbidden, "auth.password_change_required");
        await ProblemAssert.IsProblemAsync(await gated.GetAsync("/api/reviews?level=community"), HttpStatusCode.Forbidden, "auth.password_change_required");
        var me = await gated.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());

        var weak = await gated.PostAsJsonAsync("/api/me/password", new { currentPassword = password, newPassword = "short" });
        Assert.Contains("newPassword", (await ProblemAssert.IsProblemAsync(weak, HttpStatusCode.BadRequest, "password.too_weak")).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var wrong = await gated.PostAsJsonAsync("/api/me/password", new { currentPassword = "not-it-123", newPassword = NewPassword });
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.BadRequest, "password.current_invalid");
        var same = await gated.PostAsJsonAsync("/api/me/password", new { currentPassword = password, newPassword = password });
        await ProblemAssert.IsProblemAsync(same, HttpStatusCode.BadRequest, "password.unchanged");

        var changed = await gated.PostAsJsonAsync("/api/me/password", new { currentPassword = password, newPassword = NewPassword });
        await changed.Content.LoadIntoBufferAsync();
        Assert.False((await JsonOf(changed)).GetProperty("passwordChangeRequired").GetBoolean());
        var free = await BearerAsync(factory, changed);
        Assert.Equal(HttpStatusCode.OK, (await free.GetAsync("/api/communities")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(factory, username, password)).StatusCode);
        var again = await SignInAsync(factory, username, NewPassword);
        Assert.False((await JsonOf(again)).GetProperty("passwordChangeRequired").GetBoolean());
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.MustChangePassword).FirstAsync()));
    }

    [Fact]
    public async Task ResetPassword_EndsSessionsAndIssuesNewOneTimePassword()
    {
        var townStaff = await factory.StaffAsync("town-staff");
        var (id, username, password) = await CreateStaffAsync(townStaff);
        await FirstSignInAsync(factory, username, password);
        var session = await JsonOf(await SignInAsync(factory, username, NewPassword));

        var reset = await townStaff.PostAsync($"/api/staff/{id}/reset-password", null);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var issued = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("oneTimePassword").GetString()!;
        Assert.NotEqual(password, issued);
        var refresh = await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = session.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(factory, username, NewPassword)).StatusCode);
        var afterReset = await SignInAsync(factory, username, issued);
        Assert.True((await JsonOf(afterReset)).GetProperty("passwordChangeRequired").GetBoolean());
    }

    [Fact]
    public async Task TownStaff_CannotCreateOrManageAdmins_AdminCan()
    {
        var townStaff = await factory.StaffAsync("town-staff");
        var admin = await factory.StaffAsync("admin");
        var adminId = Points.Infrastructure.Seeding.DemoSeeder.StableId("user:admin");

        var create = await townStaff.PostAsJsonAsync("/api/staff", new { username = Unique("a-"), displayName = "管理员", role = "Admin" });
        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Forbidden, "staff.role_not_allowed");
        await ProblemAssert.IsProblemAsync(await townStaff.PostAsync($"/api/staff/{adminId}/reset-password", null), HttpStatusCode.Forbidden, "staff.role_not_allowed");
        var (newAdmin, _, _) = await CreateStaffAsync(admin, "Admin");
        Assert.Equal("Admin", (await factory.WithDbAsync(db => db.Users.Where(u => u.Id == newAdmin).Select(u => u.Role).FirstAsync())).ToString());
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("staff-dongshan")).GetAsync("/api/staff"), HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task Patch_MovesRoleAndScope_RetireRefusesSignIn_SelfChangeRefused()
    {
        var admin = await factory.StaffAsync("admin");
        var (id, username, password) = await CreateStaffAsync(admin);

        var moved = await admin.PatchAsJsonAsync($"/api/staff/{id}", new { communityId = PointsApiFactory.XihuId, displayName = "西湖同事" });
        Assert.Equal(PointsApiFactory.XihuId, (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("communityId").GetGuid());
        var promoted = await admin.PatchAsJsonAsync($"/api/staff/{id}", new { role = "TownStaff" });
        var promotedBody = await promoted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TownStaff", promotedBody.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, promotedBody.GetProperty("communityId").ValueKind);
        var noCommunity = await admin.PatchAsJsonAsync($"/api/staff/{id}", new { role = "CommunityStaff" });
        await ProblemAssert.IsProblemAsync(noCommunity, HttpStatusCode.BadRequest, "staff.community_required");

        var retired = await admin.PatchAsJsonAsync($"/api/staff/{id}", new { active = false });
        Assert.False((await retired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
        await ProblemAssert.IsProblemAsync(await SignInAsync(factory, username, password), HttpStatusCode.Forbidden, "auth.account_disabled");

        var adminId = Points.Infrastructure.Seeding.DemoSeeder.StableId("user:admin");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync($"/api/staff/{adminId}", new { active = false }), HttpStatusCode.Conflict, "staff.self_change");
        var taken = await admin.PostAsJsonAsync("/api/staff", new { username, displayName = "重名", role = "TownStaff" });
        await ProblemAssert.IsProblemAsync(taken, HttpStatusCode.Conflict, "staff.username_taken");
        var badName = await admin.PostAsJsonAsync("/api/staff", new { username = "Has Space", displayName = "x", role = "TownStaff" });
        await ProblemAssert.IsProblemAsync(badName, HttpStatusCode.BadRequest, "staff.username_invalid");
        var resident = await admin.PostAsJsonAsync("/api/staff", new { username = Unique("r-"), displayName = "x", role = "Resident" });
        await ProblemAssert.IsProblemAsync(resident, HttpStatusCode.BadRequest, "staff.role_invalid");
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync($"/api/staff/{Guid.NewGuid()}", new { active = false }), HttpStatusCode.NotFound, "staff.not_found");
    }

    [Fact]
    public async Task List_FiltersByRoleAndCommunity_Paged()
    {
        var townStaff = await factory.StaffAsync("town-staff");

        var page = await townStaff.GetFromJsonAsync<JsonElement>($"/api/staff?role=CommunityStaff&community={PointsApiFactory.DongshanId}&pageSize=100");
        var names = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("username").GetString()).ToList();
        Assert.Contains("staff-dongshan", names);
        Assert.DoesNotContain("staff-xihu", names);
        Assert.DoesNotContain("town-staff", names);
        var searched = await townStaff.GetFromJsonAsync<JsonElement>("/api/staff?q=xihu");
        Assert.Equal(["staff-xihu"], searched.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("username").GetString()).ToList());
        var first = await townStaff.GetFromJsonAsync<JsonElement>("/api/staff?pageSize=1&page=2");
        Assert.Single(first.GetProperty("items").EnumerateArray());
        Assert.True(first.GetProperty("total").GetInt32() >= 4);
        await ProblemAssert.IsProblemAsync(await townStaff.GetAsync("/api/staff?pageSize=0"), HttpStatusCode.BadRequest, "validation.failed");
        Assert.DoesNotContain("password", (await townStaff.GetStringAsync("/api/staff")).ToLowerInvariant().Replace("mustchangepassword", ""));
    }
}
