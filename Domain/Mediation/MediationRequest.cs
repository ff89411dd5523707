using Points.Domain.Common;

namespace Points.Domain.Mediation;

/// <summary>Where a mediation request stands.</summary>
public enum MediationStatus
{
    /// <summary>Asked for, waiting for staff to dispatch it (again, after a mediator declined).</summary>
    Requested,

    /// <summary>Sent to a mediator, who has not yet accepted.</summary>
    Dispatched,

    /// <summary>The mediator took it and is visiting the parties.</summary>
    Accepted,

    /// <summary>The mediator recorded an outcome; the parties are asked to confirm it.</summary>
    AwaitingConfirmation,

    /// <summary>Ended: the outcome stands (confirmed, or disputed a second time).</summary>
    Closed,

    /// <summary>Withdrawn by the resident before a mediator took it.</summary>
    Cancelled,
}

/// <summary>How a mediation ended.</summary>
public enum MediationOutcome
{
    Resolved,
    PartlyResolved,
    Unresolved,
    Referred,
}

/// <summary>
/// A resident's request for mediation (老娘舅) and its course: staff dispatch it to a volunteer mediator, who accepts or
/// declines, visits the parties, and records an outcome; the parties confirm it. A party's first disagreement sends the
/// case back to the mediator; a second one ends it as it stands. Only a resolved case the parties confirmed earns the
/// mediator points, and a case never makes a negative record by itself (that is a staff decision elsewhere).
/// </summary>
public sealed class MediationRequest
{
    public const int DescriptionMaxLength = 1000;
    public const int OtherPartyMaxLength = 100;
    public const int NoteMaxLength = 500;
    public const int SummaryMaxLength = 1000;
    public const int MaxReopens = 1;

    /// <summary>The award for a confirmed resolved case when the town has set no rule for it.</summary>
    public const int DefaultAwardPoints = 20;

    public static readonly DomainError NotFound = DomainError.NotFound("mediation.not_found", "调解申请不存在");
    public static readonly DomainError DescriptionInvalid = DomainError.Validation("mediation.description_invalid", "请描述纠纷情况（不超过1000字）");
    public static readonly DomainError OtherPartyInvalid = DomainError.Validation("mediation.other_party_invalid", "对方当事人的说明不超过100字，且不能是您本人");
    public static readonly DomainError NotDispatchable = DomainError.Conflict("mediation.not_dispatchable", "只有待派单的调解申请可以派单");
    public static readonly DomainError MediatorIsParty = DomainError.Conflict("mediation.mediator_is_party", "调解员不能是纠纷当事人");
    public static readonly DomainError NotYours = DomainError.Forbidden("mediation.not_assigned", "该调解案件没有派给您");
    public static readonly DomainError NotAwaitingAnswer = DomainError.Conflict("mediation.not_dispatched", "只有刚派给您、尚未接单的案件可以接单或退回");
    public static readonly DomainError NotInProgress = DomainError.Conflict("mediation.not_in_progress", "只有已接单、调解中的案件可以记录走访或结案");
    public static readonly DomainError VisitRequired = DomainError.Conflict("mediation.visit_required", "请先记录至少一次上门走访，再结案");
    public static readonly DomainError NoteInvalid = DomainError.Validation("mediation.note_invalid", "请填写内容（不超过500字）");
    public static readonly DomainError SummaryInvalid = DomainError.Validation("mediation.summary_invalid", "请填写调解经过和结果（不超过1000字）");
    public static readonly DomainError NotAwaitingConfirmation = DomainError.Conflict("mediation.not_awaiting_confirmation", "该案件当前不需要确认调解结果");
    public static readonly DomainError NotAParty = DomainError.Forbidden("mediation.not_a_party", "只有纠纷当事人可以确认调解结果");
    public static readonly DomainError AlreadyConfirmed = DomainError.Conflict("mediation.already_confirmed", "您已确认过调解结果");
    public static readonly DomainError NotCancellable = DomainError.Conflict("mediation.not_cancellable", "调解员接单后不能撤回，请与调解员联系");

