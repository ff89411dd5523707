using System.ComponentModel.DataAnnotations;
using Points.Domain.Mediation;
using Points.Infrastructure.Mediation;

namespace Points.Api.Mediation;

public sealed record RegisterMediatorRequest(
    [property: Required(ErrorMessage = "请选择居民")]
    Guid? ResidentId,
    [property: Required(ErrorMessage = "请至少选择一个服务的村社")]
    [property: MaxLength(Mediator.MaxAreas, ErrorMessage = "服务的村社不超过50个")]
    IReadOnlyList<Guid>? Areas,
    [property: Required(ErrorMessage = "请至少选择一种调解类型")]
    IReadOnlyList<MediationKind>? Kinds);

public sealed record UpdateMediatorRequest(
    [property: MaxLength(Mediator.MaxAreas, ErrorMessage = "服务的村社不超过50个")]
    IReadOnlyList<Guid>? Areas,
    IReadOnlyList<MediationKind>? Kinds,
    bool? Active);

public sealed record MediatorAreaResponse(Guid Id, string Name);

public sealed record MediatorResponse(
    Guid Id, Guid ResidentId, string Name, IReadOnlyList<MediatorAreaResponse> Areas, IReadOnlyList<MediationKind> Kinds, bool Active,
    int OpenCases, int Resolved, int Closed)
{
    public static MediatorResponse From(MediatorView v) =>
        new(v.Mediator.Id, v.Mediator.ResidentId, v.Name, [.. v.Areas.Select(a => new MediatorAreaResponse(a.Id, a.Name))], v.Mediator.KindList,
            v.Mediator.IsActive, v.OpenCases, v.Resolved, v.Closed);
}

public sealed record MediatorSuggestionResponse(MediatorResponse Mediator, bool ServesArea, bool TakesKind);

public sealed record RequestMediationRequest(
    [property: Required(ErrorMessage = "请选择纠纷类型")]
    MediationKind? Kind,
    [property: Required(ErrorMessage = "请描述纠纷情况")]
    [property: StringLength(MediationRequest.DescriptionMaxLength, ErrorMessage = "纠纷情况不超过1000字")]
    string? Description,
    [property: StringLength(MediationRequest.OtherPartyMaxLength, ErrorMessage = "对方当事人的说明不超过100字")]
    string? OtherParty,
    Guid? OtherPartyResidentId);

public sealed record DispatchMediationRequest(
    [property: Required(ErrorMessage = "请选择调解员")]
    Guid? MediatorId);

public sealed record MediationNoteRequest(
    [property: Required(ErrorMessage = "请填写内容")]
    [property: StringLength(MediationRequest.NoteMaxLength, ErrorMessage = "内容不超过500字")]
    string? Note);

public sealed record MediationOutcomeRequest(
    [property: Required(ErrorMessage = "请选择调解结果")]
    MediationOutcome? Outcome,
    [property: Required(ErrorMessage = "请填写调解经过和结果")]
    [property: StringLength(MediationRequest.SummaryMaxLength, ErrorMessage = "调解经过和结果不超过1000字")]
    string? Summary);

public sealed record ConfirmMediationRequest(
    [property: Required(ErrorMessage = "请选择是否认可调解结果")]
    bool? Agree,
    [property: StringLength(MediationRequest.NoteMaxLength, ErrorMessage = "意见不超过500字")]
    string? Comment);

public sealed record MediationStepResponse(string Action, string Title, DateTimeOffset At, string? Note, bool ByMe);

public sealed record MediationResponse(
    Guid Id, MediationKind Kind, MediationStatus Status, string Description, Guid CommunityId,
    Guid RequesterId, string RequesterName, string? OtherParty, Guid? OtherPartyResidentId, string? OtherPartyName,
    Guid? MediatorId, string? MediatorName, int Declines, int Visits, MediationOutcome? Outcome, string? Summary, bool? Confirmed, int Reopens,
    int? AwardedPoints, DateTimeOffset CreatedAt, DateTimeOffset? DispatchedAt, DateTimeOffset? AcceptedAt, DateTimeOffset? OutcomeAt,
    DateTimeOffset? ClosedAt, int Version, IReadOnlyList<MediationStepResponse> Steps)
{
    public static MediationResponse From(MediationView v, Guid viewerId)
    {
        var r = v.Request;
        return new(r.Id, r.Kind, r.Status, r.Description, r.CommunityId, r.RequesterId, v.RequesterName, r.OtherParty, r.OtherPartyResidentId, v.OtherPartyName,
            r.MediatorId, v.MediatorName, r.Declines, r.Visits, r.Outcome, r.Summary, r.Confirmed, r.Reopens, r.AwardedPoints,
            r.CreatedAt, r.DispatchedAt, r.AcceptedAt, r.OutcomeAt, r.ClosedAt, r.Version,
            [.. v.Steps.Select(s => new MediationStepResponse(s.Action, MediationSteps.Title(s.Action), s.At, s.Note, s.ActorId == viewerId))]);
    }
}

public sealed record MediationPageResponse(int Total, int Page, int PageSize, IReadOnlyList<MediationResponse> Items);

public sealed record CaseLibraryEntryResponse(Guid Id, MediationKind Kind, MediationOutcome Outcome, int Visits, string Situation, string Settlement, bool Agreed, string ClosedMonth)
{
    public static CaseLibraryEntryResponse From(CaseLibraryEntry e) => new(e.Id, e.Kind, e.Outcome, e.Visits, e.Situation, e.Settlement, e.Agreed, e.ClosedMonth);
}

public sealed record CaseLibraryPageResponse(int Total, int Page, int PageSize, IReadOnlyList<CaseLibraryEntryResponse> Items);
