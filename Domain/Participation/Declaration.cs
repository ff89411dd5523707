using Points.Domain.Common;

namespace Points.Domain.Participation;

public enum DeclarationCategory
{
    GoodDeed,
    Mediation,
    SafetyInspection,
    Other,
}

public enum DeclarationStatus
{
    Pending,
    NeedMoreInfo,
    Approved,
    Rejected,
    Revoked,
    Withdrawn,
}

/// <summary>Which staff level holds the declaration: the community first, the town second when the town asks for it.</summary>
public enum ReviewLevel
{
    Community,
    Town,
}

public enum ReviewDecision
{
    Approve,
    Reject,
    NeedMoreInfo,
}

/// <summary>
/// A resident's declaration (群众申报) of a good deed, a mediation or a safety inspection. Community
/// staff review it first; when the town's setting for its category asks for it, town staff review it
/// second. Approval awards points; a later revocation reverses them. <see cref="Version"/> is the
/// optimistic concurrency token: two reviewers of the same item cannot both win.
/// </summary>
public sealed class Declaration
{
    public const int TextMaxLength = 1000;
    public const int ReasonMaxLength = 500;
    public const int MaxPhotos = 9;
    public const int PhotoIdsMaxLength = 400;
    public const int MaxPoints = 1000;

    private Declaration()
    {
        Text = string.Empty;
        PhotoIds = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid ResidentId { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public DeclarationCategory Category { get; private set; }

    public string Text { get; private set; }

    /// <summary>Upload ids, comma separated (at most nine).</summary>
    public string PhotoIds { get; private set; }

    public DeclarationStatus Status { get; private set; }

    public ReviewLevel Level { get; private set; }

    /// <summary>Who decided the first (community) level when it forwarded to the town: the second level must be someone else.</summary>
    public Guid? FirstReviewerId { get; private set; }

    /// <summary>Points the community proposed when forwarding to the town.</summary>
    public int? ProposedPoints { get; private set; }

    public int? AwardedPoints { get; private set; }

    public string? LastReason { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    /// <summary>When anyone last acted on it: the review queue's age and staleness count from here.</summary>
    public DateTimeOffset LastActionAt { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public int Version { get; private set; }

    public IReadOnlyList<Guid> PhotoIdList => ParseIds(PhotoIds);

    public static Result<Declaration> Submit(Guid id, Guid residentId, Guid townId, Guid communityId, DeclarationCategory category, string text, IReadOnlyList<Guid> photoIds, DateTimeOffset now)
    {
        if (CheckContent(text, photoIds) is { } error)
        {
            return error;
        }

        return new Declaration
        {
            Id = id,
            ResidentId = residentId,
            TownId = townId,
            CommunityId = communityId,
            Category = category,
            Text = text.Trim(),
            PhotoIds = JoinIds(photoIds),
            Status = DeclarationStatus.Pending,
            Level = ReviewLevel.Community,
            SubmittedAt = now,
            LastActionAt = now,
        };
    }

    /// <summary>After staff asked for more information: new text and photos go back to the level that asked.</summary>
    public Result<Declaration> Resubmit(string text, IReadOnlyList<Guid> photoIds, DateTimeOffset now)
    {
        if (Status != DeclarationStatus.NeedMoreInfo)
        {
            return DeclarationErrors.NotAwaitingInfo;
        }

        if (CheckContent(text, photoIds) is { } error)
        {
            return error;
        }

        Text = text.Trim();
        PhotoIds = JoinIds(photoIds);
        Status = DeclarationStatus.Pending;
        Touch(now);
        return this;
    }

    public Result<Declaration> Withdraw(DateTimeOffset now)
    {
        if (Status is not (DeclarationStatus.Pending or DeclarationStatus.NeedMoreInfo))
        {
            return DeclarationErrors.NotWithdrawable;
        }

        Status = DeclarationStatus.Withdrawn;
        DecidedAt = now;
        Touch(now);
        return this;
    }

    /// <summary>
    /// A review at <paramref name="level"/>. Approving at the community level forwards to the town
    /// when <paramref name="needsTownReview"/>; otherwise approval is final and returns the points to award.
    /// </summary>
    public Result<ReviewOutcome> Review(ReviewLevel level, ReviewDecision decision, string? reason, int points, bool needsTownReview, Guid reviewerId, DateTimeOffset now)
    {
        if (Status != DeclarationStatus.Pending || Level != level)
        {
            return DeclarationErrors.ReviewConflict;
        }

        if (level == ReviewLevel.Town && FirstReviewerId == reviewerId)
        {
            return DeclarationErrors.SameReviewer;
        }

        if (decision is ReviewDecision.Reject or ReviewDecision.NeedMoreInfo && string.IsNullOrWhiteSpace(reason))
        {
            return DeclarationErrors.ReasonRequired;
        }

        if (points is < 0 or > MaxPoints)
        {
            return DeclarationErrors.PointsInvalid;
        }

        LastReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        Touch(now);
        switch (decision)
        {
            case ReviewDecision.Reject:
                Status = DeclarationStatus.Rejected;
                DecidedAt = now;
                return new ReviewOutcome(DeclarationAction.Rejected, 0);
            case ReviewDecision.NeedMoreInfo:
                Status = DeclarationStatus.NeedMoreInfo;
                return new ReviewOutcome(DeclarationAction.MoreInfoRequested, 0);
            default:
                if (level == ReviewLevel.Community && needsTownReview)
                {
                    Level = ReviewLevel.Town;
                    ProposedPoints = points;
                    FirstReviewerId = reviewerId;
                    return new ReviewOutcome(DeclarationAction.ForwardedToTown, 0);
                }

                Status = DeclarationStatus.Approved;
                DecidedAt = now;
                AwardedPoints = points;
                return new ReviewOutcome(DeclarationAction.Approved, points);
        }
    }

    /// <summary>
    /// The points a review awards when the reviewer names none: at the town level what the community proposed,
    /// otherwise the town's setting for the category (<paramref name="configuredDefault"/>), otherwise the built-in default.
    /// </summary>
    public int DefaultReviewPoints(int? configuredDefault) =>
        DefaultReviewPoints(Category, Level == ReviewLevel.Town ? ProposedPoints : null, configuredDefault);

    /// <inheritdoc cref="DefaultReviewPoints(int?)"/>
    /// <remarks>For projections that read the columns without the entity; a proposal exists only at the town level.</remarks>
    public static int DefaultReviewPoints(DeclarationCategory category, int? proposedPoints, int? configuredDefault) =>
        proposedPoints ?? configuredDefault ?? DeclarationCategorySetting.BuiltInPoints(category);

    /// <summary>Records what the ledger actually posted (the daily cap may have cut it).</summary>
    public void RecordAward(int posted) => AwardedPoints = posted;

    /// <summary>
    /// Why someone acting at <paramref name="revokerLevel"/> may not revoke this declaration, or null when they may:
    /// only an approval can be revoked, and only with at least the authority of the level that approved it
    /// (<see cref="Level"/> does not change after approval).
    /// </summary>
    public DomainError? RevokeRefusal(ReviewLevel revokerLevel) =>
        Status != DeclarationStatus.Approved ? DeclarationErrors.NotRevocable
        : Level == ReviewLevel.Town && revokerLevel == ReviewLevel.Community ? DeclarationErrors.RevokeNeedsTown
        : null;

    public Result<Declaration> Revoke(string reason, ReviewLevel revokerLevel, DateTimeOffset now)
    {
        if (RevokeRefusal(revokerLevel) is { } refusal)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return DeclarationErrors.ReasonRequired;
        }

        Status = DeclarationStatus.Revoked;
        LastReason = reason.Trim();
        Touch(now);
        return this;
    }

    public bool IsStale(DateTimeOffset now, TimeSpan after) => Status == DeclarationStatus.Pending && now - LastActionAt >= after;

    private void Touch(DateTimeOffset now)
    {
        LastActionAt = now;
        Version++;
    }

    private static DomainError? CheckContent(string text, IReadOnlyList<Guid> photoIds)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > TextMaxLength)
        {
            return DeclarationErrors.TextInvalid;
        }

        if (photoIds.Count > MaxPhotos || photoIds.Distinct().Count() != photoIds.Count)
        {
            return DeclarationErrors.TooManyPhotos;
        }

        return null;
    }

    public static string JoinIds(IEnumerable<Guid> ids) => string.Join(',', ids.Select(i => i.ToString("N")));

    public static IReadOnlyList<Guid> ParseIds(string ids) =>
        ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();
}

/// <summary>Timeline actions of a declaration.</summary>
public static class DeclarationAction
{
    public const string Submitted = "Submitted";
    public const string Resubmitted = "Resubmitted";
    public const string ForwardedToTown = "ForwardedToTown";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string MoreInfoRequested = "MoreInfoRequested";
    public const string Revoked = "Revoked";
    public const string Withdrawn = "Withdrawn";
    public const string AwardCapped = "AwardCapped";
}

public sealed record ReviewOutcome(string Action, int PointsToAward);

/// <summary>Per town and category: the default points of an approval and whether the town reviews second.</summary>
public sealed class DeclarationCategorySetting
{
    private DeclarationCategorySetting()
    {
    }