    private MediationRequest()
    {
        Description = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid RequesterId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public MediationKind Kind { get; private set; }

    public string Description { get; private set; }

    /// <summary>Who the dispute is with, in the requester's words (e.g. 楼上邻居).</summary>
    public string? OtherParty { get; private set; }

    /// <summary>The other party when they are a resident here too; they confirm the outcome as well.</summary>
    public Guid? OtherPartyResidentId { get; private set; }

    public MediationStatus Status { get; private set; }

    public Guid? MediatorId { get; private set; }

    public Guid? DispatchedBy { get; private set; }

    public DateTimeOffset? DispatchedAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public int Declines { get; private set; }

    public int Visits { get; private set; }

    public MediationOutcome? Outcome { get; private set; }

    public string? Summary { get; private set; }

    public DateTimeOffset? OutcomeAt { get; private set; }

    public DateTimeOffset? RequesterConfirmedAt { get; private set; }

    public DateTimeOffset? OtherPartyConfirmedAt { get; private set; }

    public int Reopens { get; private set; }

    /// <summary>True when every party agreed with the outcome; false when it stands over a second disagreement.</summary>
    public bool? Confirmed { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The points the mediator was awarded for a confirmed resolution (the ledger entry is the record).</summary>
    public int? AwardedPoints { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public int Version { get; private set; }

    /// <summary>The mediator's open workload: cases dispatched to them or in their hands.</summary>
    public bool IsOpenFor(Guid mediatorId) =>
        MediatorId == mediatorId && Status is MediationStatus.Dispatched or MediationStatus.Accepted or MediationStatus.AwaitingConfirmation;

    public bool IsParty(Guid residentId) => residentId == RequesterId || residentId == OtherPartyResidentId;

    /// <summary>Whether the mediator has earned points: resolved, and every party agreed.</summary>
    public bool EarnsAward => Status == MediationStatus.Closed && Confirmed == true && Outcome == MediationOutcome.Resolved;

    public static Result<MediationRequest> Request(
        Guid id, Guid requesterId, Guid townId, Guid communityId, MediationKind kind, string description, string? otherParty, Guid? otherPartyResidentId, DateTimeOffset now)
    {
        if (!Enum.IsDefined(kind) || string.IsNullOrWhiteSpace(description) || description.Trim().Length > DescriptionMaxLength)
        {
            return DescriptionInvalid;
        }

        if (otherParty is { } o && o.Trim().Length > OtherPartyMaxLength || otherPartyResidentId == requesterId)
        {
            return OtherPartyInvalid;
        }

        return new MediationRequest
        {
            Id = id,
            RequesterId = requesterId,
            TownId = townId,
            CommunityId = communityId,
            Kind = kind,
            Description = description.Trim(),
            OtherParty = string.IsNullOrWhiteSpace(otherParty) ? null : otherParty.Trim(),
            OtherPartyResidentId = otherPartyResidentId,
            Status = MediationStatus.Requested,
            CreatedAt = now,
        };
    }

    public Result<MediationRequest> Dispatch(Mediator mediator, Guid staffId, DateTimeOffset now)
    {
        if (Status != MediationStatus.Requested)
        {
            return NotDispatchable;
        }

        if (!mediator.IsActive || mediator.TownId != TownId)
        {
            return Mediator.NotFound;
        }

        if (IsParty(mediator.ResidentId))
        {
            return MediatorIsParty;
        }

        Status = MediationStatus.Dispatched;
        MediatorId = mediator.Id;
        DispatchedBy = staffId;
        DispatchedAt = now;
        Version++;
        return this;
    }

    public Result<MediationRequest> Accept(Guid mediatorId, DateTimeOffset now)
    {
        if (MediatorId != mediatorId)
        {
            return NotYours;
        }

        if (Status != MediationStatus.Dispatched)
        {
            return NotAwaitingAnswer;
        }

        Status = MediationStatus.Accepted;
        AcceptedAt = now;
        Version++;
        return this;
    }

    /// <summary>The mediator hands the case back; it waits for staff to dispatch it to someone else.</summary>
    public Result<MediationRequest> Decline(Guid mediatorId, string reason)
    {
        if (MediatorId != mediatorId)
        {
            return NotYours;
        }

        if (Status != MediationStatus.Dispatched)
        {
            return NotAwaitingAnswer;
        }

        if (!NoteFits(reason))
        {
            return NoteInvalid;
        }

        Status = MediationStatus.Requested;
        MediatorId = null;
        DispatchedBy = null;
        DispatchedAt = null;
        Declines++;
        Version++;
        return this;
    }

    public Result<MediationRequest> RecordVisit(Guid mediatorId, string note)
    {
        if (MediatorId != mediatorId)
        {
            return NotYours;
        }

        if (Status != MediationStatus.Accepted)
        {
            return NotInProgress;
        }

        if (!NoteFits(note))
        {
            return NoteInvalid;
        }

        Visits++;
        Version++;
        return this;
    }

    /// <summary>Records the outcome; a case is closed only after a visit, except one referred elsewhere.</summary>
    public Result<MediationRequest> RecordOutcome(Guid mediatorId, MediationOutcome outcome, string summary, DateTimeOffset now)
    {
        if (MediatorId != mediatorId)
        {
            return NotYours;
        }

        if (Status != MediationStatus.Accepted)
        {
            return NotInProgress;
        }

        if (string.IsNullOrWhiteSpace(summary) || summary.Trim().Length > SummaryMaxLength || !Enum.IsDefined(outcome))
        {
            return SummaryInvalid;
        }

        if (Visits == 0 && outcome != MediationOutcome.Referred)
        {
            return VisitRequired;
        }

        Status = MediationStatus.AwaitingConfirmation;
        Outcome = outcome;
        Summary = summary.Trim();
        OutcomeAt = now;
        RequesterConfirmedAt = null;
        OtherPartyConfirmedAt = null;
        Version++;
        return this;
    }

    /// <summary>
    /// A party answers the outcome. Agreement by every party closes the case as confirmed. A disagreement sends it back
    /// to the mediator once; after that the outcome stands, marked as not agreed.
    /// </summary>
    public Result<MediationRequest> Confirm(Guid residentId, bool agree, DateTimeOffset now)
    {
        if (!IsParty(residentId))
        {
            return NotAParty;
        }

        if (Status != MediationStatus.AwaitingConfirmation)
        {
            return NotAwaitingConfirmation;
        }

        var isRequester = residentId == RequesterId;
        if ((isRequester ? RequesterConfirmedAt : OtherPartyConfirmedAt) is not null)
        {
            return AlreadyConfirmed;
        }

        if (!agree)
        {
            if (Reopens < MaxReopens)
            {
                Reopens++;
                Status = MediationStatus.Accepted;
                Outcome = null;
                Summary = null;
                OutcomeAt = null;
                RequesterConfirmedAt = null;
                OtherPartyConfirmedAt = null;
            }
            else
            {
                Close(confirmed: false, now);
            }

            Version++;
            return this;
        }

        if (isRequester)
        {
            RequesterConfirmedAt = now;
        }
        else
        {
            OtherPartyConfirmedAt = now;
        }

        if (RequesterConfirmedAt is not null && (OtherPartyResidentId is null || OtherPartyConfirmedAt is not null))
        {
            Close(confirmed: true, now);
        }

        Version++;
        return this;
    }

    public Result<MediationRequest> Cancel(Guid residentId, DateTimeOffset now)
    {
        if (residentId != RequesterId)
        {
            return NotAParty;
        }

        if (Status is not (MediationStatus.Requested or MediationStatus.Dispatched))
        {
            return NotCancellable;
        }

        Status = MediationStatus.Cancelled;
        ClosedAt = now;
        Version++;
        return this;
    }

    /// <summary>Records the award of a case that <see cref="EarnsAward"/>; the ledger posts it under the case's key.</summary>
    public void SetAward(int points)
    {
        if (EarnsAward)
        {
            AwardedPoints = points;
        }
    }

    private void Close(bool confirmed, DateTimeOffset now)
    {
        Status = MediationStatus.Closed;
        Confirmed = confirmed;
        ClosedAt = now;
    }

    private static bool NoteFits(string? note) => !string.IsNullOrWhiteSpace(note) && note.Trim().Length <= NoteMaxLength;
}
