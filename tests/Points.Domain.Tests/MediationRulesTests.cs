using Points.Domain.Mediation;

namespace Points.Domain.Tests;

/// <summary>The 老娘舅 case's state machine, the mediator ranking, and what the case library keeps of a case.</summary>
public sealed class MediationRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Town = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Community = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    private static readonly Guid OtherCommunity = Guid.Parse("00000000-0000-0000-0000-0000000000c2");
    private static readonly Guid Requester = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Neighbour = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Staff = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    private static Mediator NewMediator(Guid? resident = null, Guid? community = null, MediationKind kind = MediationKind.Neighbour, int minutes = 0) =>
        Mediator.Register(Guid.NewGuid(), resident ?? Guid.NewGuid(), Town, [community ?? Community], [kind], Staff, T0.AddMinutes(minutes)).Value;

    private static MediationRequest NewCase(Guid? otherParty = null) =>
        MediationRequest.Request(Guid.NewGuid(), Requester, Town, Community, MediationKind.Neighbour, "楼上漏水", "楼上邻居", otherParty, T0).Value;

    /// <summary>A case in the mediator's hands with <paramref name="visits"/> visits recorded.</summary>
    private static (MediationRequest Case, Mediator Mediator) Accepted(Guid? otherParty = null, int visits = 1)
    {
        var request = NewCase(otherParty);
        var mediator = NewMediator();
        Assert.True(request.Dispatch(mediator, Staff, T0.AddHours(1)).IsSuccess);
        Assert.True(request.Accept(mediator.Id, T0.AddHours(2)).IsSuccess);
        for (var i = 0; i < visits; i++)
        {
            Assert.True(request.RecordVisit(mediator.Id, "上门了解情况").IsSuccess);
        }

        return (request, mediator);
    }

    public static TheoryData<string, string?, Guid?, string?> Requests => new()
    {
        { "楼上漏水", null, null, null },
        { new string('字', MediationRequest.DescriptionMaxLength), null, null, null },
        { new string('字', MediationRequest.DescriptionMaxLength + 1), null, null, "mediation.description_invalid" },
        { "  ", null, null, "mediation.description_invalid" },
        { "楼上漏水", new string('人', MediationRequest.OtherPartyMaxLength), null, null },
        { "楼上漏水", new string('人', MediationRequest.OtherPartyMaxLength + 1), null, "mediation.other_party_invalid" },
        { "楼上漏水", null, Requester, "mediation.other_party_invalid" },
        { "楼上漏水", null, Neighbour, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Request_Boundaries(string description, string? otherParty, Guid? otherPartyResident, string? code)
    {
        var result = MediationRequest.Request(Guid.NewGuid(), Requester, Town, Community, MediationKind.Family, description, otherParty, otherPartyResident, T0);

        Assert.Equal(code, result.IsSuccess ? null : result.Error.Code);
        if (result.IsSuccess)
        {
            Assert.Equal(MediationStatus.Requested, result.Value.Status);
        }
    }

    [Fact]
    public void Dispatch_ToAParty_OrAnInactiveMediator_OrTwice_IsRefused()
    {
        var request = NewCase(Neighbour);
        var party = NewMediator(resident: Neighbour);
        var inactive = NewMediator();
        inactive.Update(null, null, active: false);
        var good = NewMediator();

        Assert.Equal("mediation.mediator_is_party", request.Dispatch(party, Staff, T0).Error!.Code);
        Assert.Equal("mediator.not_found", request.Dispatch(inactive, Staff, T0).Error!.Code);
        Assert.True(request.Dispatch(good, Staff, T0).IsSuccess);
        Assert.Equal("mediation.not_dispatchable", request.Dispatch(NewMediator(), Staff, T0).Error!.Code);
        Assert.Equal(MediationStatus.Dispatched, request.Status);
        Assert.Equal(good.Id, request.MediatorId);
    }

    [Fact]
    public void Decline_NeedsAReason_AndReturnsTheCaseForDispatch()
    {
        var request = NewCase();
        var mediator = NewMediator();
        request.Dispatch(mediator, Staff, T0);

        Assert.Equal("mediation.note_invalid", request.Decline(mediator.Id, " ").Error!.Code);
        Assert.Equal("mediation.not_assigned", request.Decline(Guid.NewGuid(), "外出").Error!.Code);
        Assert.True(request.Decline(mediator.Id, "近期外出").IsSuccess);
        Assert.Equal(MediationStatus.Requested, request.Status);
        Assert.Null(request.MediatorId);
        Assert.Equal(1, request.Declines);
        Assert.Equal("mediation.not_assigned", request.Accept(mediator.Id, T0).Error!.Code);
    }

    [Theory]
    [InlineData(0, MediationOutcome.Resolved, "mediation.visit_required")]
    [InlineData(0, MediationOutcome.Unresolved, "mediation.visit_required")]
    [InlineData(0, MediationOutcome.Referred, null)]
    [InlineData(1, MediationOutcome.Resolved, null)]
    [InlineData(1, MediationOutcome.PartlyResolved, null)]
    public void Outcome_NeedsAVisit_ExceptAReferral(int visits, MediationOutcome outcome, string? code)
    {
        var (request, mediator) = Accepted(visits: visits);

        var result = request.RecordOutcome(mediator.Id, outcome, "双方达成协议", T0.AddDays(1));

        Assert.Equal(code, result.IsSuccess ? null : result.Error.Code);
        Assert.Equal(code is null ? MediationStatus.AwaitingConfirmation : MediationStatus.Accepted, request.Status);
    }

    [Fact]
    public void Confirm_ByBothParties_ClosesAsConfirmed_AndOnlyAResolutionEarns()
    {
        var (request, mediator) = Accepted(otherParty: Neighbour);
        request.RecordOutcome(mediator.Id, MediationOutcome.Resolved, "双方达成协议", T0.AddDays(1));

        Assert.Equal("mediation.not_a_party", request.Confirm(Guid.NewGuid(), true, T0.AddDays(2)).Error!.Code);
        Assert.True(request.Confirm(Requester, true, T0.AddDays(2)).IsSuccess);
        Assert.Equal(MediationStatus.AwaitingConfirmation, request.Status);
        Assert.Equal("mediation.already_confirmed", request.Confirm(Requester, true, T0.AddDays(2)).Error!.Code);
        Assert.False(request.EarnsAward);
        Assert.True(request.Confirm(Neighbour, true, T0.AddDays(3)).IsSuccess);

        Assert.Equal(MediationStatus.Closed, request.Status);
        Assert.True(request.Confirmed);
        Assert.True(request.EarnsAward);
        Assert.Equal("mediation.not_awaiting_confirmation", request.Confirm(Neighbour, true, T0.AddDays(3)).Error!.Code);
    }

    [Theory]
    [InlineData(MediationOutcome.Resolved, true)]
    [InlineData(MediationOutcome.PartlyResolved, false)]
    [InlineData(MediationOutcome.Unresolved, false)]
    [InlineData(MediationOutcome.Referred, false)]
    public void EarnsAward_OnlyForAConfirmedResolution(MediationOutcome outcome, bool earns)
    {
        var (request, mediator) = Accepted();
        request.RecordOutcome(mediator.Id, outcome, "经过", T0.AddDays(1));
        request.Confirm(Requester, true, T0.AddDays(2));
        request.SetAward(20);

        Assert.Equal(MediationStatus.Closed, request.Status);
        Assert.Equal(earns, request.EarnsAward);
        Assert.Equal(earns ? 20 : null, request.AwardedPoints);
    }

    [Fact]
    public void Disagreement_ReopensOnce_ThenTheOutcomeStandsUnagreed()
    {
        var (request, mediator) = Accepted();
        request.RecordOutcome(mediator.Id, MediationOutcome.Resolved, "第一次", T0.AddDays(1));

        Assert.True(request.Confirm(Requester, false, T0.AddDays(2)).IsSuccess);
        Assert.Equal(MediationStatus.Accepted, request.Status);
        Assert.Null(request.Outcome);
        Assert.Equal(1, request.Reopens);

        Assert.True(request.RecordOutcome(mediator.Id, MediationOutcome.Resolved, "第二次", T0.AddDays(3)).IsSuccess);
        Assert.True(request.Confirm(Requester, false, T0.AddDays(4)).IsSuccess);
        Assert.Equal(MediationStatus.Closed, request.Status);
        Assert.False(request.Confirmed);
        Assert.False(request.EarnsAward);
        Assert.Equal(MediationOutcome.Resolved, request.Outcome);
    }

    [Theory]
    [InlineData(MediationStatus.Requested, null)]
    [InlineData(MediationStatus.Dispatched, null)]
    [InlineData(MediationStatus.Accepted, "mediation.not_cancellable")]
    public void Cancel_OnlyBeforeTheMediatorTakesIt(MediationStatus at, string? code)
    {
        var request = NewCase();
        var mediator = NewMediator();
        if (at != MediationStatus.Requested)
        {
            request.Dispatch(mediator, Staff, T0);
        }

        if (at == MediationStatus.Accepted)
        {
            request.Accept(mediator.Id, T0);
        }

        Assert.Equal("mediation.not_a_party", request.Cancel(Neighbour, T0).Error!.Code);
        var result = request.Cancel(Requester, T0.AddHours(1));

        Assert.Equal(code, result.IsSuccess ? null : result.Error.Code);
    }

    [Fact]
    public void Rank_PutsArea_ThenKind_ThenTheLightestLoadFirst()
    {
        var far = NewMediator(community: OtherCommunity, minutes: 1);
        var nearOtherKind = NewMediator(kind: MediationKind.Family, minutes: 2);
        var nearBusy = NewMediator(minutes: 3);
        var nearFree = NewMediator(minutes: 4);
        var load = new Dictionary<Guid, int> { [far.Id] = 0, [nearOtherKind.Id] = 0, [nearBusy.Id] = 3, [nearFree.Id] = 1 };

        var ranked = Mediator.Rank([far, nearOtherKind, nearBusy, nearFree], m => m, m => load[m.Id], Community, MediationKind.Neighbour);

        Assert.Equal([nearFree.Id, nearBusy.Id, nearOtherKind.Id, far.Id], ranked.Select(m => m.Id).ToArray());
    }

    public static TheoryData<string, string[], string> Texts => new()
    {
        { "王建国和李秀英因为漏水吵架", ["王建国", "李秀英"], "某某和某某因为漏水吵架" },
        { "老王说小王不讲理，王阿姨也来了", ["王建国"], "老某说小某不讲理，某阿姨也来了" },
        { "电话13812345678，或 0574-8765 4321", [], "电话***，或 ***" },
        { "住3号楼502室，车牌浙B12345", [], "住*号楼*室，车牌浙B*" },
        { "门口在解放路12号，住中山大道8号", [], "门口在某路*号，住某大道*号" },
        { "家门口解放路12号", [], "家门口解放路*号" },
        { "身份证330282199001011234", [], "身份证***" },
        { "双方同意各付一半维修费", ["王"], "双方同意各付一半维修费" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Anonymise_TakesOutNamesPhonesAndAddresses(string text, string[] names, string expected) =>
        Assert.Equal(expected, CaseAnonymiser.Anonymise(text, names));

    [Fact]
    public void LibraryEntry_KeepsKindOutcomeAndMonth_NotThePeople()
    {
        var (request, mediator) = Accepted();
        request.RecordOutcome(mediator.Id, MediationOutcome.Resolved, "调解员到张三家，张三同意赔偿", T0.AddDays(1));
        request.Confirm(Requester, true, T0.AddDays(2));

        var entry = CaseLibraryEntry.From(Guid.NewGuid(), request, ["张三"], "2026-11");

        Assert.Equal(MediationKind.Neighbour, entry.Kind);
        Assert.Equal(MediationOutcome.Resolved, entry.Outcome);
        Assert.Equal(1, entry.Visits);
        Assert.True(entry.Agreed);
        Assert.Equal("2026-11", entry.ClosedMonth);
        Assert.Equal("调解员到某某家，某某同意赔偿", entry.Settlement);
        Assert.DoesNotContain("张三", entry.Situation + entry.Settlement, StringComparison.Ordinal);
    }
}
