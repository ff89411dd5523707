using System.ComponentModel.DataAnnotations;
using Points.Domain.Premises;
using Points.Infrastructure.Premises;

namespace Points.Api.Premises;

public sealed record PremisesRequest(
    [property: Required(ErrorMessage = "请填写场所名称 name")]
    [property: StringLength(KeyPremises.NameMaxLength, MinimumLength = 1, ErrorMessage = "场所名称须为1到64个字")]
    string? Name,
    [property: Required(ErrorMessage = "请选择场所类型 kind")]
    PremisesKind? Kind,
    Guid? GridId,
    [property: Required(ErrorMessage = "请填写地址 address")]
    [property: StringLength(KeyPremises.AddressMaxLength, MinimumLength = 1, ErrorMessage = "地址须为1到200个字")]
    string? Address,
    [property: Required(ErrorMessage = "请指定责任人 responsibleResidentId")]
    Guid? ResponsibleResidentId);

public sealed record ChecklistItemRequest(
    [property: Required(ErrorMessage = "请填写检查项内容 text")]
    [property: StringLength(PremisesChecklist.ItemTextMaxLength, MinimumLength = 1, ErrorMessage = "检查项内容须为1到100个字")]
    string? Text,
    bool Critical);

public sealed record ChecklistRequest(
    [property: Required(ErrorMessage = "请填写检查项 items")]
    [property: MinLength(1, ErrorMessage = "至少一项检查内容")]
    [property: MaxLength(PremisesChecklist.MaxItems, ErrorMessage = "检查项最多50项")]
    IReadOnlyList<ChecklistItemRequest>? Items);

public sealed record SelfCheckAnswerRequest(
    [property: Required(ErrorMessage = "请填写检查项序号 item")]
    int? Item,
    [property: Required(ErrorMessage = "请填写是否合格 pass")]
    bool? Pass);

public sealed record SelfCheckRequest(
    [property: Required(ErrorMessage = "请填写月份 month（yyyy-MM）")]
    string? Month,
    [property: Required(ErrorMessage = "请逐项填写 answers")]
    [property: MaxLength(PremisesChecklist.MaxItems, ErrorMessage = "回答最多50项")]
    IReadOnlyList<SelfCheckAnswerRequest>? Answers,
    [property: MaxLength(PremisesSelfCheck.MaxPhotos, ErrorMessage = "照片最多9张")]
    IReadOnlyList<Guid>? PhotoIds);

public sealed record FollowUpCloseRequest(
    [property: Required(ErrorMessage = "请填写办结说明 note")]
    [property: StringLength(PremisesFollowUp.NoteMaxLength, MinimumLength = 1, ErrorMessage = "办结说明须为1到500个字")]
    string? Note);

public sealed record ChecklistItemResponse(int Item, string Text, bool Critical);

public sealed record ChecklistResponse(Guid Id, Guid TownId, PremisesKind Kind, int Version, DateTimeOffset PublishedAt, IReadOnlyList<ChecklistItemResponse> Items)
{
    public static ChecklistResponse From(PremisesChecklist c) =>
        new(c.Id, c.TownId, c.Kind, c.Version, c.PublishedAt, [.. c.Ordered.Select(i => new ChecklistItemResponse(i.Index, i.Text, i.Critical))]);
}

/// <summary>A premises as staff see it: where it is, who answers for it, its colour now and its last self-check.</summary>
public sealed record PremisesResponse(
    Guid Id, string Code, string Name, PremisesKind Kind, string Address, Guid TownId, Guid CommunityId, Guid? GridId, string? GridName,
    Guid ResponsibleResidentId, string ResponsibleName, PremisesColour Colour, DateTimeOffset? LastCheckedAt, DateTimeOffset CreatedAt)
{
    public static PremisesResponse From(PremisesView v)
    {
        var p = v.Premises;
        return new(p.Id, p.Code, p.Name, p.Kind, p.Address, p.TownId, p.CommunityId, p.GridId, v.GridName, p.ResponsibleResidentId, v.ResponsibleName,
            v.Colour, v.LastCheckedAt, p.CreatedAt);
    }
}

public sealed record PremisesPage(IReadOnlyList<PremisesResponse> Items, int Page, int PageSize, int Total);

/// <summary>The responsible resident's premises: its colour, this month, whether it is checked, and the checklist to answer.</summary>
public sealed record MyPremisesResponse(
    Guid Id, string Code, string Name, PremisesKind Kind, string Address, PremisesColour Colour, DateTimeOffset? LastCheckedAt,
    string Month, bool CheckedThisMonth, ChecklistResponse? Checklist);

/// <summary>What anyone scanning the door code sees: nothing about a person.</summary>
public sealed record PublicPremisesResponse(string Name, PremisesColour Colour, DateTimeOffset? LastCheckedAt);

public sealed record SelfCheckResponse(
    Guid Id, Guid PremisesId, string Month, int ChecklistVersion, PremisesColour Colour, DateTimeOffset CheckedAt, long PointsAwarded, PremisesColour PremisesColour)
{
    public static SelfCheckResponse From(SelfCheckOutcome o) =>
        new(o.Check.Id, o.Check.PremisesId, o.Check.Month, o.Check.ChecklistVersion, o.Check.Colour, o.Check.CheckedAt, o.PointsAwarded, o.Premises.Colour);
}

public sealed record PremisesStatsResponse(
    string Month, Guid TownId, Guid? CommunityId, Guid? GridId, bool Closed, int Total, int Green, int Yellow, int Red, int Unchecked, double ConversionRate)
{
    public static PremisesStatsResponse From(PremisesScope scope, PremisesStats s) =>
        new(s.Month, scope.TownId, scope.CommunityId, scope.GridId, s.Closed, s.Total, s.Green, s.Yellow, s.Red, s.Unchecked, s.ConversionRate);
}

public sealed record FollowUpResponse(
    Guid Id, FollowUpKind Kind, Guid PremisesId, string PremisesName, string PremisesCode, string Address, Guid CommunityId, Guid? GridId, string? GridName,
    string Month, Guid? AssigneeId, string? AssigneeName, DateTimeOffset CreatedAt, bool Open, DateTimeOffset? ClosedAt, string? Note)
{
    public static FollowUpResponse From(FollowUpView v)
    {
        var f = v.FollowUp;
        return new(f.Id, f.Kind, f.PremisesId, v.PremisesName, v.PremisesCode, v.Address, f.CommunityId, f.GridId, v.GridName, f.Month, f.AssigneeId, v.AssigneeName,
            f.CreatedAt, f.IsOpen, f.ClosedAt, f.Note);
    }
}

public sealed record FollowUpPage(IReadOnlyList<FollowUpResponse> Items, int Page, int PageSize, int Total);
