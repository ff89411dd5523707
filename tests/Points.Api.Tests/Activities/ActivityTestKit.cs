using Points.Api.Tests.Infrastructure;

namespace Points.Api.Tests.Activities;

internal static class ActivityTestKit
{
    /// <summary>A valid activity body two days after the factory clock, sign-up open since an hour ago.</summary>
    public static Dictionary<string, object?> Body(PointsApiFactory factory, int capacity = 30, Guid? communityId = null, string eligibility = "Anyone")
    {
        var now = factory.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var starts = now.Date.AddDays(2).AddHours(9);
        var startsAt = new DateTimeOffset(starts, TimeSpan.FromHours(8));
        return new Dictionary<string, object?>
        {
            ["title"] = "护水巡河",
            ["description"] = "沿河巡查",
            ["category"] = "RiverPatrol",
            ["communityId"] = communityId,
            ["address"] = "东山村村委会",
            ["latitude"] = 30.03,
            ["longitude"] = 120.87,
            ["startsAt"] = startsAt,
            ["endsAt"] = startsAt.AddHours(2),
            ["signUpOpensAt"] = now.AddHours(-1),
            ["signUpClosesAt"] = startsAt.AddHours(-1),
            ["cancellationDeadline"] = startsAt.AddHours(-12),
            ["capacity"] = capacity,
            ["points"] = 20,
            ["eligibility"] = eligibility,
        };
    }

    public static async Task<Guid> PublishedAsync(PointsApiFactory factory, int capacity = 30, string staff = "staff-dongshan", string eligibility = "Anyone")
    {
        var client = await factory.StaffAsync(staff);
        var created = await client.PostAsJsonAsync("/api/activities", Body(factory, capacity, eligibility: eligibility));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var published = await client.PostAsync($"/api/activities/{id}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        return id;
    }
}
