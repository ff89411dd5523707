using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Mediation;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Ledger;
using Points.Domain.Mediation;
using Points.Infrastructure.Ledger;
using Points.Infrastructure.Mediation;
using Points.Infrastructure.Participation;

namespace Points.Api.Tests.Mediation;

/// <summary>
/// 老娘舅 mediation end to end on PostgreSQL and Redis: a resident asks, staff dispatch from a ranked suggestion, the
/// mediator accepts, visits and closes, the parties confirm, the mediator is paid once under the town's rule, and the
/// case enters the case library without the people in it. Residents of 东山村 are the odd demo residents.
/// </summary>
public sealed class MediationTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));

    private const int Requester = 1;
    private const int OtherParty = 3;
    private const int MediatorResident = 5;
    private const int SecondMediatorResident = 7;

    [Fact]
    public async Task FullCase_DispatchVisitResolveConfirm_PaysTheMediatorOnce_AndFilesAnAnonymisedCase()
    {
        factory.Clock.Set(Monday);
        var mediatorId = await MediatorAsync(MediatorResident, MediationKind.Neighbour);
        await MediatorAsync(SecondMediatorResident, MediationKind.Family);
        var requesterName = await NameAsync(Requester);
        var otherName = await NameAsync(OtherParty);
        var requester = await factory.ResidentAsync(Requester);

        var asked = await requester.PostAsJsonAsync("/api/mediations", new
        {
            kind = "Neighbour",
            description = $"我是{requesterName}，住3号楼502室，楼上{otherName}家漏水，电话13812345678",
            otherParty = "楼上邻居",
            otherPartyResidentId = PointsApiFactory.DemoResidentId(OtherParty),
        });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var created = (await asked.Content.ReadFromJsonAsync<MediationResponse>(Json))!;
        Assert.Equal(MediationStatus.Requested, created.Status);
        Assert.Equal(PointsApiFactory.DongshanId, created.CommunityId);

        var staff = await factory.StaffAsync("staff-dongshan");
        var queue = (await staff.GetFromJsonAsync<MediationPageResponse>("/api/mediations?status=Requested", Json))!;
        Assert.Contains(queue.Items, i => i.Id == created.Id);
        var suggestions = (await staff.GetFromJsonAsync<List<MediatorSuggestionResponse>>($"/api/mediations/{created.Id}/suggestions", Json))!;
        Assert.Equal(mediatorId, suggestions[0].Mediator.Id);
        Assert.True(suggestions[0].ServesArea && suggestions[0].TakesKind);
        Assert.DoesNotContain(suggestions, s => s.Mediator.ResidentId == PointsApiFactory.DemoResidentId(OtherParty));

        var dispatched = await staff.PostAsJsonAsync($"/api/mediations/{created.Id}/dispatch", new { mediatorId });
        Assert.Equal(HttpStatusCode.OK, dispatched.StatusCode);

        var mediator = await factory.ResidentAsync(MediatorResident);
        var mine = (await mediator.GetFromJsonAsync<List<MediationResponse>>("/api/me/mediator/cases", Json))!;
        Assert.Contains(mine, c => c.Id == created.Id && c.Status == MediationStatus.Dispatched);
        Assert.Equal(HttpStatusCode.OK, (await mediator.PostAsync($"/api/mediations/{created.Id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mediator.PostAsJsonAsync($"/api/mediations/{created.Id}/visits", new { note = "上门查看漏水点，双方当面沟通" })).StatusCode);
        var closed = await mediator.PostAsJsonAsync($"/api/mediations/{created.Id}/outcome", new
        {
            outcome = "Resolved",
            summary = $"{otherName}同意请师傅修防水层，{requesterName}承担一半费用，联系电话13812345678",
        });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(MediationStatus.AwaitingConfirmation, (await closed.Content.ReadFromJsonAsync<MediationResponse>(Json))!.Status);

        Assert.Equal(HttpStatusCode.OK, (await requester.PostAsJsonAsync($"/api/mediations/{created.Id}/confirm", new { agree = true })).StatusCode);
        var other = await factory.ResidentAsync(OtherParty);
        var confirmations = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => other.PostAsJsonAsync($"/api/mediations/{created.Id}/confirm", new { agree = true })));
        Assert.Contains(confirmations, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(confirmations, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));

        var final = (await requester.GetFromJsonAsync<MediationResponse>($"/api/mediations/{created.Id}", Json))!;
        Assert.Equal(MediationStatus.Closed, final.Status);
        Assert.True(final.Confirmed);
        Assert.Equal(MediationRequest.DefaultAwardPoints, final.AwardedPoints);
        Assert.Contains(final.Steps, s => s.Action == MediationSteps.Visited && s.Title == "上门走访");

        // The backfill finds nothing to pay: the award is already there, once.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var job = new AwardBackfillJob(factory.Clock);
            factory.Clock.Advance(TimeSpan.FromMinutes(10));
            await job.BackfillAsync(scope.ServiceProvider.GetRequiredService<Points.Infrastructure.Persistence.PointsDbContext>(), scope.ServiceProvider.GetRequiredService<EarningService>(), CancellationToken.None);
        }

        var awards = await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.IdempotencyKey == MediationService.AwardKey(created.Id)).ToListAsync());
        var award = Assert.Single(awards);
        Assert.Equal(TransferReason.Mediation, award.Reason);
        Assert.Equal(MediationRequest.DefaultAwardPoints, award.Points);
        var mediatorWallet = await factory.WithDbAsync(db => db.LedgerAccounts.Where(a => a.Kind == AccountKind.ResidentWallet && a.OwnerId == PointsApiFactory.DemoResidentId(MediatorResident)).Select(a => a.Id).FirstAsync());
        Assert.Equal(mediatorWallet, award.CreditAccountId);

        var library = (await mediator.GetFromJsonAsync<CaseLibraryPageResponse>("/api/mediation-cases?kind=Neighbour&q=防水层", Json))!;
        var entry = Assert.Single(library.Items);
        var text = entry.Situation + entry.Settlement;
        Assert.DoesNotContain(requesterName, text, StringComparison.Ordinal);
        Assert.DoesNotContain(otherName, text, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("502", text, StringComparison.Ordinal);
        Assert.Contains("防水层", entry.Settlement, StringComparison.Ordinal);
        Assert.Equal("2026-11", entry.ClosedMonth);
        Assert.True(entry.Agreed);
        var staffSearch = (await staff.GetFromJsonAsync<CaseLibraryPageResponse>("/api/mediation-cases?kind=Family&q=防水层", Json))!;
        Assert.Empty(staffSearch.Items);
        await ProblemAssert.IsProblemAsync(await (await factory.ResidentAsync(9)).GetAsync("/api/mediation-cases"), HttpStatusCode.Forbidden, "mediation.library_forbidden");
    }

    [Fact]
    public async Task Disagreement_ReopensOnce_ThenClosesUnagreed_WithoutPointsOrANegativeRecord()
    {
        factory.Clock.Set(Monday.AddDays(1));
        var mediatorId = await MediatorAsync(MediatorResident, MediationKind.Neighbour);
        var requester = await factory.ResidentAsync(Requester);
        var negativeBefore = await factory.WithDbAsync(db => db.NegativeRecords.CountAsync());
        var id = await AskAsync(requester, "Family", "子女赡养问题");
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId })).StatusCode);
        var mediator = await factory.ResidentAsync(MediatorResident);
        await mediator.PostAsync($"/api/mediations/{id}/accept", null);

        await ProblemAssert.IsProblemAsync(await mediator.PostAsJsonAsync($"/api/mediations/{id}/outcome", new { outcome = "Unresolved", summary = "未谈拢" }), HttpStatusCode.Conflict, "mediation.visit_required");
        await mediator.PostAsJsonAsync($"/api/mediations/{id}/visits", new { note = "第一次上门" });
        await mediator.PostAsJsonAsync($"/api/mediations/{id}/outcome", new { outcome = "Resolved", summary = "初步达成一致" });
        var reopened = (await (await requester.PostAsJsonAsync($"/api/mediations/{id}/confirm", new { agree = false, comment = "对方没有履行" })).Content.ReadFromJsonAsync<MediationResponse>(Json))!;
        Assert.Equal(MediationStatus.Accepted, reopened.Status);
        Assert.Equal(1, reopened.Reopens);

        await mediator.PostAsJsonAsync($"/api/mediations/{id}/visits", new { note = "第二次上门" });
        await mediator.PostAsJsonAsync($"/api/mediations/{id}/outcome", new { outcome = "Unresolved", summary = "双方分歧较大，建议走法律途径" });
        var ended = (await (await requester.PostAsJsonAsync($"/api/mediations/{id}/confirm", new { agree = false })).Content.ReadFromJsonAsync<MediationResponse>(Json))!;

        Assert.Equal(MediationStatus.Closed, ended.Status);
        Assert.False(ended.Confirmed);
        Assert.Null(ended.AwardedPoints);
        Assert.Equal(0, await factory.WithDbAsync(db => db.JournalEntries.CountAsync(e => e.IdempotencyKey == MediationService.AwardKey(id))));
        Assert.Equal(negativeBefore, await factory.WithDbAsync(db => db.NegativeRecords.CountAsync()));
        Assert.Equal(1, await factory.WithDbAsync(db => db.CaseLibrary.CountAsync(c => c.Kind == MediationKind.Family && !c.Agreed)));
    }

    [Fact]
    public async Task Refusals_ScopePartiesAndStates_AnswerProblemDetails()
    {
        factory.Clock.Set(Monday.AddDays(2));
        var mediatorId = await MediatorAsync(MediatorResident, MediationKind.Neighbour);
        var requester = await factory.ResidentAsync(Requester);
        var staff = await factory.StaffAsync("staff-dongshan");

        await ProblemAssert.IsProblemAsync(await requester.PostAsJsonAsync("/api/mediations", new { kind = "Noise", description = "吵" }), HttpStatusCode.BadRequest, "request.malformed");
        await ProblemAssert.IsProblemAsync(await requester.PostAsJsonAsync("/api/mediations", new { kind = "Other", description = "x", otherPartyResidentId = Guid.NewGuid() }),
            HttpStatusCode.BadRequest, "mediation.other_party_invalid");

        // The mediator cannot take a case they are a party to.
        var own = await AskAsync(await factory.ResidentAsync(MediatorResident), "Neighbour", "我自己家的纠纷");
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync($"/api/mediations/{own}/dispatch", new { mediatorId }), HttpStatusCode.Conflict, "mediation.mediator_is_party");

        var id = await AskAsync(requester, "Property", "物业费纠纷");
        await ProblemAssert.IsProblemAsync(await (await factory.StaffAsync("staff-xihu")).PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId }), HttpStatusCode.NotFound, "mediation.not_found");
        await ProblemAssert.IsProblemAsync(await staff.PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId = Guid.NewGuid() }), HttpStatusCode.NotFound, "mediator.not_found");
        await ProblemAssert.IsProblemAsync(await (await factory.ResidentAsync(9)).PostAsync($"/api/mediations/{id}/accept", null), HttpStatusCode.Forbidden, "mediation.not_mediator");
        await ProblemAssert.IsProblemAsync(await (await factory.ResidentAsync(9)).GetAsync($"/api/mediations/{id}"), HttpStatusCode.NotFound, "mediation.not_found");

        // Two staff dispatching at once: one wins, the other is told.
        var second = await MediatorAsync(SecondMediatorResident, MediationKind.Family);
        var race = await Task.WhenAll(
            staff.PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId }),
            (await factory.StaffAsync("town-staff")).PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId = second }));
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.Conflict);

        var winner = (await requester.GetFromJsonAsync<MediationResponse>($"/api/mediations/{id}", Json))!.MediatorId;
        var winnerResident = winner == mediatorId ? MediatorResident : SecondMediatorResident;
        var assigned = await factory.ResidentAsync(winnerResident);
        await ProblemAssert.IsProblemAsync(await assigned.PostAsJsonAsync($"/api/mediations/{id}/decline", new { note = "" }), HttpStatusCode.BadRequest, "validation.failed");
        var declined = (await (await assigned.PostAsJsonAsync($"/api/mediations/{id}/decline", new { note = "近期外出" })).Content.ReadFromJsonAsync<MediationResponse>(Json))!;
        Assert.Equal(MediationStatus.Requested, declined.Status);
        Assert.Equal(1, declined.Declines);

        await staff.PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId });
        await (await factory.ResidentAsync(MediatorResident)).PostAsync($"/api/mediations/{id}/accept", null);
        await ProblemAssert.IsProblemAsync(await requester.PostAsync($"/api/mediations/{id}/cancel", null), HttpStatusCode.Conflict, "mediation.not_cancellable");
        await ProblemAssert.IsProblemAsync(await requester.PostAsJsonAsync($"/api/mediations/{id}/confirm", new { agree = true }), HttpStatusCode.Conflict, "mediation.not_awaiting_confirmation");
        await ProblemAssert.IsProblemAsync(await staff.GetAsync("/api/mediations?status=Nope"), HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Award_FollowsTheTownsRule_AndItsMonthlyCap()
    {
        factory.Clock.Set(Monday.AddDays(3));
        var townStaff = await factory.StaffAsync("town-staff");
        Assert.Equal(HttpStatusCode.OK, (await townStaff.PutAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/earning-rules/Mediation", new { defaultPoints = 30, monthlyCap = 45 })).StatusCode);
        var mediatorId = await MediatorAsync(SecondMediatorResident, MediationKind.Family);
        var earned = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            var id = await ResolvedAsync(mediatorId, SecondMediatorResident, $"第{i + 1}起家庭纠纷");
            earned.Add(await factory.WithDbAsync(db => db.JournalEntries.Where(e => e.IdempotencyKey == MediationService.AwardKey(id)).Select(e => e.Points).FirstOrDefaultAsync()));
            var recorded = (await (await factory.ResidentAsync(Requester)).GetFromJsonAsync<MediationResponse>($"/api/mediations/{id}", Json))!.AwardedPoints;
            Assert.Equal((int?)earned[^1], recorded);
        }

        Assert.Equal([30L, 15L], earned);
        await townStaff.PutAsJsonAsync($"/api/towns/{PointsApiFactory.DemoTownId}/earning-rules/Mediation", new { defaultPoints = MediationRequest.DefaultAwardPoints });
    }

    private async Task<Guid> ResolvedAsync(Guid mediatorId, int mediatorResident, string description)
    {
        var requester = await factory.ResidentAsync(Requester);
        var id = await AskAsync(requester, "Family", description);
        var staff = await factory.StaffAsync("staff-dongshan");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/mediations/{id}/dispatch", new { mediatorId })).StatusCode);
        var mediator = await factory.ResidentAsync(mediatorResident);
        Assert.Equal(HttpStatusCode.OK, (await mediator.PostAsync($"/api/mediations/{id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mediator.PostAsJsonAsync($"/api/mediations/{id}/visits", new { note = "上门" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mediator.PostAsJsonAsync($"/api/mediations/{id}/outcome", new { outcome = "Resolved", summary = "和好" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await requester.PostAsJsonAsync($"/api/mediations/{id}/confirm", new { agree = true })).StatusCode);
        return id;
    }

    private static async Task<Guid> AskAsync(HttpClient resident, string kind, string description)
    {
        var response = await resident.PostAsJsonAsync("/api/mediations", new { kind, description });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MediationResponse>(Json))!.Id;
    }

    /// <summary>The demo resident's mediator record in 东山村, registered by its staff on first use.</summary>
    private async Task<Guid> MediatorAsync(int resident, MediationKind kind)
    {
        var residentId = PointsApiFactory.DemoResidentId(resident);
        if (await factory.WithDbAsync(db => db.Mediators.Where(m => m.ResidentId == residentId).Select(m => (Guid?)m.Id).FirstOrDefaultAsync()) is { } existing)
        {
            return existing;
        }

        var staff = await factory.StaffAsync("staff-dongshan");
        var response = await staff.PostAsJsonAsync("/api/mediators", new { residentId, areas = new[] { PointsApiFactory.DongshanId }, kinds = new[] { kind.ToString() } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var again = await staff.PostAsJsonAsync("/api/mediators", new { residentId, areas = new[] { PointsApiFactory.DongshanId }, kinds = new[] { kind.ToString() } });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "mediator.already_registered");
        var outside = await staff.PostAsJsonAsync("/api/mediators", new { residentId = PointsApiFactory.DemoResidentId(2), areas = new[] { PointsApiFactory.DongshanId }, kinds = new[] { "Family" } });
        await ProblemAssert.IsProblemAsync(outside, HttpStatusCode.Forbidden, "mediation.out_of_scope");
        return (await response.Content.ReadFromJsonAsync<MediatorResponse>(Json))!.Id;
    }

    private Task<string> NameAsync(int resident) =>
        factory.WithDbAsync(db => db.Users.Where(u => u.Id == PointsApiFactory.DemoResidentId(resident)).Select(u => u.DisplayName).FirstAsync());
}
