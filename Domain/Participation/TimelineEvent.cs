namespace Points.Domain.Participation;

/// <summary>What a timeline step belongs to.</summary>
public enum TimelineSubject
{
    Declaration,
    HazardReport,
    NegativeRecord,
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
