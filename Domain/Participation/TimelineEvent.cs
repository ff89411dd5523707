namespace Points.Domain.Participation;

/// <summary>What a timeline step belongs to.</summary>
public enum TimelineSubject
{
    Declaration,
    HazardReport,
    NegativeRecord,
    Mediation,
}

/// <summary>
/// One step a resident can see on a declaration, hazard report or negative record (submitted,
/// approved by the community, asked for more information...). Append-only.
/// </summary>
public sealed class TimelineEvent
{
    public const int ActionMaxLength = 32;
    public const int NoteMaxLength = 500;

    private TimelineEvent()
    {
        Action = string.Empty;
    }

    public TimelineEvent(Guid id, TimelineSubject subject, Guid subjectId, string action, Guid? actorId, string? note, int? points, DateTimeOffset at)
    {
        Id = id;
        Subject = subject;
        SubjectId = subjectId;
        Action = action;
        ActorId = actorId;
        Note = note is { Length: > NoteMaxLength } ? note[..NoteMaxLength] : note;
        Points = points;
        At = at;
    }

    public Guid Id { get; private set; }

    public TimelineSubject Subject { get; private set; }

    public Guid SubjectId { get; private set; }

    public string Action { get; private set; }

    public Guid? ActorId { get; private set; }

    public string? Note { get; private set; }

    public int? Points { get; private set; }

    public DateTimeOffset At { get; private set; }
}

/// <summary>
/// The Chinese a resident or staff member reads for a timeline action code (codes stay stable for clients, the
/// title is what a person sees), and for a hazard report's rejection reason.
/// </summary>
public static class TimelineTitles
{
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["Submitted"] = "已提交",
        ["Resubmitted"] = "已补充材料重新提交",
        ["ForwardedToTown"] = "村社审核通过，转镇街复审",
        ["Approved"] = "审核通过",
        ["Rejected"] = "未通过",
        ["MoreInfoRequested"] = "要求补充材料",
        ["Revoked"] = "已撤销",
        ["Withdrawn"] = "已撤回",
        ["AwardCapped"] = "积分受每日上限限制",
        ["Reported"] = "已上报",
        ["Accepted"] = "已受理",
        ["Fixing"] = "整改中",
        ["Closed"] = "已办结",
        ["Recorded"] = "已记录",
        ["Explained"] = "本人已说明",
        ["Appealed"] = "本人已申诉",
        ["AppealAccepted"] = "申诉成立，记录撤销",
        ["AppealRejected"] = "申诉不成立，维持记录",
    };

    public static string Title(string action) => Titles.GetValueOrDefault(action, "处理记录");

    public static string Rejection(HazardRejection rejection) => rejection switch
    {
        HazardRejection.Duplicate => "重复上报",
        HazardRejection.NotAHazard => "不构成隐患",
        _ => "不予受理",
    };
}

