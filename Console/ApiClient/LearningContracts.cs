namespace Points.Console.ApiClient;

// Twins of Api/Participation/LearningEndpoints.cs and NegativeRecordEndpoints.cs, and the activity waitlist.

public sealed record CreateArticleRequest(
    string? Kind, string? Title, string? Body, int Points, int MinReadSeconds, Guid? CommunityId, string? QuizQuestion, IReadOnlyList<string>? QuizOptions, int? QuizAnswer);

public sealed record ArticleResponse(
    Guid Id, string Kind, string Title, string? Body, int Points, int MinReadSeconds, Guid? CommunityId, string Status, DateTimeOffset? PublishedAt,
    string? QuizQuestion, IReadOnlyList<string>? QuizOptions);

public sealed record CommentResponse(Guid Id, Guid ArticleId, Guid ResidentId, string Text, string Status, DateTimeOffset CreatedAt);

public sealed record ModerateCommentRequest(bool Accept);

public sealed record NegativeRecordListItem(
    Guid Id, Guid ResidentId, string ResidentName, Guid CommunityId, string CommunityName, string Kind, string Description, int Severity,
    DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, string Status, bool Counting, string? Explanation, string? AppealReason,
    DateTimeOffset? AppealedAt, bool RecordedByMe);

public sealed record NegativeRecordListPage(IReadOnlyList<NegativeRecordListItem> Items, int Page, int PageSize, int Total);

public sealed record NegativeRecordDetail(
    Guid Id, Guid ResidentId, Guid CommunityId, string Kind, string Description, int Severity, IReadOnlyList<Guid> EvidenceIds, DateTimeOffset OccurredAt,
    DateTimeOffset ExpiresAt, string Status, bool Counting, string? Explanation, string? AppealReason, DateTimeOffset? AppealedAt, string? DecisionNote,
    DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt, IReadOnlyList<TimelineStepResponse>? History);

public sealed record CreateNegativeRecordRequest(string? Kind, string? Description, int? Severity, DateTimeOffset? OccurredAt, IReadOnlyList<Guid> EvidenceIds);

public sealed record AppealDecisionRequest(bool Uphold, string? Note);

public sealed record RevokeNegativeRecordRequest(string? Note);

public sealed record UploadResponse(Guid Id);

public sealed record WaitlistItemResponse(Guid ResidentId, string ResidentName, int Position, DateTimeOffset JoinedAt);