    public DeclarationCategorySetting(Guid townId, DeclarationCategory category, int defaultPoints, bool needsTownReview)
    {
        TownId = townId;
        Category = category;
        DefaultPoints = defaultPoints;
        NeedsTownReview = needsTownReview;
    }

    public Guid TownId { get; private set; }

    public DeclarationCategory Category { get; private set; }

    public int DefaultPoints { get; private set; }

    public bool NeedsTownReview { get; private set; }

    /// <summary>Used when a town has not configured a category.</summary>
    public static DeclarationCategorySetting Default(Guid townId, DeclarationCategory category) => new(townId, category, BuiltInPoints(category), false);

    public static int BuiltInPoints(DeclarationCategory category) => category switch
    {
        DeclarationCategory.GoodDeed => 10,
        DeclarationCategory.Mediation => 20,
        DeclarationCategory.SafetyInspection => 10,
        _ => 5,
    };

    public Result<DeclarationCategorySetting> Update(int defaultPoints, bool needsTownReview)
    {
        if (defaultPoints is < 0 or > Declaration.MaxPoints)
        {
            return DeclarationErrors.PointsInvalid;
        }

        DefaultPoints = defaultPoints;
        NeedsTownReview = needsTownReview;
        return this;
    }
}

public static class DeclarationErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("declaration.not_found", "申报不存在");
    public static readonly DomainError ReviewConflict = DomainError.Conflict("review.conflict", "该申报已被其他工作人员处理，请刷新后再看");
    public static readonly DomainError ReasonRequired = DomainError.Validation("review.reason_required", "驳回或要求补充材料时必须填写理由");
    public static readonly DomainError PointsInvalid = DomainError.Validation("declaration.points_invalid", "积分须在 0 到 1000 之间");
    public static readonly DomainError TextInvalid = DomainError.Validation("declaration.text_invalid", "申报内容不能为空且不超过1000字");
    public static readonly DomainError TooManyPhotos = DomainError.Validation("declaration.photos_invalid", "最多上传9张照片，且不能重复");
    public static readonly DomainError PhotoNotOwned = DomainError.Validation("declaration.photo_invalid", "照片不存在或不是您上传的");
    public static readonly DomainError NotAwaitingInfo = DomainError.Conflict("declaration.not_awaiting_info", "只有被要求补充材料的申报才能重新提交");
    public static readonly DomainError NotWithdrawable = DomainError.Conflict("declaration.not_withdrawable", "申报已有结果，不能撤回");
    public static readonly DomainError NotRevocable = DomainError.Conflict("declaration.not_revocable", "只有已通过的申报才能撤销");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("declaration.out_of_scope", "只能审核本村社（镇街）的申报");
    public static readonly DomainError SameReviewer = DomainError.Conflict("review.same_reviewer", "第一级审核已由您作出，第二级审核须由另一位镇街工作人员进行");
    public static readonly DomainError RevokeNeedsTown = DomainError.Forbidden("declaration.revoke_needs_town", "该申报经镇街审核通过，只有镇街工作人员才能撤销");
    public static readonly DomainError TownLevelOnly = DomainError.Forbidden("review.town_level_only", "第二级审核须由镇街工作人员进行");
}
